"""The closed vocabularies of the domain.

Values are the strings written to the TOML snapshot and stored in the
database, so they are a contract: add members freely, rename only with a
migration.
"""

from enum import StrEnum


class Stage(StrEnum):
    PIPELINE = "pipeline"
    INITIATION = "initiation"
    DELIVERY = "delivery"
    CLOSING = "closing"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"

    @property
    def needs_ambition(self) -> bool:
        """Once a project leaves the pipeline it must serve the Council Plan."""
        return self is not Stage.PIPELINE

    @property
    def label(self) -> str:
        """The stage in words: ``on_hold`` -> ``on hold``."""
        return self.value.replace("_", " ")

    @property
    def post_project(self) -> bool:
        """Closed: the project is done, and review follows only its benefits still to be realised."""
        return self is Stage.CLOSED


# Why a pipeline project may be linked to no ambition (Stage.needs_ambition), as `check` and the screens say it.
PIPELINE_MAY_WAIT = "allowed in the pipeline, needed before it moves on"


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    COMPLETE = "complete"
    NOT_SET = "not_set"

    @property
    def symbol(self) -> str:
        # A shape as well as a colour, for monochrome terminals and
        # colour-blind readers.
        return _RAG_SYMBOLS[self]

    @property
    def needs_commentary(self) -> bool:
        return self in (Rag.RED, Rag.AMBER)


_RAG_SYMBOLS = {
    Rag.RED: "▲",
    Rag.AMBER: "◆",
    Rag.GREEN: "●",
    Rag.COMPLETE: "✔",
    Rag.NOT_SET: "○",
}


class Direction(StrEnum):
    """Polarity of a measure: which way is good."""

    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"
    # An activity or context indicator (demand, volumes): no way is good, so
    # it has no target and never a status, and its travel is up or down.
    NONE = "none"

    @property
    def rated(self) -> bool:
        """Whether a figure can be better or worse at all."""
        return self is not Direction.NONE


class Aggregation(StrEnum):
    """How quarterly actuals relate to the year: a point-in-time reading or a running total."""

    SNAPSHOT = "snapshot"
    CUMULATIVE = "cumulative"


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    ANNUALLY = "annually"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class BenefitCategory(StrEnum):
    """Green Book: does the benefit release cash from budgets?"""

    CASH_RELEASING = "cash-releasing"
    NON_CASH_RELEASING = "non-cash-releasing"


class BenefitQuantification(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


class BenefitRecipient(StrEnum):
    """Green Book: who receives the benefit."""

    DIRECT_PUBLIC_SECTOR = "direct-public-sector"
    INDIRECT_PUBLIC_SECTOR = "indirect-public-sector"
    SOCIETAL = "societal"


class BenefitStatus(StrEnum):
    FORECAST = "forecast"
    REALISING = "realising"
    REALISED = "realised"
    NOT_REALISED = "not_realised"

    @property
    def still_to_realise(self) -> bool:
        """Forecast or realising: the benefit still needs reviewing, even after its project has closed."""
        return self in (BenefitStatus.FORECAST, BenefitStatus.REALISING)
