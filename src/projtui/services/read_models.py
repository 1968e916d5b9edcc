"""What the services hand back: plain frozen records, safe to pass between threads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from projtui.domain.enums import Rag, Stage
from projtui.domain.quarter import Quarter

if TYPE_CHECKING:  # the portfolio screen imports these records, and must start without pydantic
    from projtui.domain.measures import RealisationForecast
    from projtui.domain.records import (
        BenefitFields,
        MeasureFields,
        OutcomeFields,
        OutputFields,
        PlanFields,
        ProjectFields,
    )

NO_AMBITION = "-"  # ProjectQuery.ambition value meaning "linked to no ambition"


class SortKey(StrEnum):
    CODE = "code"
    NAME = "name"
    STAGE = "stage"
    AMBITION = "ambition"
    RAG = "rag"
    LEAD = "lead"
    SERVICE = "service"


@dataclass(frozen=True)
class ProjectQuery:
    """What the portfolio table shows: a filter and an order, applied in SQL."""

    text: str = ""  # matches code, name, lead or service, case-insensitively
    ambition: str | None = None  # an ambition code, NO_AMBITION, or None for all
    stage: Stage | None = None
    sort: SortKey = SortKey.CODE
    descending: bool = False


@dataclass(frozen=True)
class ProjectRow:
    id: int
    code: str
    name: str
    stage: Stage
    primary_ambition: str | None
    latest_rag: Rag
    latest_quarter: Quarter | None
    lead: str | None
    service: str | None


@dataclass(frozen=True)
class AmbitionLink:
    code: str
    title: str
    is_primary: bool


@dataclass(frozen=True)
class ProjectDetail:
    id: int
    version: int
    fields: ProjectFields
    ambitions: tuple[AmbitionLink, ...]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def code(self) -> str:
        return self.fields.code

    @property
    def primary_ambition(self) -> AmbitionLink | None:
        return next((link for link in self.ambitions if link.is_primary), None)


@dataclass(frozen=True)
class AmbitionSummary:
    id: int
    version: int
    code: str
    title: str
    description: str | None
    plan_period: str | None
    retired: bool = False  # kept for its links' history; offered no more for new links


@dataclass(frozen=True)
class PriorityItem:
    """One of an ambition's priorities, with what an edit of it needs."""

    id: int
    version: int
    ambition: str  # the ambition's code
    code: str
    title: str
    description: str | None


@dataclass(frozen=True)
class ThreadProject:
    code: str
    name: str
    stage: Stage
    is_primary: bool


@dataclass(frozen=True)
class Item:
    """An output, outcome or benefit with its identity, version and links."""

    id: int
    version: int
    fields: OutputFields | OutcomeFields | BenefitFields
    links: tuple[str, ...] = ()  # output → outcome codes, outcome → benefit codes


@dataclass(frozen=True)
class MeasureItem:
    id: int
    version: int
    fields: MeasureFields
    parent_kind: str  # "outcome" or "benefit"
    parent_code: str


@dataclass(frozen=True)
class PlanView:
    """A project's Benefits Review Plan: its own fields and every item, in the user's order."""

    project_code: str
    project_name: str
    version: int
    fields: PlanFields
    outputs: tuple[Item, ...] = ()
    outcomes: tuple[Item, ...] = ()
    benefits: tuple[Item, ...] = ()
    measures: tuple[MeasureItem, ...] = field(default=())
    # Each measure's trend forecast (by measure id) from its actuals up to the portfolio's latest quarter (issue 13).
    trends: dict[int, RealisationForecast] = field(default_factory=dict)
