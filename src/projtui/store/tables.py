"""SQLModel tables for the whole portfolio.

Enumerations are stored as their string values in plain VARCHAR columns,
not database enums, so adding a member never needs a migration. Money is
integer pence. Every record a person edits carries `version` for
optimistic locking (see `services.locking` and `store.queries.versioned`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from projtui.store.queries.portfolio import INDEXED_SORTS, sort_index_columns

ENUM = String(24)
CODE = String(32)
QUARTER_LABEL = String(12)


# Named constraints let later migrations drop or alter them by name, which
# SQLite's batch mode needs.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _timestamp() -> Column:
    return Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Versioned(SQLModel):
    version: int = Field(default=1, nullable=False)


class Setting(SQLModel, table=True):
    """Portfolio-wide key/value facts (name, council)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, sa_type=String(64))
    value: str = Field(sa_type=Text)


class Ambition(Versioned, table=True):
    __tablename__ = "ambition"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=CODE, unique=True)
    title: str = Field(sa_type=String(200))
    description: str | None = Field(default=None, sa_type=Text)
    plan_period: str | None = Field(default=None, sa_type=String(120))
    sort_order: int = 0
    # Kept for history once a Council Plan moves on: its links stay readable, but no new link is made to it.
    retired: bool = Field(default=False, nullable=False)


class Priority(Versioned, table=True):
    __tablename__ = "priority"
    __table_args__ = (UniqueConstraint("ambition_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    ambition_id: int = Field(foreign_key="ambition.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=CODE)
    title: str = Field(sa_type=String(200))
    description: str | None = Field(default=None, sa_type=Text)
    sort_order: int = 0


class Project(Versioned, table=True):
    __tablename__ = "project"
    __table_args__ = (
        # The portfolio screen filters and sorts these in SQL.
        Index("ix_project_name", "name"),
        Index("ix_project_stage", "stage"),
        Index("ix_project_lead", "lead"),
        *(Index(f"ix_project_sort_{sort}", *map(text, sort_index_columns(sort))) for sort in INDEXED_SORTS),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=CODE, unique=True)
    name: str = Field(sa_type=String(200))
    summary: str | None = Field(default=None, sa_type=Text)
    service: str | None = Field(default=None, sa_type=String(120))
    directorate: str | None = Field(default=None, sa_type=String(120))
    portfolio_holder: str | None = Field(default=None, sa_type=String(120))
    senior_responsible_owner: str | None = Field(default=None, sa_type=String(120))
    lead: str | None = Field(default=None, sa_type=String(120))
    stage: str = Field(default="pipeline", sa_type=ENUM)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_pence: int | None = None
    # Kept by the database's own triggers (migration 0012) from the primary link and the latest review,
    # for the portfolio to sort by through an index; no code writes them.
    primary_ambition: str | None = Field(default=None, sa_type=CODE)
    latest_rag: str | None = Field(default=None, sa_type=ENUM)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class ProjectAmbition(SQLModel, table=True):
    __tablename__ = "project_ambition"
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    ambition_id: int = Field(foreign_key="ambition.id", ondelete="CASCADE", primary_key=True, index=True)
    is_primary: bool = False


class BenefitsReviewPlan(Versioned, table=True):
    __tablename__ = "benefits_review_plan"
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", unique=True)
    status: str = Field(default="draft", sa_type=ENUM)
    approved_by: str | None = Field(default=None, sa_type=String(120))
    approved_on: dt.date | None = None
    review_schedule: str | None = Field(default=None, sa_type=Text)
    post_project_owner: str | None = Field(default=None, sa_type=String(120))
    notes: str | None = Field(default=None, sa_type=Text)


class PlanItem(Versioned):
    """Columns shared by outputs, outcomes and benefits."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=CODE)
    title: str = Field(sa_type=String(200))
    description: str | None = Field(default=None, sa_type=Text)
    owner: str | None = Field(default=None, sa_type=String(120))
    position: int = 0


class Output(PlanItem, table=True):
    __tablename__ = "output"
    __table_args__ = (UniqueConstraint("project_id", "code"),)


class Outcome(PlanItem, table=True):
    __tablename__ = "outcome"
    __table_args__ = (UniqueConstraint("project_id", "code"),)


class Benefit(PlanItem, table=True):
    __tablename__ = "benefit"
    __table_args__ = (UniqueConstraint("project_id", "code"),)
    category: str = Field(default="non-cash-releasing", sa_type=ENUM)
    quantification: str = Field(default="quantitative", sa_type=ENUM)
    recipient: str = Field(default="direct-public-sector", sa_type=ENUM)
    disbenefit: bool = False
    full_year_value_pence: int | None = None
    realisation_start: str | None = Field(default=None, sa_type=QUARTER_LABEL)
    realisation_end: str | None = Field(default=None, sa_type=QUARTER_LABEL)
    dependencies: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="forecast", sa_type=ENUM)


class OutputOutcome(SQLModel, table=True):
    __tablename__ = "output_outcome"
    output_id: int = Field(foreign_key="output.id", ondelete="CASCADE", primary_key=True)
    outcome_id: int = Field(foreign_key="outcome.id", ondelete="CASCADE", primary_key=True, index=True)


class OutcomeBenefit(SQLModel, table=True):
    __tablename__ = "outcome_benefit"
    outcome_id: int = Field(foreign_key="outcome.id", ondelete="CASCADE", primary_key=True)
    benefit_id: int = Field(foreign_key="benefit.id", ondelete="CASCADE", primary_key=True, index=True)


class QuarterKeyed(SQLModel):
    fy_start_year: int
    quarter: int


# CASE, not boolean arithmetic, so PostgreSQL accepts it as SQLite does; migration 0008 writes the same text.
MEASURE_ONE_PARENT = (
    "(CASE WHEN outcome_id IS NULL THEN 0 ELSE 1 END + CASE WHEN benefit_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN kpi_id IS NULL THEN 0 ELSE 1 END) = 1 AND (project_id IS NULL) = (kpi_id IS NOT NULL)"
)


class Kpi(Versioned, table=True):
    """A corporate KPI: a measure owned by a service, not a project (issue 13).

    Its figures (unit, direction, baseline, targets, actuals, forecasts) are
    the measure row whose ``kpi_id`` points here, so every measure rule and
    table serves it unchanged; this row holds what only a KPI has.
    """

    __tablename__ = "kpi"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=CODE, unique=True)
    service: str | None = Field(default=None, sa_type=String(120))


class KpiAmbition(SQLModel, table=True):
    """The ambitions a KPI evidences (the golden thread, as `ProjectAmbition` for projects)."""

    __tablename__ = "kpi_ambition"
    kpi_id: int = Field(foreign_key="kpi.id", ondelete="CASCADE", primary_key=True)
    ambition_id: int = Field(foreign_key="ambition.id", ondelete="CASCADE", primary_key=True, index=True)
    is_primary: bool = False


class KpiCommentary(Versioned, QuarterKeyed, table=True):
    """What the KPI's owner said about one quarter; it accumulates, quarter by quarter."""

    __tablename__ = "kpi_commentary"
    __table_args__ = (UniqueConstraint("kpi_id", "fy_start_year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)  # what optimistic locking (`store.queries.versioned`) keys on
    kpi_id: int = Field(foreign_key="kpi.id", ondelete="CASCADE")
    fy_start_year: int
    quarter: int
    text: str = Field(sa_type=Text)
    author: str | None = Field(default=None, sa_type=String(120))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class KpiQuarter(Versioned, QuarterKeyed, table=True):
    """A quarter's corporate KPIs, published as a whole (issue 13): who and when (no row, or a draft: not published).

    Publishing freezes the quarter's KPI actuals (but a provisional one),
    forecasts and commentary (`services.kpi_publishing`, `domain.publishing`).
    """

    __tablename__ = "kpi_quarter"
    __table_args__ = (UniqueConstraint("fy_start_year", "quarter"),)
    id: int | None = Field(default=None, primary_key=True)  # what optimistic locking keys on
    fy_start_year: int
    quarter: int
    status: str = Field(default="draft", sa_type=ENUM)
    published_by: str | None = Field(default=None, sa_type=String(120))
    published_on: dt.date | None = None


class Measure(Versioned, table=True):
    __tablename__ = "measure"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        # A KPI's figures are its measure row (issue 13): a measure belongs to
        # exactly one of an outcome, a benefit or a KPI, and to a project
        # exactly when it is not a KPI's.
        CheckConstraint(MEASURE_ONE_PARENT, name="measure_one_parent"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # Denormalised so project-wide queries need no join through the parent; NULL for a KPI's measure.
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="CASCADE", index=True)
    kpi_id: int | None = Field(default=None, foreign_key="kpi.id", ondelete="CASCADE", unique=True)
    outcome_id: int | None = Field(default=None, foreign_key="outcome.id", ondelete="CASCADE", index=True)
    benefit_id: int | None = Field(default=None, foreign_key="benefit.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=CODE)
    name: str = Field(sa_type=String(200))
    description: str | None = Field(default=None, sa_type=Text)
    unit: str = Field(default="", sa_type=String(120))
    direction: str = Field(default="higher", sa_type=ENUM)
    baseline: float | None = None
    baseline_period: str | None = Field(default=None, sa_type=QUARTER_LABEL)
    target: float | None = None
    target_max: float | None = None
    target_period: str | None = Field(default=None, sa_type=QUARTER_LABEL)
    frequency: str = Field(default="quarterly", sa_type=ENUM)
    aggregation: str = Field(default="snapshot", sa_type=ENUM)
    tolerance: float | None = None
    data_source: str | None = Field(default=None, sa_type=String(120))
    owner: str | None = Field(default=None, sa_type=String(120))
    position: int = 0


class MeasureTarget(QuarterKeyed, table=True):
    """A profiled target for one quarter."""

    __tablename__ = "measure_target"
    # The primary key leads with the quarter (fields of QuarterKeyed come first), so a measure's targets need their own index.
    measure_id: int = Field(foreign_key="measure.id", ondelete="CASCADE", primary_key=True, index=True)
    fy_start_year: int = Field(primary_key=True)
    quarter: int = Field(primary_key=True)
    value: float


class MeasureForecast(QuarterKeyed, table=True):
    """The year-end figure the measure's owner expected, as forecast in one quarter (issue 13).

    Its own table, not a column on the actual: a forecast may be given
    before, or without, the quarter's actual.
    """

    __tablename__ = "measure_forecast"
    # As for measure_target: the key leads with the quarter, so a measure's forecasts need their own index.
    measure_id: int = Field(foreign_key="measure.id", ondelete="CASCADE", primary_key=True, index=True)
    fy_start_year: int = Field(primary_key=True)
    quarter: int = Field(primary_key=True)
    value: float


class MeasureBenchmark(SQLModel, table=True):
    """One comparator set for a measure in one financial year (issue 13): quartiles, an average, the council's rank.

    Keyed by the measure, the year (its start year, as quarters are stored)
    and the source, so two clubs' figures for the same year sit side by side.
    """

    __tablename__ = "measure_benchmark"
    measure_id: int = Field(foreign_key="measure.id", ondelete="CASCADE", primary_key=True)
    fy_start_year: int = Field(primary_key=True)
    source: str = Field(primary_key=True, sa_type=String(120))
    value: float | None = None
    lower_quartile: float | None = None
    median: float | None = None
    upper_quartile: float | None = None
    rank: int | None = None
    of: int | None = None


class MeasureValue(Versioned, QuarterKeyed, table=True):
    """The actual for one measure in one quarter."""

    __tablename__ = "measure_value"
    __table_args__ = (
        UniqueConstraint("measure_id", "fy_start_year", "quarter"),
        Index("ix_measure_value_quarter", "fy_start_year", "quarter"),
    )
    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", ondelete="CASCADE")
    fy_start_year: int
    quarter: int
    value: float
    provisional: bool = False
    note: str | None = Field(default=None, sa_type=Text)
    entered_by: str | None = Field(default=None, sa_type=String(120))
    entered_at: dt.datetime = Field(default_factory=utcnow, sa_column=_timestamp())


class QuarterlyReview(Versioned, QuarterKeyed, table=True):
    __tablename__ = "quarterly_review"
    __table_args__ = (
        # Also the index behind "latest RAG" per project on the portfolio screen.
        UniqueConstraint("project_id", "fy_start_year", "quarter"),
        # "The latest quarter anything was reported for" without a full scan.
        Index("ix_review_quarter", "fy_start_year", "quarter"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE")
    fy_start_year: int
    quarter: int
    status: str = Field(default="draft", sa_type=ENUM)
    published_by: str | None = Field(default=None, sa_type=String(120))
    published_on: dt.date | None = None
    rag: str = Field(default="not_set", sa_type=ENUM)
    time_rag: str = Field(default="not_set", sa_type=ENUM)
    cost_rag: str = Field(default="not_set", sa_type=ENUM)
    scope_rag: str = Field(default="not_set", sa_type=ENUM)
    benefits_rag: str = Field(default="not_set", sa_type=ENUM)
    commentary: str | None = Field(default=None, sa_type=Text)
    next_steps: str | None = Field(default=None, sa_type=Text)
    spend_to_date_pence: int | None = None
    forecast_pence: int | None = None


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_project", "project_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    actor: str = Field(sa_type=String(120))
    action: str = Field(sa_type=String(16))  # create, update, delete, link, unlink, import
    entity: str = Field(sa_type=String(32))  # table name
    entity_key: str = Field(sa_type=String(200))  # human key, e.g. "SP-01/B1/M2"
    # No foreign key: the trail must outlive the project it describes.
    project_id: int | None = None
    field: str | None = Field(default=None, sa_type=String(64))
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str | None = Field(default=None, sa_type=Text)


class AppUser(SQLModel, table=True):
    """A person who may use the portfolio ("user" is a reserved word in PostgreSQL)."""

    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_type=String(120), unique=True)  # the name the audit log records
    display_name: str = Field(sa_type=String(200))  # matched against projects' lead and SRO
    role: str = Field(default="viewer", sa_type=ENUM)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=_timestamp())
    # Argon2, as services/passwords.py writes it (the parameters travel inside); None: no browser login yet.
    password_hash: str | None = Field(default=None, sa_type=String(200))


class ProjectEditor(SQLModel, table=True):
    """A user named to edit a project besides its lead and SRO."""

    __tablename__ = "project_editor"
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", primary_key=True, index=True)


class Risk(Versioned, table=True):
    """A project's risk or issue; its score (likelihood × impact) is worked out, not stored (`domain.risks`)."""

    __tablename__ = "risk"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="risk_likelihood"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="risk_impact"),
    )
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    code: str = Field(sa_type=CODE)
    title: str = Field(sa_type=String(200))
    kind: str = Field(default="risk", sa_type=ENUM)
    status: str = Field(default="open", sa_type=ENUM)
    likelihood: int
    impact: int
    owner: str | None = Field(default=None, sa_type=String(120))
    description: str | None = Field(default=None, sa_type=Text)
    mitigation: str | None = Field(default=None, sa_type=Text)
    raised_on: dt.date | None = None
    review_by: dt.date | None = None
    became_issue_on: dt.date | None = None
