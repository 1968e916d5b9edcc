"""What the plan services share: the kinds of item, their fields' models, and reading rows back as records.

A code is unique among a project's items of its kind, compared without
case, and the audit log keys an item as ``PROJECT/CODE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from projtui.domain.errors import InvalidInput, Problem
from projtui.domain.quarter import Quarter
from projtui.domain.records import (
    BenefitFields,
    MeasureFields,
    OutcomeFields,
    OutputFields,
)
from projtui.services.read_models import Item
from projtui.store.queries import plans as q
from projtui.store.queries import projects

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ItemKind = Literal["output", "outcome", "benefit"]
Kind = Literal["output", "outcome", "benefit", "measure"]
ParentKind = Literal["outcome", "benefit"]

ITEM_KINDS: tuple[ItemKind, ...] = ("output", "outcome", "benefit")
KINDS: tuple[Kind, ...] = (*ITEM_KINDS, "measure")

FIELDS: dict[str, type[BaseModel]] = {
    "output": OutputFields,
    "outcome": OutcomeFields,
    "benefit": BenefitFields,
    "measure": MeasureFields,
}

# Output → outcomes, outcome → benefits: the chain of the benefits map, as the store's link tables hold it.
LINK_TARGET: dict[str, ItemKind] = {kind: link.target_kind for kind, link in q.LINKS.items()}


def known_kind(kind: str, allowed: Sequence[str] = KINDS) -> str:
    if kind not in allowed:
        raise ValueError(f"kind must be one of {', '.join(allowed)}, not {kind!r}")
    return kind


def columns(fields: BaseModel) -> dict:
    """Column values: enums as their stored strings, quarters as canonical labels."""
    return {name: (str(value) if isinstance(value, Quarter) else value) for name, value in fields.model_dump().items()}


def fields_of(row, model: type[BaseModel]) -> BaseModel:
    return model.model_validate({name: getattr(row, name) for name in model.model_fields})


def changed(before: BaseModel, after: BaseModel) -> dict[str, tuple]:
    """Changed fields with their old and new values as the audit log shows them."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return {name: (old[name], new[name]) for name in new if old[name] != new[name]}


def as_item(row, kind: str, links: Sequence[str] = ()) -> Item:
    return Item(id=row.id, version=row.version, fields=fields_of(row, FIELDS[kind]), links=tuple(links))


def project_code(session: Session, project_id: int) -> str:
    return projects.project_code(session, project_id) or "?"


def project_of(session: Session, kind: str, item_id: int) -> tuple[int, str]:
    """(id, code) of the project an item the transaction has read belongs to."""
    project_id = q.project_id_of(session, kind, item_id)
    return project_id, project_code(session, project_id)


def duplicate_code(kind: str, code: str) -> InvalidInput:
    return InvalidInput([Problem("", "code", code, f"another {kind} in this project already has this code")])


def check_code_free(session: Session, kind: str, project_id: int, code: str, *, exclude_id: int | None = None) -> None:
    """Codes are unique within a project, compared without case so that B1 never sits beside b1."""
    if q.code_taken(session, kind, project_id, code, exclude_id=exclude_id):
        raise duplicate_code(kind, code)
