"""Figures as people type them in forms (domain/parsing.py): what is read, and what is refused."""

import pytest

from projtui.domain.parsing import parse_actual


@pytest.mark.parametrize(
    ("typed", "read"),
    [("87000", (87000, False)), ("87,000p", (87000, True)), (" 12.5P ", (12.5, True)), ("-3", (-3, False))],
)
def test_a_trailing_p_marks_a_figure_provisional(typed, read):
    assert parse_actual(typed) == read


@pytest.mark.parametrize("typed", ["p", "", "12pp", "inf", "1e999p", "twelve"])
def test_what_is_not_a_figure_is_refused(typed):
    with pytest.raises(ValueError):
        parse_actual(typed)
