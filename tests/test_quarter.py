"""Financial quarters: parsing, canonical labels, calendar and arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from projtui.domain.quarter import MAX_YEAR, MIN_YEAR, Quarter, quarters_between
from projtui.domain.records import QuarterLabel

Q1_2024 = Quarter(2024, 1)

# Keep clear of the representable edges so shifts and neighbours exist.
quarters = st.builds(Quarter, st.integers(MIN_YEAR + 20, MAX_YEAR - 20), st.integers(1, 4))
any_quarter = st.builds(Quarter, st.integers(MIN_YEAR, MAX_YEAR), st.integers(1, 4))
shifts = st.integers(-60, 60)


def _message(text: object) -> str:
    return f"not a financial quarter: {text!r} (expected e.g. '2024/25 Q1')"


def _variants(q: Quarter) -> list[str]:
    """Every accepted spelling of `q` (two-digit forms only where they mean this century)."""
    end = f"{(q.fy_start_year + 1) % 100:02d}"
    long_years = [f"{q.fy_start_year}/{end}", f"{q.fy_start_year}-{end}", f"FY{q.fy_start_year}/{end}"]
    if 2000 <= q.fy_start_year <= 2099:
        long_years.append(f"FY{q.fy_start_year % 100:02d}/{end}")
    out = []
    for years in long_years:
        out += [f"{years} Q{q.quarter}", f"Q{q.quarter} {years}"]
    return out


# -- parsing ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024/25 Q1",
        "FY24/25 Q1",
        "2024-25 Q1",
        "Q1 2024/25",
        "Q1 2024-25",
        "FY2024/25 Q1",
        "fy24/25 q1",
        "  2024/25 Q1  ",
        "2024 / 25   Q 1",
        "\tQ1\t2024-25\n",
        "Fy 24/25 Q1",
    ],
)
def test_parse_accepts_documented_variants(text: str) -> None:
    assert Quarter.parse(text) == Q1_2024


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024/25 Q4", Quarter(2024, 4)),
        ("1999/00 Q4", Quarter(1999, 4)),
        ("FY99/00 Q2", Quarter(2099, 2)),  # two-digit years are this century's
        ("2099-00 Q3", Quarter(2099, 3)),
        ("Q2 FY23/24", Quarter(2023, 2)),
    ],
)
def test_parse_values(text: str, expected: Quarter) -> None:
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2024/25 Q0",
        "2024/25 Q5",
        "2024/25 Q12",
        "2024/26 Q1",  # years not consecutive
        "2024/24 Q1",
        "2023/25 Q1",
        "2024/2025 Q1",
        "24/25 Q1",  # two-digit start only with FY
        "2024/25",
        "Q1",
        "2024 Q1",
        "Q1 2024/25 Q2",
        "2024/25 Q1 extra",
        "hello",
        "1800/01 Q1",  # outside the representable years
        "2200/01 Q1",
        "2024/25 Q\u0661",  # Arabic-Indic digit one
    ],
)
def test_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError) as info:
        Quarter.parse(text)
    assert str(info.value) == _message(text)


def test_parse_rejects_non_string() -> None:
    with pytest.raises(ValueError, match="not a financial quarter"):
        Quarter.parse(20241)  # type: ignore[arg-type]


@given(any_quarter)
def test_parse_str_round_trip(q: Quarter) -> None:
    assert Quarter.parse(str(q)) == q


@given(any_quarter, st.data())
def test_every_variant_parses_back(q: Quarter, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(_variants(q)))
    spaced = data.draw(st.sampled_from([text, text.lower(), f"  {text.upper()} "]))
    assert Quarter.parse(spaced) == q


# -- construction and labels --------------------------------------------------


@pytest.mark.parametrize(("year", "quarter"), [(2024, 0), (2024, 5), (2024, -1), (1899, 1), (2200, 1), (True, 1), (2024, 1.0)])
def test_constructor_validates(year: int, quarter: int) -> None:
    with pytest.raises(ValueError):
        Quarter(year, quarter)


@pytest.mark.parametrize(
    ("q", "label", "year"),
    [
        (Quarter(2024, 1), "2024/25 Q1", "2024/25"),
        (Quarter(1999, 4), "1999/00 Q4", "1999/00"),
        (Quarter(2099, 2), "2099/00 Q2", "2099/00"),
        (Quarter(2008, 3), "2008/09 Q3", "2008/09"),
    ],
)
def test_canonical_label(q: Quarter, label: str, year: str) -> None:
    assert str(q) == label
    assert q.label == label
    assert q.financial_year == year


def test_hashable_and_frozen() -> None:
    assert {Quarter(2024, 1): "x"}[Quarter.parse("FY24/25 Q1")] == "x"
    with pytest.raises(AttributeError):
        Q1_2024.quarter = 2  # type: ignore[misc]


# -- calendar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "start", "end"),
    [
        (Quarter(2024, 1), dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        (Quarter(2024, 2), dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (Quarter(2024, 3), dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        (Quarter(2024, 4), dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        (Quarter(MAX_YEAR, 4), dt.date(MAX_YEAR + 1, 1, 1), dt.date(MAX_YEAR + 1, 3, 31)),
    ],
)
def test_dates(q: Quarter, start: dt.date, end: dt.date) -> None:
    assert (q.start_date, q.end_date) == (start, end)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 4, 1), Quarter(2024, 1)),
        (dt.date(2024, 3, 31), Quarter(2023, 4)),
        (dt.date(2025, 1, 1), Quarter(2024, 4)),
        (dt.date(2024, 12, 31), Quarter(2024, 3)),
        (dt.datetime(2024, 7, 1, 12, 30), Quarter(2024, 2)),
    ],
)
def test_containing(day: dt.date, expected: Quarter) -> None:
    assert Quarter.containing(day) == expected


def test_current() -> None:
    assert Quarter.current(dt.date(2026, 2, 14)) == Quarter(2025, 4)
    assert Quarter.current() == Quarter.containing(dt.date.today())


@given(any_quarter)
def test_containing_own_dates(q: Quarter) -> None:
    assert Quarter.containing(q.start_date) == q
    assert Quarter.containing(q.end_date) == q


@given(any_quarter, any_quarter)
def test_order_is_chronological(a: Quarter, b: Quarter) -> None:
    assert (a < b) == (a.start_date < b.start_date)
    assert (a == b) == (a.start_date == b.start_date)


@given(quarters)
def test_quarters_are_contiguous(q: Quarter) -> None:
    assert q.next().start_date == q.end_date + dt.timedelta(days=1)


# -- arithmetic ---------------------------------------------------------------


def test_neighbours() -> None:
    assert Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    assert Quarter(2024, 2).same_quarter_last_year() == Quarter(2023, 2)
    assert Q1_2024.shift(0) == Q1_2024
    assert Q1_2024.shift(-5) == Quarter(2022, 4)


def test_shift_past_representable_range() -> None:
    with pytest.raises(ValueError):
        Quarter(MAX_YEAR, 4).next()
    with pytest.raises(ValueError):
        Quarter(MIN_YEAR, 1).previous()


@given(quarters)
def test_previous_next_inverse(q: Quarter) -> None:
    assert q.next().previous() == q
    assert q.previous().next() == q
    assert q.previous() < q < q.next()


@given(quarters, shifts)
def test_shift_inverse(q: Quarter, n: int) -> None:
    assert q.shift(n).shift(-n) == q
    assert q.shift(n).ordinal - q.ordinal == n


@given(any_quarter)
def test_ordinal_round_trip(q: Quarter) -> None:
    assert Quarter.from_ordinal(q.ordinal) == q
    assert q.ordinal == q.fy_start_year * 4 + q.quarter - 1


@given(quarters)
def test_same_quarter_last_year_is_shift_minus_four(q: Quarter) -> None:
    assert q.same_quarter_last_year() == q.shift(-4)
    assert q.same_quarter_last_year().quarter == q.quarter


def test_range() -> None:
    assert Quarter.range(Quarter(2024, 3), Quarter(2025, 2)) == [
        Quarter(2024, 3),
        Quarter(2024, 4),
        Quarter(2025, 1),
        Quarter(2025, 2),
    ]
    assert Quarter.range(Q1_2024, Q1_2024) == [Q1_2024]
    assert Quarter.range(Q1_2024.next(), Q1_2024) == []


@given(quarters, st.integers(0, 40))
def test_quarters_between(first: Quarter, n: int) -> None:
    got = list(quarters_between(first, first.shift(n)))
    assert len(got) == n + 1
    assert got == sorted(got)
    assert got[0] == first and got[-1] == first.shift(n)


# -- pydantic -----------------------------------------------------------------


class _Reading(BaseModel):
    quarter: QuarterLabel
    values: dict[QuarterLabel, float] = {}


def test_pydantic_validates_and_dumps_canonical() -> None:
    model = _Reading(quarter="FY24/25 Q1", values={"Q2 2024-25": 1.5})
    assert model.quarter == Q1_2024
    assert model.values == {Quarter(2024, 2): 1.5}
    assert model.model_dump() == {"quarter": "2024/25 Q1", "values": {"2024/25 Q2": 1.5}}
    assert model.model_dump_json() == '{"quarter":"2024/25 Q1","values":{"2024/25 Q2":1.5}}'
    assert _Reading.model_validate_json(model.model_dump_json()) == model


def test_pydantic_accepts_quarter_instance() -> None:
    assert _Reading(quarter=Q1_2024).quarter is Q1_2024


@pytest.mark.parametrize("bad", ["2024/26 Q1", "Q5 2024/25", "", 2024, {"fy_start_year": 2024, "quarter": 1}])
def test_pydantic_rejects_with_message(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        _Reading(quarter=bad)
    (error,) = info.value.errors()
    assert error["loc"] == ("quarter",)
    assert _message(bad) in error["msg"]


def test_type_adapter_and_json_schema() -> None:
    adapter = TypeAdapter(QuarterLabel)
    assert adapter.validate_python("q3 2024/25") == Quarter(2024, 3)
    assert adapter.validate_json('"2024-25 Q3"', strict=True) == Quarter(2024, 3)
    assert adapter.dump_python(Quarter(2024, 3)) == "2024/25 Q3"
    assert adapter.json_schema()["type"] == "string"
