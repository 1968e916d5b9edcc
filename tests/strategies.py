"""Hypothesis strategies for valid snapshot documents, shared by the round-trip tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from projtui.domain.quarter import Quarter
from projtui.domain.records import LARGEST_NUMBER
from projtui.snapshot.document import Document

QUARTER_FORMS = ("{y}/{n:02d} Q{q}", "FY{s:02d}/{n:02d} Q{q}", "{y}-{n:02d} Q{q}", "Q{q} {y}/{n:02d}")


@st.composite
def quarter_labels(draw) -> str:
    year, quarter = draw(st.integers(2022, 2026)), draw(st.integers(1, 4))
    form = draw(st.sampled_from(QUARTER_FORMS))
    return form.format(y=year, s=year % 100, n=(year + 1) % 100, q=quarter)


# Any text a person could type, but NUL (which no database can store as text).
_characters = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
codes = st.from_regex(r"[A-Z]{1,2}-?[0-9]{1,3}", fullmatch=True)
titles = st.text(_characters, min_size=1, max_size=12).filter(str.strip)
texts = st.text(_characters, max_size=30)  # newlines, quotes, \r...
# Every figure the records accept (domain.records.LARGEST_NUMBER either way).
numbers = st.floats(min_value=-LARGEST_NUMBER, max_value=LARGEST_NUMBER, allow_nan=False, width=64)


def quarter_values(max_size: int):
    """Quarter-keyed values, each quarter once however it is spelt (the reader refuses two spellings)."""
    return st.dictionaries(quarter_labels(), numbers, max_size=max_size).map(
        lambda values: {label: value for label, value in {Quarter.parse(k): (k, v) for k, v in values.items()}.values()}
    )


@st.composite
def benchmarks(draw) -> dict:
    """A comparator set: quartiles in order, rank within of, at least one figure."""
    quartiles = sorted(draw(st.lists(numbers, min_size=3, max_size=3)))
    of = draw(st.none() | st.integers(1, 400))
    benchmark = {
        "period": draw(st.sampled_from(["2022/23", "FY23/24", "2024-25"])),
        "source": draw(titles),
        "value": draw(st.none() | numbers),
        "rank": None if of is None else draw(st.integers(1, of)),
        "of": of,
        **{name: draw(st.none() | st.just(q)) for name, q in zip(("lower_quartile", "median", "upper_quartile"), quartiles)},
    }
    if all(benchmark[name] is None for name in ("value", "lower_quartile", "median", "upper_quartile", "rank", "of")):
        benchmark["median"] = quartiles[1]
    return benchmark


@st.composite
def measures(draw) -> dict:
    actuals = draw(quarter_values(4))
    keys = sorted(actuals)
    direction = draw(st.sampled_from(["higher", "lower", "none"]))
    measure = {
        "name": draw(titles),
        "direction": direction,
        "baseline": draw(st.none() | numbers),
        "target": None if direction == "none" else draw(st.none() | numbers),  # "none" never has a target
        "targets": {} if direction == "none" else draw(quarter_values(2)),  # nor profiled ones
        "actuals": actuals,
        "forecasts": draw(quarter_values(2)),
        # One per year and source, however the year is spelt (the reader refuses two).
        "benchmarks": draw(st.lists(benchmarks(), max_size=2, unique_by=lambda b: (b["period"][-5:-3], b["source"].strip()))),
        "provisional": draw(st.lists(st.sampled_from(keys), unique=True)) if keys else [],
        "notes": {key: draw(texts) for key in draw(st.lists(st.sampled_from(keys), unique=True))} if keys else {},
    }
    return measure


@st.composite
def risks(draw, code: str) -> dict:
    kind = draw(st.sampled_from(["risk", "issue"]))
    raised = draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
    later = st.dates(raised or dt.date(2020, 1, 1), dt.date(2031, 1, 1))
    return {
        "code": code,
        "title": draw(titles),
        "kind": kind,
        "status": draw(st.sampled_from(["open", "closed"])),
        "likelihood": draw(st.integers(1, 5)),
        "impact": draw(st.integers(1, 5)),
        "mitigation": draw(st.none() | texts),
        "raised_on": raised,
        "review_by": draw(st.none() | later),
        "became_issue_on": draw(st.none() | later) if kind == "issue" else None,
    }


@st.composite
def _stage_and_ambitions(draw, ambitions: list[str]) -> dict:
    """Only a pipeline project may serve no ambition (Stage.needs_ambition)."""
    linked = draw(st.lists(st.sampled_from(ambitions), unique=True)) if ambitions else []
    stages = ["pipeline", "delivery", "closed"] if linked else ["pipeline"]
    return {"stage": draw(st.sampled_from(stages)), "ambitions": linked}


@st.composite
def projects(draw, code: str, ambitions: list[str]) -> dict:
    outcomes = draw(st.lists(codes, unique=True, max_size=2))
    benefits = draw(st.lists(codes, unique=True, max_size=2))
    project = {
        "code": code,
        "name": draw(titles),
        "summary": draw(st.none() | texts),
        "budget_pence": draw(st.none() | st.integers(0, 10**12)),
        "start_date": draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1))),
        **draw(_stage_and_ambitions(ambitions)),
        "outputs": [
            {"code": c, "title": draw(titles), "outcomes": draw(st.lists(st.sampled_from(outcomes), unique=True)) if outcomes else []}
            for c in draw(st.lists(codes, unique=True, max_size=2))
        ],
        "outcomes": [
            {"code": c, "title": draw(titles), "measures": draw(st.lists(measures(), max_size=1)),
             "benefits": draw(st.lists(st.sampled_from(benefits), unique=True)) if benefits else []}
            for c in outcomes
        ],
        "benefits": [
            {"code": c, "title": draw(titles), "category": draw(st.sampled_from(["cash-releasing", "non-cash-releasing"])),
             "measures": draw(st.lists(measures(), max_size=2))}
            for c in benefits
        ],
        "reviews": [
            {"quarter": f"{year}/{(year + 1) % 100:02d} Q{q}", "rag": draw(st.sampled_from(["green", "amber", "not_set"])),
             "commentary": draw(st.none() | texts)}
            for year, q in draw(st.lists(st.tuples(st.integers(2022, 2026), st.integers(1, 4)), unique=True, max_size=3))
        ],
    }
    project["risks"] = [draw(risks(c)) for c in draw(st.lists(codes, unique=True, max_size=2))]
    # Measure codes are unique within a project. Every measure gets one here, as the
    # database gives them; the reader's numbering of codeless ones is tested on its own.
    measure_codes = iter(draw(st.lists(codes, unique=True, min_size=6, max_size=6)))
    for item in project["outcomes"] + project["benefits"]:
        for measure in item["measures"]:
            measure["code"] = next(measure_codes)
    return project


@st.composite
def kpis(draw, code: str, ambitions: list[str]) -> dict:
    """A corporate KPI: a measure with a code, a service, ambitions and commentary per quarter."""
    kpi = draw(measures())
    commentary = draw(st.dictionaries(quarter_labels(), texts, max_size=2))
    return {
        **kpi,
        "code": code,
        # The definition's other fields, which the workbook's KPIs sheet carries column by column.
        "description": draw(st.none() | texts),
        "unit": draw(st.sampled_from(["", "%", "days"])),
        "frequency": draw(st.sampled_from(["quarterly", "half_yearly", "annually"])),
        "tolerance": draw(st.none() | st.floats(0, 100)),
        "owner": draw(st.none() | titles),
        "data_source": draw(st.none() | titles),
        "service": draw(st.none() | titles),
        "ambitions": draw(st.lists(st.sampled_from(ambitions), unique=True)) if ambitions else [],
        "commentary": {label: text for label, text in {Quarter.parse(k): (k, v) for k, v in commentary.items()}.values()},
    }


@st.composite
def documents(draw) -> Document:
    ambitions = draw(st.lists(codes, unique=True, max_size=3))
    project_codes = draw(st.lists(codes, unique=True, max_size=3))
    kpi_codes = draw(st.lists(codes, unique=True, max_size=2))
    return Document.model_validate(
        {
            "exported_at": draw(st.none() | st.datetimes(timezones=st.just(dt.UTC))),
            "portfolio": {"name": draw(st.none() | titles)},
            "ambitions": [
                {"code": c, "title": draw(titles), "description": draw(st.none() | texts), "retired": draw(st.booleans())} for c in ambitions
            ],
            "projects": [draw(projects(c, ambitions)) for c in project_codes],
            "kpis": [draw(kpis(c, ambitions)) for c in kpi_codes],
        }
    )
