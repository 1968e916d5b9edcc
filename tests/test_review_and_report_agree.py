"""Review mode and the report rate every measure the same way, in every quarter.

Both read a measure's figures through ``domain.measures.quarter_figures``;
what could still make them disagree is what each feeds it: review mode
reads the database row by row, the report reads the snapshot document cut
at its quarter. These tests compare the two for every measure in every
quarter, on the sample portfolio and on generated ones with every kind of
measure (polarity, range bands, tolerance, cadence, cumulative totals,
trajectories, profiled targets, benefits whose realisation has not
started).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projtui.domain.quarter import Quarter
from projtui.services import reviews
from projtui.services.importing import import_snapshot
from projtui.services.opening import open_portfolio
from projtui.services.reporting import build_report
from projtui.services.transfer import load_sample
from projtui.snapshot.document import Document
from projtui.snapshot.writer import dump_document

FIRST, LAST = Quarter(2023, 1), Quarter(2026, 4)
QUARTERS = Quarter.range(FIRST, LAST)


def _disagreements(db, quarters) -> list[str]:
    """Every (quarter, project, measure) whose figures differ between review mode and the report."""
    found = []
    for quarter in quarters:
        report = build_report(db, quarter)
        by_project = {}
        for section in report.sections:
            for project in section.projects:
                by_project[project.code] = {m.code: m.figures for m in project.measures}
        for code, reported in by_project.items():
            sheet = reviews.review_sheet(db, code, quarter)
            assert {line.code for line in sheet.measures} == set(reported), (quarter, code)
            found += [
                f"{quarter} {code}/{line.code}: review {line.figures} != report {reported[line.code]}"
                for line in sheet.measures
                if line.figures != reported[line.code]
            ]
    return found


def test_on_the_sample_portfolio_in_every_quarter(tmp_path):
    db = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    load_sample(db, actor="test")
    assert _disagreements(db, Quarter.range(Quarter(2023, 1), Quarter(2027, 4))) == []


# -- generated portfolios ---------------------------------------------------------------------------------

quarters = st.sampled_from(QUARTERS)
figures = st.integers(-50, 500).map(float) | st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def measures(draw, code: str) -> dict:
    direction = draw(st.sampled_from(["higher", "lower", "range"]))
    measure: dict = {
        "code": code,
        "name": f"Measure {code}",
        "direction": direction,
        "frequency": draw(st.sampled_from(["monthly", "quarterly", "half_yearly", "annually"])),
        "aggregation": draw(st.sampled_from(["snapshot", "cumulative"])),
        "actuals": {str(q): draw(figures) for q in draw(st.lists(quarters, unique=True, max_size=8))},
    }
    if draw(st.booleans()):
        measure["tolerance"] = draw(st.sampled_from([0.0, 5.0, 10.0, 25.0]))
    if draw(st.booleans()):
        measure["baseline"] = draw(figures)
        measure["baseline_period"] = str(draw(quarters))
    if draw(st.integers(0, 3)):  # mostly with a target; otherwise monitor only
        low = draw(figures)
        measure["target"] = low
        if direction == "range":
            measure["target_max"] = low + draw(st.integers(0, 50))
        if draw(st.booleans()):
            measure["target_period"] = str(draw(quarters))
        # A profiled bottom above the band's top cannot be rated at all (the report refuses it): keep it
        # at or below the lowest the top can be that quarter (a cumulative band is spread year to date).
        top = measure.get("target_max")
        cumulative = measure["aggregation"] == "cumulative"
        measure["targets"] = {
            str(q): value if top is None else min(value, top * q.quarter / 4 if cumulative else top)
            for q in draw(st.lists(quarters, unique=True, max_size=3))
            for value in [draw(figures)]
        }
    return measure


@st.composite
def portfolios(draw) -> Document:
    codes = iter(f"M{n}" for n in range(1, 100))
    projects = []
    for p in range(1, draw(st.integers(1, 3)) + 1):
        benefits = [
            {
                "code": f"B{b}",
                "title": f"Benefit {b}",
                **({"realisation_start": str(draw(quarters))} if draw(st.booleans()) else {}),
                "measures": [draw(measures(next(codes))) for _ in range(draw(st.integers(0, 3)))],
            }
            for b in range(1, draw(st.integers(1, 2)) + 1)
        ]
        outcomes = [{"code": "OC1", "title": "Outcome", "measures": [draw(measures(next(codes))) for _ in range(draw(st.integers(0, 2)))]}]
        projects.append({"code": f"SP-{p:02d}", "name": f"Project {p}", "benefits": benefits, "outcomes": outcomes})
    return Document.model_validate({"projects": projects})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_on_generated_portfolios_in_every_quarter(document: Document) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = open_portfolio(f"sqlite:///{Path(folder) / 'p.db'}", create=True)
        try:
            import_snapshot(db, dump_document(document), source="generated", actor="test")
            assert _disagreements(db, QUARTERS) == []
        finally:
            db.dispose()
