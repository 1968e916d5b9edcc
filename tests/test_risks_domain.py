"""The 5×5 risk matrix (every cell, the band edges, custom bands), the risk record's rules and the next code to offer."""

from __future__ import annotations

import datetime as dt

import pytest

from projtui.domain.codes import next_risk_code
from projtui.domain.enums import Rag
from projtui.domain.errors import InvalidInput
from projtui.domain.records import RiskFields, validated
from projtui.domain.risks import (
    DEFAULT_BANDS,
    RiskBands,
    RiskStatus,
    by_score,
    is_high,
    needs_attention,
    needs_review,
    risk_rag,
    risk_score,
    score_caption,
)

# The usual council matrix, written out cell by cell (rows: likelihood 1..5; columns: impact 1..5).
G, A, R = Rag.GREEN, Rag.AMBER, Rag.RED
MATRIX = [
    [G, G, G, G, A],
    [G, G, A, A, A],
    [G, A, A, A, R],
    [G, A, A, R, R],
    [A, A, R, R, R],
]


@pytest.mark.parametrize("likelihood", range(1, 6))
@pytest.mark.parametrize("impact", range(1, 6))
def test_every_cell_of_the_default_matrix(likelihood, impact):
    score = risk_score(likelihood, impact)
    assert score == likelihood * impact
    assert risk_rag(score) is MATRIX[likelihood - 1][impact - 1]
    assert is_high(likelihood, impact) is (MATRIX[likelihood - 1][impact - 1] is Rag.RED)


@pytest.mark.parametrize(("score", "rag"), [(1, G), (4, G), (5, A), (12, A), (14, A), (15, R), (25, R)])
def test_band_edges(score, rag):
    assert risk_rag(score, DEFAULT_BANDS) is rag


def test_custom_bands_move_the_edges():
    bands = RiskBands(amber=4, red=10)
    assert [risk_rag(score, bands) for score in (3, 4, 9, 10)] == [G, A, A, R]
    assert is_high(2, 5, bands) and not is_high(2, 5)


def test_bands_where_amber_equals_red_have_no_amber():
    bands = RiskBands(amber=12, red=12)
    assert [risk_rag(score, bands) for score in (11, 12)] == [G, R]


@pytest.mark.parametrize(("amber", "red"), [(1, 15), (16, 15), (5, 26), (5.0, 15), (True, 15)])
def test_bands_that_are_no_matrix_are_refused(amber, red):
    with pytest.raises(ValueError):
        RiskBands(amber, red)


@pytest.mark.parametrize(("likelihood", "impact"), [(0, 3), (3, 6)])
def test_a_score_off_the_matrix_is_refused(likelihood, impact):
    with pytest.raises(ValueError, match="must be 1 to 5"):
        risk_score(likelihood, impact)


def test_score_caption_reads_without_colour():
    assert score_caption(4, 5) == "20 ▲ Red"
    assert score_caption(2, 3) == "6 ◆ Amber"
    assert score_caption(1, 1) == "1 ● Green"


def test_needs_review_only_when_open_and_past_its_date():
    today = dt.date(2025, 6, 1)
    assert needs_review(RiskStatus.OPEN, dt.date(2025, 5, 31), today)
    assert not needs_review(RiskStatus.OPEN, today, today)
    assert not needs_review(RiskStatus.CLOSED, dt.date(2025, 1, 1), today)
    assert not needs_review(RiskStatus.OPEN, None, today)


def test_by_score_puts_the_highest_first_then_open_then_code():
    risks = [
        RiskFields(code="R10", title="a", likelihood=2, impact=2),
        RiskFields(code="R2", title="b", likelihood=4, impact=5, status="closed"),
        RiskFields(code="R9", title="c", likelihood=5, impact=4),
        RiskFields(code="R1", title="d", likelihood=2, impact=2),
    ]
    assert [r.code for r in by_score(risks)] == ["R9", "R2", "R1", "R10"]


def test_a_risk_record_refuses_scores_off_the_matrix_and_dates_out_of_order():
    with pytest.raises(InvalidInput) as caught:
        validated(RiskFields, {"code": "R1", "title": "x", "likelihood": 6, "impact": "3"})
    assert {p.field for p in caught.value.problems} == {"likelihood", "impact"}
    with pytest.raises(InvalidInput, match="before raised_on"):
        validated(RiskFields, {"code": "R1", "title": "x", "raised_on": "2025-05-01", "review_by": "2025-04-01"})
    with pytest.raises(InvalidInput, match="kind must stay issue"):
        validated(RiskFields, {"code": "R1", "title": "x", "became_issue_on": "2025-05-01"})


def test_next_risk_code_follows_the_series():
    assert next_risk_code([]) == "R01"
    assert next_risk_code(["R01", "R02", "r07"]) == "R08"
    assert next_risk_code(["I1", "R9", "R10"]) == "R11"


def test_needs_attention_is_open_and_red():
    assert needs_attention(RiskFields(code="R1", title="a", likelihood=3, impact=5))
    assert not needs_attention(RiskFields(code="R1", title="a", likelihood=3, impact=5, status="closed"))
    assert not needs_attention(RiskFields(code="R1", title="a", likelihood=3, impact=4))
    assert needs_attention(RiskFields(code="R1", title="a", likelihood=3, impact=4), RiskBands(amber=5, red=12))
