"""A spreadsheet cell read as the field it fills: typed values as they are, text as a person types it."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from projtui.domain.quarter import Quarter
from projtui.spreadsheet import cells


@pytest.mark.parametrize(
    ("value", "pence"),
    [(1250000, 125_000_000), (1250000.5, 125_000_050), (0.1, 10), ("£1,250,000", 125_000_000), ("1,250,000.50", 125_000_050), ("", None)],
)
def test_budget_is_pounds_as_a_number_or_as_text(value, pence):
    assert cells.pence(value) == pence


@pytest.mark.parametrize(("value", "message"), [(12.345, "two decimal places"), (-1, "negative"), ("£12k", "enter pounds"), (True, "enter pounds")])
def test_a_budget_that_is_not_pounds_and_pence_is_refused(value, message):
    with pytest.raises(ValueError, match=message):
        cells.pence(value)


def _pence_by_decimal(value: float) -> int:
    """The rule for a number cell written the long way: its shortest text, times 100, whole."""
    amount = Decimal(repr(float(value))) * 100
    if amount < 0 or amount != amount.to_integral_value():
        raise ValueError
    return int(amount)


@given(st.one_of(st.integers(min_value=-(10**18), max_value=10**18), st.floats(allow_nan=False, allow_infinity=False),
                 st.integers(min_value=0, max_value=10**13).map(float), st.integers(min_value=0, max_value=10**6).map(lambda n: n / 100)))
@example(2**53 + 1)  # a whole number a float cannot hold: read as the float it becomes, as the rule does
def test_a_number_cell_is_pence_by_one_rule_whole_pounds_or_not(value):
    try:
        expected = _pence_by_decimal(value)
    except ValueError:
        with pytest.raises(ValueError):
            cells.pence(value)
    else:
        assert cells.pence(value) == expected


@pytest.mark.parametrize(
    ("value", "day"),
    [(dt.date(2026, 4, 1), dt.date(2026, 4, 1)), (dt.datetime(2026, 4, 1, 9, 30), dt.date(2026, 4, 1)),
     ("2026-04-01", dt.date(2026, 4, 1)), ("01/04/2026", dt.date(2026, 4, 1)), ("1/4/2026", dt.date(2026, 4, 1)), (" ", None)],
)
def test_a_date_is_a_date_cell_iso_or_day_first(value, day):
    assert cells.day(value) == day


@pytest.mark.parametrize(("value", "message"), [("31/02/2026", "no such date"), ("04-01-2026", "not a date"), (46113.0, "not a date")])
def test_anything_else_is_not_a_date(value, message):
    with pytest.raises(ValueError, match=message):
        cells.day(value)


@pytest.mark.parametrize("value", ["yes", "Y", "TRUE", "1", 1, 1.0, True])
def test_provisional_yes(value):
    assert cells.flag(value) is True


@pytest.mark.parametrize("value", ["no", "n", "False", "0", 0, False, "", None])
def test_provisional_no_or_blank(value):
    assert cells.flag(value) is False


def test_provisional_is_nothing_else():
    with pytest.raises(ValueError, match="yes or no"):
        cells.flag("maybe")


def test_a_figure_is_a_number_cell_or_text_with_separators_never_a_date_or_a_tick():
    assert (cells.figure(12), cells.figure(-0.0), cells.figure("1,234.5"), cells.figure("")) == (12.0, 0.0, 1234.5, None)
    for value in (True, dt.date(2026, 4, 1), "lots"):
        with pytest.raises(ValueError):
            cells.figure(value)


def test_text_keeps_a_numeric_code_whole_and_a_date_as_iso():
    assert (cells.text(101.0), cells.text(12.5), cells.text(dt.date(2026, 4, 1)), cells.text("  x "), cells.text("  ")) == (
        "101", "12.5", "2026-04-01", "x", None)


def test_a_quarter_is_any_accepted_label_and_the_refusal_names_the_value():
    assert cells.quarter("Q3 2026-27") == cells.quarter("FY26/27 Q3") == Quarter(2026, 3)
    with pytest.raises(ValueError, match="not a financial quarter: '2026-04-01'"):
        cells.quarter(dt.date(2026, 4, 1))


def test_a_choice_reads_as_its_stored_word():
    assert (cells.word("On hold"), cells.word("on-hold"), cells.word("DELIVERY"), cells.word("")) == ("on_hold", "on_hold", "delivery", None)
