"""Risks and issues: their vocabularies, the 5×5 matrix that scores and rates them, and when one is due for review.

One home for the matrix: the project screen, review mode, the report and
`check` all ask `risk_score` and `risk_rag`, with the bands the user's
settings give (`RiskBands`, checked here, so config.toml and the tests meet
the same rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from projtui.domain.codes import natural_key
from projtui.domain.enums import Rag
from projtui.domain.rag import rag_caption

__all__ = [
    "DEFAULT_BANDS",
    "IMPACT_WORDS",
    "by_score",
    "LIKELIHOOD_WORDS",
    "MATRIX_SIDE",
    "RiskBands",
    "RiskKind",
    "RiskStatus",
    "is_high",
    "needs_attention",
    "needs_review",
    "risk_rag",
    "risk_score",
    "score_caption",
]

MATRIX_SIDE = 5  # likelihood and impact each run 1..5
HIGHEST_SCORE = MATRIX_SIDE * MATRIX_SIDE


class RiskKind(StrEnum):
    """A risk may happen; an issue has happened (a risk becomes one when it does)."""

    RISK = "risk"
    ISSUE = "issue"


class RiskStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


LIKELIHOOD_WORDS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_WORDS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}


@dataclass(frozen=True)
class RiskBands:
    """Where the matrix turns amber and red: a score from `amber` up is amber, from `red` up red, below `amber` green.

    The usual council matrix (1–4 green, 5–12 amber, 15–25 red) is the default.
    """

    amber: int = 5
    red: int = 15

    def __post_init__(self) -> None:
        for name in ("amber", "red"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be a whole number")
        if not 2 <= self.amber <= self.red <= HIGHEST_SCORE:
            raise ValueError(
                f"need 2 <= amber <= red <= {HIGHEST_SCORE} (scores run 1 to {HIGHEST_SCORE}): "
                f"amber = {self.amber}, red = {self.red}"
            )


DEFAULT_BANDS = RiskBands()


def risk_score(likelihood: int, impact: int) -> int:
    """Likelihood × impact, each 1..5."""
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= value <= MATRIX_SIDE:
            raise ValueError(f"{name} must be 1 to {MATRIX_SIDE}, not {value}")
    return likelihood * impact


def risk_rag(score: int, bands: RiskBands = DEFAULT_BANDS) -> Rag:
    """The score's band: red, amber or green."""
    if score >= bands.red:
        return Rag.RED
    if score >= bands.amber:
        return Rag.AMBER
    return Rag.GREEN


def is_high(likelihood: int, impact: int, bands: RiskBands = DEFAULT_BANDS) -> bool:
    """In the red band: what review mode and the report put in front of the reader."""
    return risk_rag(risk_score(likelihood, impact), bands) is Rag.RED


def needs_attention(risk, bands: RiskBands = DEFAULT_BANDS) -> bool:
    """Open and in the red band (a record with status, likelihood and impact): what review mode and the report put first."""
    return risk.status is RiskStatus.OPEN and is_high(risk.likelihood, risk.impact, bands)


def score_caption(likelihood: int, impact: int, bands: RiskBands = DEFAULT_BANDS) -> str:
    """Score with its band's shape and word, so it reads without colour: ``20 ▲ Red``."""
    score = risk_score(likelihood, impact)
    return f"{score} {rag_caption(risk_rag(score, bands))}"


def needs_review(status: RiskStatus, review_by: dt.date | None, today: dt.date) -> bool:
    """An open risk or issue whose review-by date has passed."""
    return status is RiskStatus.OPEN and review_by is not None and review_by < today


def by_score(risks: Iterable) -> list:
    """Highest score first, then open before closed, then by code in natural order (records with likelihood, impact, status, code)."""
    return sorted(
        risks,
        key=lambda r: (-risk_score(r.likelihood, r.impact), r.status is not RiskStatus.OPEN, natural_key(r.code)),
    )
