"""Diffs between snapshot documents: what `projtui diff` and `import --dry-run` report."""

from __future__ import annotations

import datetime as dt
import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import documents

from projtui.snapshot.diff import Change, diff_documents, summarise
from projtui.snapshot.diff_render import changes_phrase, render_json, render_text
from projtui.snapshot.document import (
    Ambition,
    Benefit,
    Document,
    Measure,
    Outcome,
    Output,
    Plan,
    PortfolioFields,
    Priority,
    Project,
    Review,
)


def base() -> Document:
    return Document(
        exported_at=dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC),
        portfolio=PortfolioFields(name="Strategic projects", council="Lancaster City Council"),
        ambitions=[
            Ambition(code="A1", title="A Sustainable District", priorities=[Priority(code="A1.1", title="Net zero")]),
            Ambition(code="A2", title="An Inclusive District"),
        ],
        projects=[
            Project(
                code="SP-01",
                name="Leisure centre decarbonisation",
                stage="delivery",
                ambitions=["A1", "A2"],
                budget_pence=1_234_500_000,
                benefits_review_plan=Plan(status="draft"),
                outputs=[
                    Output(code="O1", title="Heat pumps installed", outcomes=["OC1"]),
                    Output(code="O2", title="Solar array", outcomes=["OC1"]),
                ],
                outcomes=[
                    Outcome(
                        code="OC1",
                        title="Lower emissions",
                        benefits=["B1"],
                        measures=[Measure(code="M3", name="Tonnes CO2e", unit="t", direction="lower")],
                    )
                ],
                benefits=[
                    Benefit(
                        code="B1",
                        title="Reduced gas consumption",
                        category="cash-releasing",
                        measures=[
                            Measure(
                                code="M1",
                                name="Gas consumption",
                                unit="%",
                                direction="lower",
                                baseline=100.0,
                                target=65.0,
                                targets={"2024/25 Q4": 90.0},
                                actuals={"2024/25 Q1": 92.0, "2024/25 Q2": 80.5},
                                provisional=["2024/25 Q2"],
                                notes={"2024/25 Q1": "Mild spring"},
                            ),
                            Measure(code="M2", name="Energy bill", unit="£"),
                        ],
                    ),
                    Benefit(code="B2", title="Fewer closures"),
                ],
                reviews=[
                    Review(quarter="2024/25 Q1", rag="green"),
                    Review(quarter="2024/25 Q2", rag="amber", commentary="Works delayed by supplier lead times."),
                ],
            ),
            Project(code="SP-02", name="Housing repairs", stage="pipeline"),
        ],
    )


def revise(record, changes: dict | None = None, **more):
    """A copy with some fields changed, validated like a record read from a file."""
    return type(record).model_validate({**record.model_dump(), **(changes or {}), **more})


def edit(document: Document, **changes) -> Document:
    return revise(document, changes)


def edit_project(document: Document, code: str, **changes) -> Document:
    return edit(document, projects=[revise(p, changes) if p.code == code else p for p in document.projects])


def sp01(document: Document) -> Project:
    return next(p for p in document.projects if p.code == "SP-01")


def edit_benefit(document: Document, code: str, **changes) -> Document:
    benefits = [revise(b, changes) if b.code == code else b for b in sp01(document).benefits]
    return edit_project(document, "SP-01", benefits=benefits)


def edit_measure(document: Document, which: str | None, **changes) -> Document:
    benefits = [
        revise(b, {"measures": [revise(m, changes) if m.code == which else m for m in b.measures]})
        for b in sp01(document).benefits
    ]
    return edit_project(document, "SP-01", benefits=benefits)


def changed(entity: str, key: str, field: str, old: object, new: object, project: str | None = "SP-01") -> Change:
    return Change("changed", entity, key, field, old, new, project)


# -- nothing changed ------------------------------------------------------------


def test_identical_documents_have_no_changes():
    assert diff_documents(base(), base()) == []


def test_export_time_is_not_a_change():
    assert diff_documents(base(), edit(base(), exported_at=None)) == []
    later = edit(base(), exported_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    assert diff_documents(base(), later) == []


def test_order_the_writer_sorts_anyway_is_not_a_change():
    old = base()
    project = sp01(old)
    new = edit(
        old,
        ambitions=old.ambitions[::-1],
        projects=[revise(project, {"reviews": project.reviews[::-1]}), *old.projects[1:]][::-1],
    )
    assert diff_documents(old, new) == []


# -- portfolio and ambitions ------------------------------------------------------


def test_portfolio_field():
    new = edit(base(), portfolio=PortfolioFields(name="Projects", council="Lancaster City Council"))
    expected = changed("portfolio", "portfolio", "name", "Strategic projects", "Projects", project=None)
    assert diff_documents(base(), new) == [expected]


def test_ambition_field_priority_and_whole_ambitions():
    old = base()
    priorities = [Priority(code="A1.1", title="Net zero by 2030"), Priority(code="A1.2", title="Biodiversity")]
    a1 = revise(old.ambitions[0], title="A Greener District", priorities=priorities)
    new = edit(old, ambitions=[Ambition(code="A10", title="Tenth"), a1])  # A2 removed, A10 added
    assert diff_documents(old, new) == [
        changed("ambition", "A1", "title", "A Sustainable District", "A Greener District", None),
        changed("priority", "A1/A1.1", "title", "Net zero", "Net zero by 2030", None),
        Change("added", "priority", "A1/A1.2", None, new="Biodiversity"),
        Change("removed", "ambition", "A2", None, old="An Inclusive District"),
        Change("added", "ambition", "A10", None, new="Tenth"),  # natural order: A2 < A10
    ]


def test_a_removed_ambition_is_one_change_without_its_priorities():
    new = edit(base(), ambitions=base().ambitions[1:])
    assert diff_documents(base(), new) == [Change("removed", "ambition", "A1", None, old="A Sustainable District")]


# -- projects -------------------------------------------------------------------


def test_added_and_removed_projects_are_one_change_each():
    old = base()
    new = edit(old, projects=[Project(code="SP-10", name="Waste routes phase 2", ambitions=["A1"],
                                      outputs=[Output(code="O1", title="Routes")]), old.projects[1]])
    assert diff_documents(old, new) == [
        Change("removed", "project", "SP-01", None, old="Leisure centre decarbonisation", project="SP-01"),
        Change("added", "project", "SP-10", None, new="Waste routes phase 2", project="SP-10"),
    ]


def test_project_fields_in_field_order():
    new = edit_project(base(), "SP-01", stage="closing", name="Leisure centre", budget_pence=1, start_date=dt.date(2024, 4, 1))
    assert diff_documents(base(), new) == [
        changed("project", "SP-01", "name", "Leisure centre decarbonisation", "Leisure centre"),
        changed("project", "SP-01", "stage", "delivery", "closing"),
        changed("project", "SP-01", "start_date", None, "2024-04-01"),
        changed("project", "SP-01", "budget_pence", 1_234_500_000, 1),
    ]


def test_ambition_links_and_primary_ambition():
    new = edit_project(base(), "SP-01", ambitions=["A3", "A1"])
    assert diff_documents(base(), new) == [
        changed("project", "SP-01", "primary_ambition", "A1", "A3"),
        Change("removed", "ambition_link", "SP-01/A2", None, old="A2", project="SP-01"),
        Change("added", "ambition_link", "SP-01/A3", None, new="A3", project="SP-01"),
    ]


def test_primary_ambition_swap_is_the_only_change():
    new = edit_project(base(), "SP-01", ambitions=["A2", "A1"])
    assert diff_documents(base(), new) == [changed("project", "SP-01", "primary_ambition", "A1", "A2")]


def test_first_ambition_link_sets_the_primary():
    new = edit_project(base(), "SP-02", ambitions=["A2"])
    assert diff_documents(base(), new) == [
        changed("project", "SP-02", "primary_ambition", None, "A2", "SP-02"),
        Change("added", "ambition_link", "SP-02/A2", None, new="A2", project="SP-02"),
    ]


def test_plan_fields():
    new = edit_project(base(), "SP-01", benefits_review_plan=Plan(status="approved", approved_on=dt.date(2024, 6, 1)))
    assert diff_documents(base(), new) == [
        changed("plan", "SP-01/plan", "status", "draft", "approved"),
        changed("plan", "SP-01/plan", "approved_on", None, "2024-06-01"),
    ]


# -- plan items -----------------------------------------------------------------


def test_output_added_removed_changed():
    project = sp01(base())
    outputs = [revise(project.outputs[0], {"owner": "Jo"}), Output(code="O3", title="Insulation")]
    new = edit_project(base(), "SP-01", outputs=outputs)
    assert diff_documents(base(), new) == [
        changed("output", "SP-01/O1", "owner", None, "Jo"),
        Change("removed", "output", "SP-01/O2", None, old="Solar array", project="SP-01"),
        Change("added", "output", "SP-01/O3", None, new="Insulation", project="SP-01"),
        # O2's link to OC1 went with it: not listed again.
    ]


def test_reordering_items_changes_their_position():
    project = sp01(base())
    new = edit_project(base(), "SP-01", outputs=project.outputs[::-1], benefits=project.benefits[::-1])
    assert diff_documents(base(), new) == [
        changed("output", "SP-01/O1", "position", 1, 2),
        changed("output", "SP-01/O2", "position", 2, 1),
        changed("benefit", "SP-01/B1", "position", 1, 2),
        changed("benefit", "SP-01/B2", "position", 2, 1),
    ]


def test_inserting_an_item_does_not_move_the_others():
    project = sp01(base())
    new = edit_project(base(), "SP-01", outputs=[Output(code="O0", title="Survey"), *project.outputs])
    assert diff_documents(base(), new) == [Change("added", "output", "SP-01/O0", None, new="Survey", project="SP-01")]


def test_outcome_and_benefit_fields():
    project = sp01(base())
    outcomes = [revise(project.outcomes[0], {"title": "Lower carbon emissions"})]
    benefits = [revise(project.benefits[0], {"disbenefit": True, "full_year_value_pence": 500}), project.benefits[1]]
    new = edit_project(base(), "SP-01", outcomes=outcomes, benefits=benefits)
    assert diff_documents(base(), new) == [
        changed("outcome", "SP-01/OC1", "title", "Lower emissions", "Lower carbon emissions"),
        changed("benefit", "SP-01/B1", "disbenefit", False, True),
        changed("benefit", "SP-01/B1", "full_year_value_pence", None, 500),
    ]


def test_item_links():
    project = sp01(base())
    outputs = [revise(project.outputs[0], {"outcomes": []}), project.outputs[1]]
    outcomes = [revise(project.outcomes[0], {"benefits": ["B1", "B2"]})]
    new = edit_project(base(), "SP-01", outputs=outputs, outcomes=outcomes)
    assert diff_documents(base(), new) == [
        Change("removed", "output_link", "SP-01/O1>OC1", None, old="OC1", project="SP-01"),
        Change("added", "outcome_link", "SP-01/OC1>B2", None, new="B2", project="SP-01"),
    ]


# -- measures -------------------------------------------------------------------


def test_measure_fields():
    new = edit_measure(base(), "M1", target=60.0, aggregation="cumulative", target_period="FY25/26 Q4")
    assert diff_documents(base(), new) == [
        changed("measure", "SP-01/M1", "target", 65.0, 60.0),
        changed("measure", "SP-01/M1", "target_period", None, "2025/26 Q4"),
        changed("measure", "SP-01/M1", "aggregation", "snapshot", "cumulative"),
    ]


def test_measure_moving_to_another_parent():
    old = base()
    m2 = sp01(old).benefits[0].measures[1]
    new = edit_benefit(old, "B1", measures=sp01(old).benefits[0].measures[:1])
    new = edit_benefit(new, "B2", measures=[m2])
    assert diff_documents(old, new) == [changed("measure", "SP-01/M2", "parent", "benefit B1", "benefit B2")]


def test_measure_reordered_within_its_parent():
    old = base()
    new = edit_benefit(old, "B1", measures=sp01(old).benefits[0].measures[::-1])
    assert diff_documents(old, new) == [
        changed("measure", "SP-01/M1", "position", 1, 2),
        changed("measure", "SP-01/M2", "position", 2, 1),
    ]


def test_removed_measure_is_one_change_without_its_actuals():
    old = base()
    new = edit_benefit(old, "B1", measures=sp01(old).benefits[0].measures[1:])
    assert diff_documents(old, new) == [Change("removed", "measure", "SP-01/M1", None, old="Gas consumption", project="SP-01")]


def test_added_measure():
    new = edit_benefit(base(), "B2", measures=[Measure(code="M4", name="Days closed", actuals={"2024/25 Q1": 3.0})])
    assert diff_documents(base(), new) == [Change("added", "measure", "SP-01/M4", None, new="Days closed", project="SP-01")]


def test_measures_of_an_added_benefit_come_with_it():
    project = sp01(base())
    benefits = [*project.benefits, Benefit(code="B3", title="Income", measures=[Measure(code="M9", name="Income £")])]
    new = edit_project(base(), "SP-01", benefits=benefits)
    assert diff_documents(base(), new) == [Change("added", "benefit", "SP-01/B3", None, new="Income", project="SP-01")]


def test_measures_without_codes_match_by_name():
    old = edit_measure(base(), "M2", code=None)
    new = edit_measure(old, None, unit="GBP")  # still codeless
    assert diff_documents(old, new) == [changed("measure", "SP-01/Energy bill", "unit", "£", "GBP")]
    # A codeless measure meets the same measure with a code: one measure, its code filled in.
    assert diff_documents(old, base()) == [changed("measure", "SP-01/M2", "code", None, "M2")]
    assert diff_documents(base(), old) == [changed("measure", "SP-01/M2", "code", "M2", None)]


def test_targets():
    new = edit_measure(base(), "M1", targets={"2024/25 Q4": 85.0, "2025/26 Q1": 80.0})
    assert diff_documents(base(), new) == [
        changed("target", "SP-01/M1@2024/25 Q4", "value", 90.0, 85.0),
        Change("added", "target", "SP-01/M1@2025/26 Q1", None, new=80.0, project="SP-01"),
    ]


def test_year_end_forecasts():
    old = edit_measure(base(), "M1", forecasts={"2024/25 Q1": 70.0, "2024/25 Q2": 68.0})
    new = edit_measure(base(), "M1", forecasts={"2024/25 Q2": 66.5, "2024/25 Q3": 65.0})
    changes = diff_documents(old, new)
    assert changes == [
        Change("removed", "forecast", "SP-01/M1@2024/25 Q1", None, old=70.0, project="SP-01"),
        changed("forecast", "SP-01/M1@2024/25 Q2", "value", 68.0, 66.5),
        Change("added", "forecast", "SP-01/M1@2024/25 Q3", None, new=65.0, project="SP-01"),
    ]
    assert '~ measure M1 "Gas consumption" forecast 2024/25 Q2: 68 → 66.5' in render_text(changes, old, new)


def test_actuals_values_flags_and_notes():
    new = edit_measure(
        base(), "M1",
        actuals={"2024/25 Q1": 92.0, "2024/25 Q2": 81.0, "2024/25 Q3": 75.0},
        provisional=["2024/25 Q3"],
        notes={"2024/25 Q1": "Mild spring, cold May"},
    )
    assert diff_documents(base(), new) == [
        changed("actual", "SP-01/M1@2024/25 Q1", "note", "Mild spring", "Mild spring, cold May"),
        changed("actual", "SP-01/M1@2024/25 Q2", "value", 80.5, 81.0),
        changed("actual", "SP-01/M1@2024/25 Q2", "provisional", True, False),
        Change("added", "actual", "SP-01/M1@2024/25 Q3", None, new=75.0, project="SP-01"),
    ]
    fewer = edit_measure(base(), "M1", actuals={"2024/25 Q2": 80.5}, notes={})
    assert diff_documents(base(), fewer) == [Change("removed", "actual", "SP-01/M1@2024/25 Q1", None, old=92.0, project="SP-01")]


# -- reviews ----------------------------------------------------------------------


def test_reviews_in_chronological_order():
    project = sp01(base())
    reviews = [
        Review(quarter="Q1 2025/26", rag="red"),  # any accepted form; keyed by the canonical label
        revise(project.reviews[1], {"rag": "red", "cost_rag": "amber"}),
        Review(quarter="2024/25 Q4", rag="amber"),
    ]
    new = edit_project(base(), "SP-01", reviews=reviews)
    assert diff_documents(base(), new) == [
        Change("removed", "review", "SP-01@2024/25 Q1", None, old="green", project="SP-01"),
        changed("review", "SP-01@2024/25 Q2", "rag", "amber", "red"),
        changed("review", "SP-01@2024/25 Q2", "cost_rag", "not_set", "amber"),
        Change("added", "review", "SP-01@2024/25 Q4", None, new="amber", project="SP-01"),
        Change("added", "review", "SP-01@2025/26 Q1", None, new="red", project="SP-01"),
    ]


# -- order ------------------------------------------------------------------------


def everything_changed() -> tuple[Document, Document]:
    old = base()
    project = sp01(old)
    b1 = project.benefits[0]
    m1 = revise(b1.measures[0], unit="kWh", targets={"2024/25 Q4": 1.0}, actuals={"2024/25 Q1": 1.0, "2024/25 Q2": 80.5})
    new = edit_project(
        old, "SP-01",
        stage="closing",
        ambitions=["A1"],
        benefits_review_plan=Plan(status="approved"),
        outputs=[revise(project.outputs[0], {"title": "Heat pumps", "outcomes": []}), project.outputs[1]],
        outcomes=[revise(project.outcomes[0], {"owner": "Ann", "benefits": []})],
        benefits=[revise(b1, {"owner": "Bo", "measures": [m1, b1.measures[1]]}), project.benefits[1]],
        reviews=[project.reviews[0], revise(project.reviews[1], {"next_steps": "Chase supplier"})],
    )
    new = edit(
        new,
        portfolio=PortfolioFields(name="P", council="Lancaster City Council"),
        ambitions=[old.ambitions[1], revise(old.ambitions[0], plan_period="2024-2027")],
    )
    return old, edit_project(new, "SP-02", summary="New summary")


def test_sections_come_in_the_documented_order():
    old, new = everything_changed()
    assert [(c.entity, c.key) for c in diff_documents(old, new)] == [
        ("portfolio", "portfolio"),
        ("ambition", "A1"),
        ("project", "SP-01"),
        ("ambition_link", "SP-01/A2"),
        ("plan", "SP-01/plan"),
        ("output", "SP-01/O1"),
        ("outcome", "SP-01/OC1"),
        ("benefit", "SP-01/B1"),
        ("measure", "SP-01/M1"),
        ("output_link", "SP-01/O1>OC1"),
        ("outcome_link", "SP-01/OC1>B1"),
        ("target", "SP-01/M1@2024/25 Q4"),
        ("actual", "SP-01/M1@2024/25 Q1"),
        ("review", "SP-01@2024/25 Q2"),
        ("project", "SP-02"),
    ]


def test_projects_in_natural_code_order():
    old = Document(projects=[Project(code=c, name=c) for c in ("SP-2", "SP-10", "SP-1")])
    new = Document(projects=[Project(code=c, name=c + "!") for c in ("SP-10", "SP-1", "SP-2")])
    assert [c.key for c in diff_documents(old, new)] == ["SP-1", "SP-2", "SP-10"]


def shuffled(document: Document, seed: int) -> Document:
    """The same data, every list whose order is not the user's shuffled, and every dict."""
    rng = random.Random(seed)

    def mix(items):
        items = list(items)
        rng.shuffle(items)
        return items

    def measure(m: Measure) -> Measure:
        return revise(m, {
            "actuals": dict(mix(m.actuals.items())), "targets": dict(mix(m.targets.items())),
            "notes": dict(mix(m.notes.items())), "provisional": mix(m.provisional),
        })

    def project(p: Project) -> Project:
        return revise(p, {
            "ambitions": p.ambitions[:1] + mix(p.ambitions[1:]),
            "reviews": mix(p.reviews),
            "outputs": [revise(o, {"outcomes": mix(o.outcomes)}) for o in p.outputs],
            "outcomes": [
                revise(o, {"benefits": mix(o.benefits), "measures": [measure(m) for m in o.measures]}) for o in p.outcomes
            ],
            "benefits": [revise(b, {"measures": [measure(m) for m in b.measures]}) for b in p.benefits],
        })

    ambitions = [revise(a, {"priorities": mix(a.priorities)}) for a in mix(document.ambitions)]
    return revise(document, {"ambitions": ambitions, "projects": mix(project(p) for p in document.projects)})


def test_order_is_stable_whatever_the_input_order():
    old, new = everything_changed()
    expected = diff_documents(old, new)
    for seed in range(20):
        assert diff_documents(shuffled(old, seed), shuffled(new, seed + 100)) == expected


# -- properties -------------------------------------------------------------------


QUARTERS = ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2025/26 Q1"]


@st.composite
def edited_measure(draw, measure: Measure) -> Measure:
    """Some of a measure's actuals changed, dropped, added or re-flagged."""
    actuals = {str(q): v for q, v in measure.actuals.items() if draw(st.integers(0, 4))}
    # Towards zero, so a figure at the records' limit stays within it.
    actuals = {q: (v - 1 if v > 0 else v + 1) if draw(st.booleans()) else v for q, v in actuals.items()}
    actuals |= draw(st.dictionaries(st.sampled_from(QUARTERS), st.floats(0, 100), max_size=2))
    provisional = draw(st.lists(st.sampled_from(sorted(actuals)), unique=True)) if actuals else []
    notes = {q: n for q, n in measure.notes.items() if str(q) in actuals}
    changes = {"actuals": actuals, "provisional": provisional, "notes": notes}
    if measure.direction != "none" and draw(st.booleans()):  # an activity measure has no profiled target
        changes["targets"] = draw(st.dictionaries(st.sampled_from(QUARTERS), st.floats(0, 100), max_size=2))
    if draw(st.booleans()):
        changes["forecasts"] = draw(st.dictionaries(st.sampled_from(QUARTERS), st.floats(0, 100), max_size=2))
    if draw(st.booleans()):
        changes["unit"] = "units"
    return revise(measure, changes)


@st.composite
def edited_project(draw, project: Project) -> Project:
    """The same project after a session of typical edits: fields, items, links, measures, reviews, order."""

    def some(items: list) -> list:
        kept = [item for item in items if draw(st.integers(0, 3))]
        return draw(st.permutations(kept)) if draw(st.booleans()) else kept

    outcomes, benefits = some(project.outcomes), some(project.benefits)
    outcome_codes, benefit_codes = [o.code for o in outcomes], [b.code for b in benefits]
    measures = [
        draw(edited_measure(m)) for item in project.outcomes + project.benefits for m in item.measures if draw(st.integers(0, 4))
    ]
    parents = [("outcome", o.code) for o in outcomes] + [("benefit", b.code) for b in benefits]
    homes = {id(m): draw(st.sampled_from(parents)) if parents else None for m in measures}

    def measures_of(kind: str, code: str) -> list[Measure]:
        return [m for m in measures if homes[id(m)] == (kind, code)]

    def linked(codes: list[str], known: list[str]) -> list[str]:
        return [c for c in codes if c in known and draw(st.integers(0, 3))]

    changes = {
        "name": draw(st.sampled_from([project.name, project.name + " (phase 2)"])),
        **_stage_and_ambitions(draw, some(project.ambitions)),
        "outputs": [revise(o, outcomes=linked(o.outcomes, outcome_codes)) for o in some(project.outputs)],
        "outcomes": [
            revise(o, benefits=linked(o.benefits, benefit_codes), measures=measures_of("outcome", o.code)) for o in outcomes
        ],
        "benefits": [revise(b, measures=measures_of("benefit", b.code)) for b in benefits],
        "reviews": [revise(r, rag=draw(st.sampled_from(["red", "amber", "green"]))) for r in some(project.reviews)],
    }
    return revise(project, changes)


def _stage_and_ambitions(draw, ambitions: list[str]) -> dict:
    # Only a pipeline project may serve no ambition (Stage.needs_ambition).
    stages = ["pipeline", "delivery", "closing"] if ambitions else ["pipeline"]
    return {"stage": draw(st.sampled_from(stages)), "ambitions": ambitions}


@st.composite
def related_pairs(draw) -> tuple[Document, Document]:
    """A document and a later one: some projects kept, some edited, some removed, some added."""
    a, other = draw(documents()), draw(documents())
    kept = [draw(st.sampled_from([p, None]) | edited_project(p)) for p in a.projects]
    fresh = [p for p in other.projects if p.code not in {q.code for q in a.projects}]
    return a, revise(other, projects=[p for p in kept if p is not None] + fresh)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_a_document_never_differs_from_itself(document):
    assert diff_documents(document, document) == []
    assert diff_documents(document, shuffled(document, 1)) == []


def inverse(change: Change) -> Change:
    kind = {"added": "removed", "removed": "added", "changed": "changed"}[change.kind]
    return Change(kind, change.entity, change.key, change.field, change.new, change.old, change.project)


def name_of(document: Document, code: str) -> str:
    return next(p.name for p in document.projects if p.code == code)


@settings(max_examples=150, deadline=None)
@given(related_pairs(), st.integers(0, 1000))
def test_diff_properties(pair, seed):
    a, b = pair
    changes = diff_documents(a, b)

    # Every project in one document only is exactly one added/removed change, with nothing under it.
    a_codes, b_codes = {p.code for p in a.projects}, {p.code for p in b.projects}
    for code in a_codes ^ b_codes:
        expected = (Change("removed", "project", code, None, old=name_of(a, code), project=code) if code in a_codes
                    else Change("added", "project", code, None, new=name_of(b, code), project=code))
        assert [c for c in changes if c.project == code] == [expected]
    assert not any(c.entity == "project" and c.kind != "changed" and c.key in a_codes & b_codes for c in changes)

    # Backwards, every change is inverted, in the same order.
    assert diff_documents(b, a) == [inverse(c) for c in changes]

    # The order of the input lists does not matter.
    assert diff_documents(shuffled(a, seed), shuffled(b, seed + 1)) == changes

    # Both renderings tell the same story.
    payload = json.loads(render_json(changes))
    assert [Change(**c) for c in payload["changes"]] == changes
    text = render_text(changes, a, b)
    if not changes:
        assert text == ""
        return
    lines = text.splitlines()
    totals = payload["totals"]
    assert lines[-1] == f"{totals['added']} added, {totals['changed']} changed, {totals['removed']} removed"
    assert sum(1 for line in lines if line.startswith("  ")) == len(changes)  # one line per change
    assert all(line.isprintable() for line in lines)


# -- rendering --------------------------------------------------------------------


def test_render_text_is_empty_without_changes():
    assert render_text([], base(), base()) == ""


def test_render_text_reads_like_a_report():
    old, new = everything_changed()
    new = edit_project(new, "SP-01", name="Leisure centre decarbonisation phase 1")
    new = edit(new, projects=[*new.projects, Project(code="SP-17", name="Waste route optimisation phase 2")])
    new = edit(new, projects=[p for p in new.projects if p.code != "SP-02"])
    text = render_text(diff_documents(old, new), old, new)
    assert text == (
        "Portfolio\n"
        '  ~ name: "Strategic projects" → "P"\n'
        "Ambitions\n"
        '  ~ A1 plan period: (none) → "2024-2027"\n'
        "Projects added\n"
        "  + SP-17 Waste route optimisation phase 2\n"
        "Projects removed\n"
        "  - SP-02 Housing repairs\n"
        "SP-01 Leisure centre decarbonisation phase 1\n"
        '  ~ renamed: "Leisure centre decarbonisation" → "Leisure centre decarbonisation phase 1"\n'
        "  ~ stage: delivery → closing\n"
        "  - unlinked from ambition A2\n"
        "  ~ benefits review plan status: draft → approved\n"
        '  ~ output O1 title: "Heat pumps installed" → "Heat pumps"\n'
        '  ~ outcome OC1 "Lower emissions" owner: (none) → "Ann"\n'
        '  ~ benefit B1 "Reduced gas consumption" owner: (none) → "Bo"\n'
        '  ~ measure M1 "Gas consumption" unit: "%" → "kWh"\n'
        "  - output O1 no longer leads to outcome OC1\n"
        "  - outcome OC1 no longer leads to benefit B1\n"
        '  ~ measure M1 "Gas consumption" target 2024/25 Q4: 90 → 1\n'
        '  ~ measure M1 "Gas consumption" actual 2024/25 Q1: 92 → 1\n'
        '  ~ review 2024/25 Q2 next steps: (none) → "Chase supplier"\n'
        "1 added, 12 changed, 4 removed\n"
    )


def test_render_text_shows_money_flags_additions_and_removals():
    old = base()
    new = edit_project(old, "SP-01", budget_pence=1_250_000_00)
    new = edit_measure(new, "M1", actuals={"2024/25 Q1": 92.0, "2024/25 Q3": 70.0}, provisional=[], notes={"2024/25 Q1": "Mild spring"})
    new = edit(new, ambitions=[*new.ambitions, Ambition(code="A3", title="A Happy District")])
    lines = render_text(diff_documents(old, new), old, new).splitlines()
    assert "  + A3 \"A Happy District\"" in lines
    assert "  ~ budget: £12,345,000.00 → £1,250,000.00" in lines
    assert '  - measure M1 "Gas consumption" actual 2024/25 Q2: 80.5' in lines
    assert '  + measure M1 "Gas consumption" actual 2024/25 Q3: 70' in lines
    # Figures read as the app writes them, yet exactly: two values that differ never show alike.
    exact = edit_measure(old, "M1", actuals={"2024/25 Q1": 80123.5, "2024/25 Q2": 0.1 + 0.2})
    assert render_text(diff_documents(old, exact), old, exact).splitlines()[-3:-1] == [
        '  ~ measure M1 "Gas consumption" actual 2024/25 Q1: 92 → 80,123.5',
        '  ~ measure M1 "Gas consumption" actual 2024/25 Q2: 80.5 → 0.30000000000000004',
    ]
    provisional = edit_measure(old, "M1", provisional=[])
    assert '  ~ measure M1 "Gas consumption" actual 2024/25 Q2 provisional: yes → no' in render_text(
        diff_documents(old, provisional), old, provisional
    ).splitlines()


def test_render_text_truncates_long_text_and_keeps_user_text_literal():
    old = base()
    commentary = "Delayed. " * 20
    project = sp01(old)
    reviews = [project.reviews[0], revise(project.reviews[1], commentary=commentary)]
    new = edit_project(old, "SP-01", reviews=reviews, summary="[red]x[/]\nsecond line\x1b[2J")
    text = render_text(diff_documents(old, new), old, new)
    assert '  ~ summary: (none) → "[red]x[/]\\nsecond line\\x1b[2J"\n' in text
    line = next(line for line in text.splitlines() if "commentary" in line)
    assert line.endswith('→ "' + commentary[:59] + '…"')
    assert line.startswith('  ~ review 2024/25 Q2 commentary: "Works delayed by supplier lead times."')


def test_render_json_is_stable_and_counts():
    old, new = everything_changed()
    changes = diff_documents(old, new)
    text = render_json(changes)
    assert text == render_json(diff_documents(shuffled(old, 3), shuffled(new, 4)))
    payload = json.loads(text)
    assert payload["summary"] == summarise(changes)
    assert payload["summary"]["project"] == {"added": 0, "changed": 2, "removed": 0}
    assert payload["summary"]["ambition_link"] == {"added": 0, "changed": 0, "removed": 1}
    assert payload["totals"] == {"added": 0, "changed": 12, "removed": 3}
    assert payload["changes"][0] == {
        "kind": "changed", "entity": "portfolio", "key": "portfolio", "field": "name",
        "old": "Strategic projects", "new": "P", "project": None,
    }
    assert text == json.dumps(payload, sort_keys=True, indent=2)


def test_render_json_without_changes():
    assert json.loads(render_json([])) == {"changes": [], "summary": {}, "totals": {"added": 0, "changed": 0, "removed": 0}}


def test_summarise():
    changes = [
        Change("added", "project", "SP-1", None, new="x", project="SP-1"),
        Change("changed", "review", "SP-2@2024/25 Q1", "rag", "red", "green", "SP-2"),
        Change("changed", "review", "SP-2@2024/25 Q2", "rag", "red", "green", "SP-2"),
    ]
    assert summarise(changes) == {
        "project": {"added": 1, "changed": 0, "removed": 0},
        "review": {"added": 0, "changed": 2, "removed": 0},
    }


def test_a_new_databases_portfolio_settings_are_added_not_changed():
    from projtui.snapshot import document as doc
    from projtui.snapshot.diff import diff_documents, totals
    from projtui.snapshot.diff_render import render_text

    empty = doc.Document()
    named = doc.Document(portfolio=doc.PortfolioFields(name="Strategic Projects", council="Lancaster City Council"))
    assert totals(diff_documents(empty, named)) == {"added": 2, "changed": 0, "removed": 0}
    assert render_text(diff_documents(empty, named), empty, named).splitlines()[:3] == [
        "Portfolio", '  + name: "Strategic Projects"', '  + council: "Lancaster City Council"',
    ]
    renamed = doc.Document(portfolio=doc.PortfolioFields(name="Projects 2027", council="Lancaster City Council"))
    assert totals(diff_documents(named, renamed)) == {"added": 0, "changed": 1, "removed": 0}
    assert totals(diff_documents(named, empty)) == {"added": 0, "changed": 0, "removed": 2}


def test_an_import_phrases_its_changes_one_way_everywhere():
    assert changes_phrase([]) == "no changes"
    changes = [
        Change("added", "priority", "A1/A1.2", None, new="Biodiversity"),
        Change("added", "ambition", "A3", None, new="Homes"),
        Change("removed", "ambition", "A2", None, old="An Inclusive District"),
    ]
    assert changes_phrase(changes) == "2 added, 0 changed, 1 removed"
