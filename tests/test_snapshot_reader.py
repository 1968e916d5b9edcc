"""Reading TOML snapshots: every problem, with its line, field, value and a plain message."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projtui.domain.errors import NO_VALUE, InvalidInput, Problem
from projtui.domain.quarter import Quarter
from projtui.snapshot.document import SCHEMA_VERSION
from projtui.snapshot.locate import LineIndex, locate
from projtui.snapshot.reader import field_name, read_document, read_document_file

# A snapshot as a person might write it: comments, multi-line strings that
# contain header-like lines, inline tables, a multi-line array, quoted keys.
SNAPSHOT = '''\
# Lancaster strategic projects, hand-edited
schema_version = 1

[portfolio]
name = "Strategic projects"

[[ambitions]]
code = "A1"
title = "A Sustainable District"
description = """
Net zero by 2030.
[[projects]]
code = "not a project"
"""

[[ambitions]]
code = "A2"
title = "An Inclusive and Prosperous Local Economy"

[[projects]]
code = "SP-01"
name = "Salt Ayre Leisure Centre decarbonisation"   # the big one
stage = "delivery"
ambitions = [
  "A1",  # primary ]
  "A2",
]
budget_pence = 1234500000

[projects.benefits_review_plan]
status = "approved"
notes = \'\'\'
[projects.outputs]
\'\'\'

[[projects.outputs]]
code = "O1"
title = "Air-source heat pumps and solar array installed"
outcomes = ["OC1"]

[[projects.outcomes]]
code = "OC1"
title = "Lower carbon emissions from council buildings"
benefits = ["B1"]

[[projects.outcomes.measures]]
name = "Carbon emissions"
unit = "tCO2e"
direction = "lower"

[[projects.benefits]]
code = "B1"
title = "Reduced gas consumption"
category = "cash-releasing"

[[projects.benefits.measures]]
name = "Gas consumption"
unit = "%"
direction = "lower"
baseline = 100.0
target = 65.0
actuals = { "2024/25 Q1" = 92.0, "FY24/25 Q2" = 80.5 }

[[projects.reviews]]
quarter = "2024/25 Q2"
rag = "amber"
commentary = "Works delayed by supplier lead times."

[[projects]]
code = "SP-02"
name = "Canal Quarter"
ambitions = ["A2"]

[[projects.benefits]]
code = "B1"
title = "More town-centre footfall"
'''


CODE_EMPTY = 'code = ""'  # a name: Python 3.11 allows no backslash inside an f-string's braces


def line_of(text: str, fragment: str, start: int = 1) -> int:
    """1-based number of the first line at or after `start` that contains `fragment`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if number >= start and fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in text")


def problems_of(text: str, **kwargs) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        read_document(text, source="s.toml", **kwargs)
    return caught.value.problems


def test_a_valid_snapshot_reads() -> None:
    document = read_document(SNAPSHOT, source="s.toml")
    assert [p.code for p in document.projects] == ["SP-01", "SP-02"]
    sp01 = document.projects[0]
    assert sp01.ambitions == ["A1", "A2"]
    gas = sp01.benefits[0].measures[0]
    assert [str(q) for q in gas.actuals] == ["2024/25 Q1", "2024/25 Q2"]  # FY24/25 Q2 made canonical
    assert document.ambitions[0].description.startswith("Net zero")


# --- the line locator ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "fragment", "after"),
    [
        (("schema_version",), "schema_version", None),
        (("portfolio", "name"), 'name = "Strategic', None),
        (("ambitions", 0, "description"), "description", None),
        (("ambitions", 1, "code"), 'code = "A2"', None),
        (("projects", 0), "[[projects]]", "An Inclusive"),  # not the one inside the description
        (("projects", 0, "code"), 'code = "SP-01"', None),
        (("projects", 0, "ambitions", 1), "ambitions = [", None),  # into an array: the key's line
        (("projects", 0, "budget_pence"), "budget_pence", None),  # after a multi-line array
        (("projects", 0, "benefits_review_plan", "status"), 'status = "approved"', None),
        (("projects", 0, "outputs", 0, "title"), 'title = "Air-source', None),
        (("projects", 0, "outcomes", 0, "measures", 0, "unit"), 'unit = "tCO2e"', None),
        (("projects", 0, "benefits", 0, "measures", 0, "actuals", "2024/25 Q1"), "actuals = {", None),
        (("projects", 0, "reviews", 0, "rag"), 'rag = "amber"', None),
        # A key that is not there lands on its table's header.
        (("projects", 0, "reviews", 0, "next_steps"), "[[projects.reviews]]", None),
        # Child arrays start again from 0 under the next [[projects]].
        (("projects", 1, "benefits", 0, "title"), "More town-centre", None),
        (("projects", 1, "benefits", 0), "[[projects.benefits]]", 'code = "SP-02"'),
    ],
)
def test_locator_finds_lines(path: tuple, fragment: str, after: str | None) -> None:
    start = line_of(SNAPSHOT, after) if after else 1
    assert locate(SNAPSHOT, path) == line_of(SNAPSHOT, fragment, start)


def test_locator_knows_nothing_outside_the_file() -> None:
    index = LineIndex(SNAPSHOT)
    assert index.line_of(()) is None
    assert index.line_of(("exported_at",)) is None
    first_project = line_of(SNAPSHOT, "[[projects]]", line_of(SNAPSHOT, "An Inclusive"))
    assert index.line_of(("projects", 7, "code")) == first_project  # the array's first header


def test_locator_reads_dotted_and_quoted_keys() -> None:
    text = '[[projects]]\ncode = "SP-01"\n"name" = "x"\nplan.status = "approved"\n\'unit\'.x = 1\n'
    index = LineIndex(text)
    assert index.line_of(("projects", 0, "name")) == 3
    assert index.line_of(("projects", 0, "plan", "status")) == 4
    assert index.line_of(("projects", 0, "plan")) == 4
    assert index.line_of(("projects", 0, "unit", "x")) == 5


def test_locator_handles_crlf_and_escaped_quotes() -> None:
    text = 'a = "say \\"[[x]]\\""\r\nb = """\r\nq \\""" still\r\n"""\r\n[t]\r\nc = 1\r\n'
    index = LineIndex(text)
    assert index.line_of(("b",)) == 2
    assert index.line_of(("t", "c")) == 6


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]{}\"'#=.\n abc123\\")), max_size=80))
def test_locator_never_crashes(text: str) -> None:
    line = LineIndex(text).line_of(("a", 0, "b"))
    assert line is None or 1 <= line <= text.count("\n") + 1


# --- TOML syntax and schema version -------------------------------------------


def test_syntax_error_names_its_line() -> None:
    text = SNAPSHOT.replace('stage = "delivery"', "stage = delivery")
    assert problems_of(text) == [
        Problem(f"s.toml:{line_of(text, 'stage = delivery')}", "", NO_VALUE, "invalid TOML: invalid value (column 9)")
    ]


def test_syntax_error_at_end_of_file_names_the_last_line() -> None:
    text = 'schema_version = 1\n\n[portfolio]\nname = """never closed\n\n'
    [problem] = problems_of(text)
    assert problem.location == "s.toml:4"
    assert problem.message == "invalid TOML: unterminated string (at end of file)"


def test_missing_schema_version_is_a_problem() -> None:
    text = SNAPSHOT.replace("schema_version = 1\n", "")
    assert problems_of(text) == [Problem("s.toml", "schema_version", NO_VALUE, "required")]


def test_schema_version_must_be_a_number() -> None:
    assert problems_of(SNAPSHOT.replace("schema_version = 1", 'schema_version = "1"')) == [
        Problem("s.toml:2", "schema_version", "1", "must be a whole number")
    ]


def test_newer_schema_version_is_refused_alone() -> None:
    # The rest is not checked: a newer format's keys would only be noise.
    text = SNAPSHOT.replace("schema_version = 1", f"schema_version = {SCHEMA_VERSION + 1}").replace(
        'stage = "delivery"', 'stage = "somewhere"\nfuture_key = 1'
    )
    assert problems_of(text) == [
        Problem(
            "s.toml:2",
            "schema_version",
            SCHEMA_VERSION + 1,
            f"schema_version {SCHEMA_VERSION + 1} is newer than this projtui supports ({SCHEMA_VERSION})",
        )
    ]


# --- the models -----------------------------------------------------------------


def test_unknown_key_is_reported() -> None:
    text = SNAPSHOT.replace('category = "cash-releasing"', 'category = "cash-releasing"\ncatgory = "x"')
    assert problems_of(text) == [
        Problem(f"s.toml:{line_of(text, 'catgory')}", "projects[0].benefits[0].catgory", "x", "unknown key")
    ]


def test_bad_enum_lists_the_choices() -> None:
    text = SNAPSHOT.replace('category = "cash-releasing"', 'category = "cash"')
    assert problems_of(text) == [
        Problem(
            f"s.toml:{line_of(text, 'category')}",
            "projects[0].benefits[0].category",
            "cash",
            "must be one of: cash-releasing, non-cash-releasing",
        )
    ]


def test_missing_field_points_at_its_table() -> None:
    text = SNAPSHOT.replace('title = "More town-centre footfall"\n', "")
    header = line_of(text, "[[projects.benefits]]", line_of(text, 'code = "SP-02"'))
    assert problems_of(text) == [Problem(f"s.toml:{header}", "projects[1].benefits[0].title", NO_VALUE, "required")]


def test_model_rule_message_is_plain() -> None:
    text = SNAPSHOT.replace('unit = "tCO2e"', 'unit = "tCO2e"\ntarget_max = 4.0')
    [problem] = problems_of(text)
    assert problem.field == "projects[0].outcomes[0].measures[0]"
    assert problem.location == f"s.toml:{line_of(text, '[[projects.outcomes.measures]]')}"
    assert problem.value is NO_VALUE
    assert problem.message == 'target_max applies only when direction = "range"'


def test_bad_quarter_key_is_named_with_brackets() -> None:
    text = SNAPSHOT.replace('"FY24/25 Q2" = 80.5', '"2024/25 Q5" = 80.5')
    [problem] = problems_of(text)
    assert problem.field == 'projects[0].benefits[0].measures[0].actuals["2024/25 Q5"]'
    assert problem.location == f"s.toml:{line_of(text, 'actuals')}"
    assert problem.value == "2024/25 Q5"


@pytest.mark.parametrize(
    ("before", "after", "field", "value", "message"),
    [
        ('status = "approved"', 'status = "approved"\n[projects.benefits_review_plan.extra]\nx = 1',
         "projects[0].benefits_review_plan.extra", NO_VALUE, "unknown key"),  # a whole table: no value shown
        ('category = "cash-releasing"', 'category = "cash-releasing"\nfull_year_value_pence = 1.5',
         "projects[0].benefits[0].full_year_value_pence", 1.5, "must be a valid integer"),
        ('quarter = "2024/25 Q2"', 'quarter = "2024/25 Q7"', "projects[0].reviews[0].quarter", "2024/25 Q7",
         "not a financial quarter: '2024/25 Q7' (expected e.g. '2024/25 Q1')"),
        ('code = "SP-02"', 'code = "SP 02"', "projects[1].code", "SP 02",
         "not a valid code: letters, digits and . _ / - only, starting with a letter or digit"),
        ('ambitions = ["A2"]', 'ambitions = "A2"', "projects[1].ambitions", "A2", "must be an array"),
    ],
)
def test_messages_are_short(before: str, after: str, field: str, value: object, message: str) -> None:
    text = SNAPSHOT.replace(before, after, 1)
    [problem] = problems_of(text)
    assert (problem.field, problem.value, problem.message) == (field, value, message)


def test_every_problem_is_reported_in_line_order() -> None:
    text = (
        SNAPSHOT.replace('code = "SP-02"', 'code = ""')
        .replace('rag = "amber"', 'rag = "purple"')
        .replace("budget_pence = 1234500000", "budget_pence = -1")
        .replace('name = "Strategic projects"', 'name = "Strategic projects"\nmayor = "x"')
    )
    problems = problems_of(text)
    assert [(p.location, p.field, p.value) for p in problems] == [
        (f"s.toml:{line_of(text, 'mayor')}", "portfolio.mayor", "x"),
        (f"s.toml:{line_of(text, 'budget_pence')}", "projects[0].budget_pence", -1),
        (f"s.toml:{line_of(text, 'purple')}", "projects[0].reviews[0].rag", "purple"),
        (f"s.toml:{line_of(text, CODE_EMPTY)}", "projects[1].code", ""),
    ]
    assert problems[1].message == "must be greater than or equal to 0"
    assert problems[3].message == "must not be empty"


def test_schema_version_and_model_problems_together() -> None:
    text = SNAPSHOT.replace("schema_version = 1\n", "").replace('rag = "amber"', 'rag = "purple"')
    assert [p.field for p in problems_of(text)] == ["projects[0].reviews[0].rag", "schema_version"]  # no line: last


# --- references between records -------------------------------------------------


def test_duplicate_codes() -> None:
    text = SNAPSHOT.replace(
        'title = "An Inclusive and Prosperous Local Economy"\n',
        'title = "An Inclusive and Prosperous Local Economy"\n\n[[ambitions]]\ncode = "A1"\ntitle = "Again"\n',
    ).replace('code = "SP-02"', 'code = "SP-01"')
    a1, sp01 = 'code = "A1"', 'code = "SP-01"'
    first_a1, first_sp01 = line_of(text, a1), line_of(text, sp01)
    assert problems_of(text) == [
        Problem(f"s.toml:{line_of(text, a1, first_a1 + 1)}", "ambitions[2].code", "A1",
                f"duplicate ambition code (first on line {first_a1})"),
        Problem(f"s.toml:{line_of(text, sp01, first_sp01 + 1)}", "projects[1].code", "SP-01",
                f"duplicate project code (first on line {first_sp01})"),
    ]


def test_duplicate_item_codes_within_a_project() -> None:
    text = """\
schema_version = 1
[[projects]]
code = "SP-01"
name = "One"
[[projects.outputs]]
code = "X1"
title = "Output"
[[projects.outputs]]
code = "X1"
title = "Output again"
[[projects.outcomes]]
code = "X1"
title = "An outcome may share an output's code"
[[projects.outcomes.measures]]
code = "M1"
name = "First"
[[projects.benefits]]
code = "B1"
title = "Benefit"
[[projects.benefits.measures]]
code = "M1"
name = "Measure codes are unique across outcomes and benefits"
[[projects.benefits]]
code = "B1"
title = "Benefit again"
[[projects]]
code = "SP-02"
name = "Another project may reuse codes"
[[projects.outputs]]
code = "X1"
title = "Output"
"""
    assert problems_of(text) == [
        Problem("s.toml:9", "projects[0].outputs[1].code", "X1", "duplicate output code (first on line 6)"),
        Problem("s.toml:21", "projects[0].benefits[0].measures[0].code", "M1", "duplicate measure code (first on line 15)"),
        Problem("s.toml:24", "projects[0].benefits[1].code", "B1", "duplicate benefit code (first on line 18)"),
    ]


LINKS = """\
schema_version = 1
[[ambitions]]
code = "A1"
title = "Ambition"
[[projects]]
code = "SP-01"
name = "One"
ambitions = ["A1", "A7", "A1"]
[[projects.outputs]]
code = "O1"
title = "Output"
outcomes = ["OC1", "OC9"]
[[projects.outcomes]]
code = "OC1"
title = "Outcome"
benefits = ["B9"]
[[projects.reviews]]
quarter = "2024/25 Q1"
[[projects.reviews]]
quarter = "FY24/25 Q1"
"""


def test_references_must_name_something() -> None:
    assert problems_of(LINKS) == [
        Problem("s.toml:8", "projects[0].ambitions[1]", "A7", "unknown ambition code"),
        Problem("s.toml:8", "projects[0].ambitions[2]", "A1", "ambition listed twice"),
        Problem("s.toml:12", "projects[0].outputs[0].outcomes[1]", "OC9", "unknown outcome code"),
        Problem("s.toml:16", "projects[0].outcomes[0].benefits[0]", "B9", "unknown benefit code"),
        Problem("s.toml:20", "projects[0].reviews[1].quarter", "FY24/25 Q1", "duplicate review for 2024/25 Q1"),
    ]


def test_ambitions_already_in_the_database_may_be_referred_to() -> None:
    problems = problems_of(LINKS, known_ambitions=frozenset({"A7"}))
    assert "projects[0].ambitions[1]" not in [p.field for p in problems]


def test_references_are_checked_only_once_the_models_pass() -> None:
    # An unknown outcome is not worth reporting while the file has a type error.
    text = LINKS.replace('name = "One"', "name = 1")
    assert [p.field for p in problems_of(text)] == ["projects[0].name"]


def test_one_quarter_written_two_ways_is_a_duplicate() -> None:
    text = SNAPSHOT.replace('"FY24/25 Q2" = 80.5', '"FY24/25 Q2" = 80.5, "Q2 2024/25" = 81.0')
    assert problems_of(text) == [
        Problem(
            f"s.toml:{line_of(text, 'actuals')}",
            'projects[0].benefits[0].measures[0].actuals["Q2 2024/25"]',
            "Q2 2024/25",
            "duplicate quarter 2024/25 Q2",
        )
    ]


def test_forecasts_are_read_like_actuals() -> None:
    # Issue 13: a year-end forecast per quarter; a flag is not a figure (for an actual either), and a quarter is one key.
    text = SNAPSHOT.replace('"FY24/25 Q2" = 80.5', '"FY24/25 Q2" = 80.5 }\nforecasts = { "2024/25 Q1" = 78.0, "Q2 2024/25" = 77.5', 1)
    [measure] = read_document(text, source="s.toml").projects[0].benefits[0].measures
    assert measure.forecasts == {Quarter(2024, 1): 78.0, Quarter(2024, 2): 77.5}
    flagged = text.replace('"2024/25 Q1" = 78.0', '"2024/25 Q1" = true')
    [problem] = problems_of(flagged)
    assert problem.field == 'projects[0].benefits[0].measures[0].forecasts["2024/25 Q1"]'
    assert (problem.location, problem.message) == (f"s.toml:{line_of(flagged, 'forecasts')}", "must be a number, not true/false")
    [problem] = problems_of(SNAPSHOT.replace('"FY24/25 Q2" = 80.5', '"FY24/25 Q2" = true', 1))
    assert problem.message == "must be a number, not true/false"
    # An activity measure (direction "none") takes no profiled target either.
    activity = text.replace('direction = "lower"\n\n[[projects.benefits]]',
                            'direction = "none"\ntargets = { "2024/25 Q1" = 5.0 }\n\n[[projects.benefits]]', 1)
    [problem] = problems_of(activity)
    assert problem.message == 'no target for a measure whose direction = "none": it shows a trend, never a status'
    assert problem.field == "projects[0].outcomes[0].measures[0]"
    twice = text.replace('"Q2 2024/25" = 77.5', '"Q2 2024/25" = 77.5, "2024/25 Q2" = 77.0')
    assert [p.message for p in problems_of(twice)] == ["duplicate quarter 2024/25 Q2"]


# --- measure codes ---------------------------------------------------------------


def test_measures_without_code_get_the_next_free_one() -> None:
    text = """\
schema_version = 1
[[projects]]
code = "SP-01"
name = "One"
[[projects.benefits]]
code = "B1"
title = "Listed first in the file"
[[projects.benefits.measures]]
name = "b-one"
[[projects.benefits.measures]]
code = "M3"
name = "b-two"
[[projects.benefits.measures]]
name = "b-three"
[[projects.outcomes]]
code = "OC1"
title = "Outcome"
[[projects.outcomes.measures]]
code = "m1"
name = "o-one"
[[projects.outcomes.measures]]
name = "o-two"
[[projects]]
code = "SP-02"
name = "Numbering starts again per project"
[[projects.outcomes]]
code = "OC1"
title = "Outcome"
[[projects.outcomes.measures]]
name = "x"
"""
    document = read_document(text, source="s.toml")
    one, two = document.projects
    # Outcomes' measures first, whatever the file's layout; taken codes (m1, M3) are skipped.
    assert [m.code for m in one.outcomes[0].measures] == ["m1", "M2"]
    assert [m.code for m in one.benefits[0].measures] == ["M4", "M3", "M5"]
    assert [m.code for m in two.outcomes[0].measures] == ["M1"]


def test_a_document_with_all_codes_is_returned_as_read() -> None:
    text = SNAPSHOT.replace('name = "Carbon emissions"', 'code = "C1"\nname = "Carbon emissions"').replace(
        'name = "Gas consumption"', 'code = "G1"\nname = "Gas consumption"'
    )
    document = read_document(text, source="s.toml")
    assert document.projects[0].benefits[0].measures[0].code == "G1"


# --- small things -------------------------------------------------------------------


def test_byte_order_mark_is_ignored() -> None:
    assert read_document("\ufeff" + SNAPSHOT, source="s.toml").projects[0].code == "SP-01"


def test_read_document_file(tmp_path: Path) -> None:
    path = tmp_path / "snap.toml"
    path.write_text(SNAPSHOT.replace('stage = "delivery"', 'stage = "done"'), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_document_file(path)
    assert caught.value.problems[0].location == f"{path}:{line_of(SNAPSHOT, 'stage')}"
    path.write_bytes(b"schema_version = 1\nname = \"caf\xe9\"\n")
    with pytest.raises(InvalidInput) as caught:
        read_document_file(path, source="other.toml")
    assert caught.value.problems == [Problem("other.toml", "", NO_VALUE, "not UTF-8 text (byte 30)")]


def test_problem_reads_as_one_line() -> None:
    [problem] = problems_of(SNAPSHOT.replace('category = "cash-releasing"', 'category = "cash"'))
    assert str(problem) == (
        f"s.toml:{line_of(SNAPSHOT, 'category')}: projects[0].benefits[0].category: "
        "must be one of: cash-releasing, non-cash-releasing (got 'cash')"
    )


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("projects", 3, "benefits", 1, "category"), "projects[3].benefits[1].category"),
        (("projects", 0, "actuals", "2024/25 Q1"), 'projects[0].actuals["2024/25 Q1"]'),
        (("schema_version",), "schema_version"),
        ((), ""),
    ],
)
def test_field_name(loc: tuple, name: str) -> None:
    assert field_name(loc) == name


def test_reading_counts_each_project_for_the_progress_bar() -> None:
    from projtui.services.transfer import sample_text

    text = sample_text()
    seen: list[tuple[str, int, int]] = []
    document = read_document(text, source="s.toml", progress=lambda phase, done, total: seen.append((phase, done, total)))
    total = len(document.projects)
    assert total > 1
    assert seen == [("Reading s.toml", done, total) for done in range(total + 1)]


def test_records_share_the_set_of_fields_they_state_and_a_copy_leaves_it_alone() -> None:
    from projtui.services.transfer import sample_text

    plans = [project.benefits_review_plan for project in read_document(sample_text(), source="s.toml").projects]
    first, second = next((a, b) for i, a in enumerate(plans) for b in plans[i + 1 :] if a.model_fields_set == b.model_fields_set)
    assert first.model_fields_set is second.model_fields_set
    before = set(second.model_fields_set)
    copied = first.model_copy(update={"notes": "changed", "status": first.status})
    assert {"notes", "status"} <= copied.model_fields_set and copied.model_fields_set is not first.model_fields_set
    assert second.model_fields_set == before
