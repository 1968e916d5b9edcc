"""The TOML snapshot document (contract: see DESIGN.md, "TOML snapshot").

The record fields come from `domain.records`; this module adds the nesting
of a whole-portfolio file. Import validates the whole document against
these models before anything touches the database; export builds them and
writes them in field order, omitting None and empty values.

Codes are unique where they are looked up: ambitions, KPIs and projects across
the portfolio; outputs, outcomes, benefits, measures and risks within a project.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, model_validator

from projtui.domain.enums import Direction, ReviewStatus
from projtui.domain.records import (
    NO_TARGET_FOR_NONE,
    AmbitionFields,
    BenchmarkFields,
    BenefitFields,
    Code,
    MeasureFields,
    OutcomeFields,
    OutputFields,
    PlanFields,
    PortfolioFields,
    PriorityFields,
    ProjectFields,
    QuarterLabel,
    QuarterValues,
    ReviewFields,
    RiskFields,
    Short,
    Strict,
    Text,
)

SCHEMA_VERSION = 2
"""What the writer writes. Version 2 added `[[projects.risks]]`, `[[kpis]]` and measures' `[[….benchmarks]]`; the reader accepts every version from 1 up to this."""

# Defaults that are lists, maps or models come from default_factory: pydantic
# deep-copies a plain `[]`, `{}` or `Plan()` default for every record that
# leaves the field out, which was measurable on a 10,000-project import.


class Priority(PriorityFields):
    pass


class Ambition(AmbitionFields):
    priorities: list[Priority] = Field(default_factory=list)


class Plan(PlanFields):
    pass


class Output(OutputFields):
    outcomes: list[Code] = Field(default_factory=list)


class Benchmark(BenchmarkFields):
    pass


class Measure(MeasureFields):
    targets: QuarterValues = Field(default_factory=dict)  # profiled targets per quarter
    actuals: QuarterValues = Field(default_factory=dict)
    provisional: list[QuarterLabel] = Field(default_factory=list)  # quarters whose actual is provisional
    notes: dict[QuarterLabel, Text] = Field(default_factory=dict)  # commentary on an actual, per quarter
    # The year-end figure the owner expected, by the quarter it was forecast in (issue 13).
    forecasts: QuarterValues = Field(default_factory=dict)
    # Comparator sets by financial year: `[[….measures.benchmarks]]` (issue 13, schema version 2).
    benchmarks: list[Benchmark] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_profiled_target_for_none(self) -> Measure:
        if self.direction is Direction.NONE and self.targets:
            raise ValueError(NO_TARGET_FOR_NONE)
        return self

    @model_validator(mode="after")
    def _flags_and_notes_have_actuals(self) -> Measure:
        # Both are stored on the actual itself, so one without it would be lost.
        if len(set(self.provisional)) != len(self.provisional):
            raise ValueError("a quarter is listed twice in provisional")
        for quarter in self.provisional:
            if quarter not in self.actuals:
                raise ValueError(f"provisional quarter {quarter} has no actual")
        for quarter in self.notes:
            if quarter not in self.actuals:
                raise ValueError(f"note for {quarter} has no actual")
        return self


class Outcome(OutcomeFields):
    benefits: list[Code] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)


class Benefit(BenefitFields):
    measures: list[Measure] = Field(default_factory=list)


class Review(ReviewFields):
    pass


class Risk(RiskFields):
    pass


class Project(ProjectFields):
    ambitions: list[Code] = Field(default_factory=list)  # first is primary
    benefits_review_plan: Plan = Plan()
    outputs: list[Output] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    benefits: list[Benefit] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)  # since schema version 2

    @model_validator(mode="after")
    def _serves_the_council_plan(self) -> Project:
        # The rule the app enforces when a project leaves the pipeline (services.projects), so an import cannot skip it.
        if self.stage.needs_ambition and not self.ambitions:
            raise ValueError(f"a project at stage {self.stage} must be linked to at least one Council Plan ambition (only pipeline projects may wait)")
        return self


class Kpi(Measure):
    """A corporate KPI (issue 13, since schema version 2): a measure owned by a service, not a project.

    Every measure key means what it means on a project's measure (the same
    rules, reader and writer); a KPI adds its service, the ambitions it
    evidences and the owner's commentary on each quarter.
    """

    code: Code  # a KPI is found by its code across the portfolio, so it is never assigned
    service: Short | None = None
    ambitions: list[Code] = Field(default_factory=list)  # first is primary
    commentary: dict[QuarterLabel, Text] = Field(default_factory=dict)


class KpiQuarter(Strict):
    """Whether a quarter's corporate KPIs are published, as a whole (issue 13; optional in version 2).

    Like a review's status: a published quarter's KPI figures are frozen,
    and an import may not change them without `--reopen`. An import never
    un-publishes a quarter it does not list.
    """

    quarter: QuarterLabel
    status: ReviewStatus = ReviewStatus.DRAFT
    published_by: Short | None = None
    published_on: dt.date | None = None


class Document(Strict):
    schema_version: int = SCHEMA_VERSION
    exported_at: dt.datetime | None = None
    portfolio: PortfolioFields = Field(default_factory=PortfolioFields)
    ambitions: list[Ambition] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)  # since schema version 2; written before the projects
    kpi_quarters: list[KpiQuarter] = Field(default_factory=list)  # since schema version 2, optional; after the KPIs


def share_field_sets(model: BaseModel, shared: dict[frozenset[str], set[str]]) -> BaseModel:
    """`model` and the records inside it, each holding one shared set of the fields it states, not its own.

    Pydantic gives every instance a set of the field names it was given;
    for a snapshot's records that was two fifths of the document's memory,
    and most records state the same fields. Import calls this on both sides
    it compares: the file's projects as they are read, the database's as
    they are fetched. The models are frozen, and a
    `model_copy` copies the set before adding to it, so a set stays as it
    was for every record sharing it.
    """
    names = model.__pydantic_fields_set__
    object.__setattr__(model, "__pydantic_fields_set__", shared.setdefault(frozenset(names), names))
    for value in model.__dict__.values():
        if isinstance(value, BaseModel):
            share_field_sets(value, shared)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for item in value:
                share_field_sets(item, shared)
    return model
