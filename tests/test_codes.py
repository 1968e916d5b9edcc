"""The next project code to offer: one past the highest of the prefix most codes share, padded alike."""

from __future__ import annotations

import pytest

from projtui.domain.codes import next_project_code


@pytest.mark.parametrize(
    ("taken", "expected"),
    [
        ([f"SP-{n:02d}" for n in range(1, 18)], "SP-18"),
        (["SP-9", "SP-10"], "SP-11"),  # numbers by value, not as text; unpadded codes stay unpadded
        (["SP-10", "SP-9"], "SP-11"),  # order does not matter
        (["SP-01", "SP-02", "SP-07"], "SP-08"),  # gaps are not refilled
        (["SP-99"], "SP-100"),  # padding grows when the numbers outgrow it
        (["SP-01", "SP-02", "CAP-001"], "SP-03"),  # the prefix most codes use
        (["CAP-001", "CAP-002", "SP-05"], "CAP-003"),  # padded as that prefix's codes are
        (["sp-01", "SP-02"], "sp-03"),  # one prefix whatever its case, spelt as first seen
        (["SP-01", "HOUSING", "Leisure centre"], "SP-02"),  # codes without a number are ignored
        (["A1", "B1"], "A2"),  # a tie goes to the first prefix by name, so the offer is stable
        ([], "SP-01"),  # an empty portfolio
        (["HOUSING"], "SP-01"),  # no numbered code yet
    ],
)
def test_next_project_code(taken, expected):
    assert next_project_code(taken) == expected



def test_the_offer_is_never_taken_whatever_the_case_or_padding():
    taken = ["SP-1", "SP-2", "sp-3", "SP-03", "SP-0004"]
    assert next_project_code(taken).casefold() not in {code.casefold() for code in taken}
    assert next_project_code(taken) == "SP-5"  # padded as the least padded code: 1 digit


def test_an_ambition_and_a_priority_are_offered_the_next_code_of_their_series():
    from projtui.domain.codes import next_ambition_code, next_priority_code

    assert next_ambition_code([]) == "A1"
    assert next_ambition_code(["A1", "A2", "A10"]) == "A11"
    assert next_priority_code("A2", []) == "A2.1"
    assert next_priority_code("A2", ["A2.1", "A2.3"]) == "A2.4"
