"""Validated fields of every record a person creates or edits.

These pydantic models are the one definition of what a valid ambition,
project, plan item, measure or review is. Services validate create/update
input with them; the TOML snapshot document extends them with the nested
lists a whole-portfolio file needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from projtui.domain.enums import (
    Aggregation,
    BenefitCategory,
    BenefitQuantification,
    BenefitRecipient,
    BenefitStatus,
    Direction,
    Frequency,
    PlanStatus,
    Rag,
    ReviewStatus,
    Stage,
)
from projtui.domain.errors import InvalidInput, Problem
from projtui.domain.quarter import FinancialYear, Quarter, to_financial_year, to_quarter
from projtui.domain.risks import RiskKind, RiskStatus


def _no_nul(text: str) -> str:
    # PostgreSQL cannot store NUL in text, so neither backend may accept it.
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    return text


# Far beyond any council figure (£1,000 trillion), yet small enough that the status
# rules' arithmetic (differences, ratios, interpolation, sums) can never overflow.
LARGEST_NUMBER = 1e15


def _positive_zero(value: float) -> float:
    # SQLite stores -0.0 as integer 0, so it must not be a distinct value here either.
    return value + 0.0


def _not_a_flag(value: object) -> object:
    # Lax float validation reads true as 1: in a file, `actuals = { … = true }` is a mistake, not a figure.
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    return value


def _within_reach(value: float) -> float:
    if not -LARGEST_NUMBER <= value <= LARGEST_NUMBER:
        raise ValueError("must be between -1e15 and 1e15 (a thousand million million): larger figures cannot be judged or reported")
    return value


# No "/", ">" or "@": they separate codes in keys such as SP-01/B1 and SP-01/O1>OC1.
Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_nul)]
Text = Annotated[str, StringConstraints(max_length=10_000), AfterValidator(_no_nul)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120), AfterValidator(_no_nul)]
Pence = Annotated[StrictInt, Field(ge=0, le=10**15)]  # "12" in a TOML file is a mistake, not 12p
Number = Annotated[float, BeforeValidator(_not_a_flag), AfterValidator(_positive_zero), AfterValidator(_within_reach)]
QuarterLabel = Annotated[
    Quarter,
    BeforeValidator(to_quarter),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["2024/25 Q1"]}),
]
"""A Quarter in a pydantic model: validates any accepted label, dumps the canonical one."""
QuarterValues = dict[QuarterLabel, Number]
YearLabel = Annotated[
    FinancialYear,
    BeforeValidator(to_financial_year),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "examples": ["2023/24"]}),
]
"""A FinancialYear in a pydantic model: validates ``2023/24`` or ``FY23/24``, dumps ``2023/24``."""


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently drop data."""

    # NaN and infinity are valid TOML but meaningless as a measure or money.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Model = TypeVar("Model", bound=BaseModel)


def validated(model: type[Model], data: BaseModel | Mapping[str, Any]) -> Model:
    """``data`` as a valid ``model``: an instance as it is, anything else validated.

    InvalidInput lists every problem, each naming its field, so a form can
    show them beside the fields and the CLI as one line each.
    """
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            [Problem("", ".".join(str(part) for part in error["loc"]), error.get("input"), error["msg"]) for error in exc.errors()]
        ) from None


class PortfolioFields(Strict):
    name: Title | None = None
    council: Title | None = None


class PriorityFields(Strict):
    code: Code
    title: Title
    description: Text | None = None


class AmbitionFields(Strict):
    code: Code
    title: Title
    description: Text | None = None
    plan_period: Short | None = None
    # A retired ambition keeps its links for history but takes no new ones; a snapshot writes it only when true.
    retired: bool = False


class CouncilPlanFields(Strict):
    """A new Council Plan: the period its ambitions are for, and whether the plan before's ambitions retire with it."""

    plan_period: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_no_nul)]
    retire_old: bool = True


class PlanFields(Strict):
    """The Benefits Review Plan's own fields (its items hang off the project)."""

    status: PlanStatus = PlanStatus.DRAFT
    approved_by: Short | None = None
    approved_on: dt.date | None = None
    review_schedule: Text | None = None
    post_project_owner: Short | None = None
    notes: Text | None = None


class OutputFields(Strict):
    code: Code
    title: Title
    description: Text | None = None
    owner: Short | None = None


# Named target first, so a form shows it beside the target. Profiled targets are refused with the same words.
NO_TARGET_FOR_NONE = 'no target for a measure whose direction = "none": it shows a trend, never a status'


class MeasureFields(Strict):
    code: Code | None = None  # assigned on import when left out
    name: Title
    description: Text | None = None
    unit: Short = ""
    direction: Direction = Direction.HIGHER
    baseline: Number | None = None
    baseline_period: QuarterLabel | None = None
    target: Number | None = None  # the lower bound when direction = "range"
    target_max: Number | None = None  # the upper bound, range only
    target_period: QuarterLabel | None = None
    frequency: Frequency = Frequency.QUARTERLY
    aggregation: Aggregation = Aggregation.SNAPSHOT
    tolerance: float | None = Field(default=None, ge=0, le=100)  # amber band, % of target
    data_source: Short | None = None
    owner: Short | None = None

    @model_validator(mode="after")
    def _range_has_both_bounds(self) -> MeasureFields:
        if self.direction is Direction.RANGE:
            if (self.target is None) != (self.target_max is None):
                raise ValueError("a range measure needs both target and target_max")
            if self.target is not None and self.target_max is not None and self.target > self.target_max:
                raise ValueError("target (lower bound) is above target_max")
        elif self.target_max is not None:
            raise ValueError("target_max applies only when direction = \"range\"")
        if self.direction is Direction.NONE and self.target is not None:
            raise ValueError(NO_TARGET_FOR_NONE)
        return self


class CommentaryFields(Strict):
    """The owner's commentary on one quarter of a corporate KPI (issue 13); blank removes it."""

    text: Text | None = None


class OutcomeFields(Strict):
    code: Code
    title: Title
    description: Text | None = None
    owner: Short | None = None


class BenefitFields(Strict):
    code: Code
    title: Title
    description: Text | None = None
    owner: Short | None = None
    category: BenefitCategory = BenefitCategory.NON_CASH_RELEASING
    quantification: BenefitQuantification = BenefitQuantification.QUANTITATIVE
    recipient: BenefitRecipient = BenefitRecipient.DIRECT_PUBLIC_SECTOR
    disbenefit: StrictBool = False
    full_year_value_pence: Pence | None = None
    realisation_start: QuarterLabel | None = None
    realisation_end: QuarterLabel | None = None
    dependencies: Text | None = None
    status: BenefitStatus = BenefitStatus.FORECAST

    @model_validator(mode="after")
    def _window_in_order(self) -> BenefitFields:
        if self.realisation_start and self.realisation_end and self.realisation_end < self.realisation_start:
            raise ValueError(f"realisation_end {self.realisation_end} is before realisation_start {self.realisation_start}")
        return self


class ReviewFields(Strict):
    quarter: QuarterLabel
    status: ReviewStatus = ReviewStatus.DRAFT
    published_by: Short | None = None
    published_on: dt.date | None = None
    rag: Rag = Rag.NOT_SET
    time_rag: Rag = Rag.NOT_SET
    cost_rag: Rag = Rag.NOT_SET
    scope_rag: Rag = Rag.NOT_SET
    benefits_rag: Rag = Rag.NOT_SET
    commentary: Text | None = None
    next_steps: Text | None = None
    spend_to_date_pence: Pence | None = None
    forecast_pence: Pence | None = None  # forecast outturn

    @model_validator(mode="after")
    def _published_amber_or_red_explained(self) -> ReviewFields:
        # Drafts may be saved half-written; what is published must say why.
        if self.status is ReviewStatus.PUBLISHED and self.rag.needs_commentary and not (self.commentary or "").strip():
            raise ValueError(f"a published {self.rag} rating needs commentary")
        return self


class ProjectFields(Strict):
    code: Code
    name: Title
    summary: Text | None = None
    service: Short | None = None
    directorate: Short | None = None
    portfolio_holder: Short | None = None
    senior_responsible_owner: Short | None = None
    lead: Short | None = None
    stage: Stage = Stage.PIPELINE
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_pence: Pence | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> ProjectFields:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self


class ActualFields(Strict):
    """One quarter's actual as a person types it (validated before anything is written)."""

    value: Number
    provisional: StrictBool = False
    note: Text | None = None  # blank is no note

    @field_validator("note", mode="after")
    @classmethod
    def _blank_is_none(cls, note: str | None) -> str | None:
        return note if note is None or note.strip() else None


Score = Annotated[StrictInt, Field(ge=1, le=5)]  # one side of the 5×5 matrix; "3" in a TOML file is a mistake, not 3


class RiskFields(Strict):
    """A project's risk or issue; its score and RAG are worked out (`domain.risks`), never stored."""

    code: Code
    title: Title
    kind: RiskKind = RiskKind.RISK
    status: RiskStatus = RiskStatus.OPEN
    likelihood: Score = 3
    impact: Score = 3
    owner: Short | None = None
    description: Text | None = None
    mitigation: Text | None = None  # the mitigation of a risk, the action on an issue
    raised_on: dt.date | None = None
    review_by: dt.date | None = None
    became_issue_on: dt.date | None = None  # when a risk happened: it is an issue since

    @model_validator(mode="after")
    def _dates_in_order(self) -> RiskFields:
        if self.became_issue_on is not None and self.kind is not RiskKind.ISSUE:
            raise ValueError(f"kind must stay issue: it became an issue on {self.became_issue_on} (became_issue_on)")
        for name in ("review_by", "became_issue_on"):
            later = getattr(self, name)
            if self.raised_on and later and later < self.raised_on:
                raise ValueError(f"{name} {later} is before raised_on {self.raised_on}")
        return self


Rank = Annotated[StrictInt, Field(ge=1)]  # a position among councils; "4" in a TOML file is a mistake, not 4
Source = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(_no_nul)]


class BenchmarkFields(Strict):
    """One comparator set for a measure in one financial year (issue 13), e.g. APSE's family group for 2023/24.

    ``value`` is the comparator's single figure (an average) where it
    publishes no quartiles; ``rank`` is the council's place among ``of``.
    Which quartile the council's own figure falls in is worked out
    (``domain.measures.benchmark``), never stored.
    """

    period: YearLabel
    source: Source
    value: Number | None = None
    lower_quartile: Number | None = None
    median: Number | None = None
    upper_quartile: Number | None = None
    rank: Rank | None = None
    of: Rank | None = None

    @model_validator(mode="after")
    def _consistent(self) -> BenchmarkFields:
        given = [(name, figure) for name in ("lower_quartile", "median", "upper_quartile") if (figure := getattr(self, name)) is not None]
        for (low_name, low), (high_name, high) in zip(given, given[1:]):
            if low > high:
                raise ValueError(f"{low_name} {low:g} is above {high_name} {high:g}")
        if self.rank is not None and self.of is not None and self.rank > self.of:
            raise ValueError(f"rank {self.rank} is more than of {self.of}")
        if all(getattr(self, name) is None for name in BENCHMARK_FIGURES):
            raise ValueError("a benchmark needs at least one of " + ", ".join(BENCHMARK_FIGURES))
        return self


BENCHMARK_FIGURES = ("value", "lower_quartile", "median", "upper_quartile", "rank", "of")
