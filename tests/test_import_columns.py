"""The column values an import writes for a record: every field as it is, quarters as their stored labels."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from strategies import documents

from projtui.domain.quarter import Quarter
from projtui.services.importing import _scalars
from projtui.snapshot import document as doc


def _each_field_looked_at(record: doc.Strict, fields: type[doc.Strict]) -> dict:
    """The rule written plainly: a Quarter becomes its label, anything else is taken as it is."""
    return {name: str(value) if isinstance(value := getattr(record, name), Quarter) else value for name in fields.model_fields}


def _records(document: doc.Document):
    for ambition in document.ambitions:
        yield ambition, doc.AmbitionFields
        yield from ((priority, doc.PriorityFields) for priority in ambition.priorities)
    for quarter in document.kpi_quarters:
        yield quarter, doc.KpiQuarter
    for kpi in document.kpis:
        yield kpi, doc.MeasureFields
    for project in document.projects:
        yield project, doc.ProjectFields
        yield project.benefits_review_plan, doc.Plan
        yield from ((review, doc.ReviewFields) for review in project.reviews)
        yield from ((output, doc.OutputFields) for output in project.outputs)
        yield from ((outcome, doc.OutcomeFields) for outcome in project.outcomes)
        yield from ((benefit, doc.BenefitFields) for benefit in project.benefits)
        yield from ((risk, doc.RiskFields) for risk in project.risks)
        for item in (*project.outcomes, *project.benefits):
            yield from ((measure, doc.MeasureFields) for measure in item.measures)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_columns_are_each_field_with_quarters_as_labels(document: doc.Document) -> None:
    for record, fields in _records(document):
        assert _scalars(record, fields) == _each_field_looked_at(record, fields)


def test_measure_and_benefit_periods_come_out_as_labels() -> None:
    measure = doc.Measure(code="M1", name="Visits", baseline_period="2024/25 Q4", target_period="2026/27 Q4")
    benefit = doc.Benefit(code="B1", title="Savings", realisation_start="2025/26 Q1")
    assert (_scalars(measure, doc.MeasureFields)["baseline_period"], _scalars(measure, doc.MeasureFields)["target_period"]) == (
        "2024/25 Q4", "2026/27 Q4")
    assert (_scalars(benefit, doc.BenefitFields)["realisation_start"], _scalars(benefit, doc.BenefitFields)["realisation_end"]) == (
        "2025/26 Q1", None)
