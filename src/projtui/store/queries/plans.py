"""The Benefits Review Plan's statements: the plan row, its outputs, outcomes, benefits and measures, and their links.

Items are named by kind ("output", "outcome", "benefit", "measure");
`TABLES` and `LINKS` say which table and link columns each kind is, so the
services spell no column. Rows a service compares versions on are read with
``populate_existing``, so a row read earlier in the session is never trusted
over the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from projtui.store import tables as t

__all__ = [
    "LINKS",
    "TABLES",
    "Link",
    "actuals_and_targets",
    "add_item",
    "add_plan",
    "code_taken",
    "item_by_id",
    "item_ids",
    "item_rows",
    "link",
    "link_codes",
    "linked_codes",
    "measure_codes",
    "measures_under",
    "next_position",
    "parent_columns",
    "plan_row",
    "project_id_of",
    "set_positions",
    "siblings",
    "unlink",
]

TABLES: dict[str, Any] = {"output": t.Output, "outcome": t.Outcome, "benefit": t.Benefit, "measure": t.Measure}


@dataclass(frozen=True)
class Link:
    """A link table, its columns naming the item a link starts from and the one it leads to, and that one's kind."""

    table: Any
    source: Any
    target: Any
    target_kind: Literal["outcome", "benefit"]


# Output → outcomes, outcome → benefits: the chain of the benefits map, by the kind a link starts from.
LINKS: dict[str, Link] = {
    "output": Link(t.OutputOutcome, t.OutputOutcome.output_id, t.OutputOutcome.outcome_id, "outcome"),
    "outcome": Link(t.OutcomeBenefit, t.OutcomeBenefit.outcome_id, t.OutcomeBenefit.benefit_id, "benefit"),
}


# -- the plan's own row ----------------------------------------------------------------------------------


def plan_row(session: Session, project_id: int) -> t.BenefitsReviewPlan | None:
    return session.scalars(
        select(t.BenefitsReviewPlan).where(t.BenefitsReviewPlan.project_id == project_id).execution_options(populate_existing=True)
    ).first()


def add_plan(session: Session, project_id: int, values: dict) -> None:
    session.add(t.BenefitsReviewPlan(project_id=project_id, **values))
    session.flush()


# -- items ---------------------------------------------------------------------------------------------------


def item_rows(session: Session, kind: str, project_id: int) -> Sequence[Any]:
    """The project's items of a kind in the user's order (position, then id)."""
    table = TABLES[kind]
    return session.scalars(
        select(table).where(table.project_id == project_id).order_by(table.position, table.id).execution_options(populate_existing=True)
    ).all()


def item_by_id(session: Session, kind: str, item_id: int) -> Any | None:
    """The item as the database holds it now; None once deleted."""
    return session.get(TABLES[kind], item_id, populate_existing=True)


def project_id_of(session: Session, kind: str, item_id: int) -> int | None:
    table = TABLES[kind]
    return session.scalar(select(table.project_id).where(table.id == item_id))


def item_ids(session: Session, kind: str, project_id: int, codes: Collection[str]) -> dict[str, int]:
    """Code → id of the project's items of a kind with these codes (those that exist; codes compared exactly)."""
    table = TABLES[kind]
    return dict(session.execute(select(table.code, table.id).where(table.project_id == project_id, table.code.in_(codes))).all())


def code_taken(session: Session, kind: str, project_id: int, code: str, *, exclude_id: int | None = None) -> bool:
    """Whether another item of the kind in the project has the code, ignoring case."""
    return code_taken_in(session, TABLES[kind], project_id, code, exclude_id=exclude_id)


def code_taken_in(session: Session, table, project_id: int, code: str, *, exclude_id: int | None = None) -> bool:
    """Whether another row of `table` (a project's records with codes: items, measures, risks) has the code, ignoring case."""
    statement = select(table.id).where(table.project_id == project_id, func.lower(table.code) == code.casefold())
    if exclude_id is not None:
        statement = statement.where(table.id != exclude_id)
    return session.scalar(statement.limit(1)) is not None


def next_position(session: Session, kind: str, project_id: int) -> int:
    """The position after the last of the project's items of the kind (measures: after every measure of the plan)."""
    table = TABLES[kind]
    highest = session.scalar(select(func.max(table.position)).where(table.project_id == project_id))
    return 0 if highest is None else highest + 1


def add_item(session: Session, kind: str, values: dict) -> int:
    """Insert an item (column → value); the new item's id."""
    row = TABLES[kind](**values)
    session.add(row)
    session.flush()
    return row.id


def siblings(session: Session, kind: str, row: Any) -> list[Any]:
    """(id, position) of the item and the others it is ordered among, in order: its project's items of the kind, or a measure's parent's measures."""
    table = TABLES[kind]
    statement = select(table.id, table.position).where(table.project_id == row.project_id)
    if kind == "measure":
        statement = statement.where(
            t.Measure.outcome_id == row.outcome_id if row.outcome_id is not None else t.Measure.benefit_id == row.benefit_id
        )
    return list(session.execute(statement.order_by(table.position, table.id)).all())


def set_positions(session: Session, kind: str, positions: Iterable[tuple[int, int]]) -> None:
    """Give each (item id, position) its position; versions stay as they are."""
    table = TABLES[kind]
    for item_id, position in positions:
        session.execute(update(table).where(table.id == item_id).values(position=position).execution_options(synchronize_session=False))


# -- measures -------------------------------------------------------------------------------------------------


def parent_columns(parent_kind: str, parent_id: int) -> dict[str, int | None]:
    """The measure columns that put it under an outcome or a benefit."""
    return {"outcome_id": parent_id if parent_kind == "outcome" else None, "benefit_id": parent_id if parent_kind == "benefit" else None}


def measures_under(session: Session, parent_kind: str, parent_id: int) -> list[Any]:
    """(id, code, name) of the measures under an outcome or a benefit."""
    parent = t.Measure.outcome_id if parent_kind == "outcome" else t.Measure.benefit_id
    return list(session.execute(select(t.Measure.id, t.Measure.code, t.Measure.name).where(parent == parent_id)).all())


def measure_codes(session: Session, project_id: int) -> list[str]:
    return list(session.scalars(select(t.Measure.code).where(t.Measure.project_id == project_id)))


def actuals_and_targets(session: Session, measure_ids: Collection[int]) -> tuple[int, int]:
    """How many actuals and how many profiled targets the measures have."""
    if not measure_ids:
        return 0, 0
    actuals = session.scalar(select(func.count()).select_from(t.MeasureValue).where(t.MeasureValue.measure_id.in_(measure_ids)))
    targets = session.scalar(select(func.count()).select_from(t.MeasureTarget).where(t.MeasureTarget.measure_id.in_(measure_ids)))
    return actuals or 0, targets or 0


# -- links (`kind` is the kind a link starts from: a key of LINKS) ------------------------------------------------


def link_codes(session: Session, kind: str, project_id: int) -> dict[int, list[str]]:
    """Id of each of the project's items of the kind that links on → the codes it leads to, in the plan's order."""
    spec = LINKS[kind]
    target = TABLES[spec.target_kind]
    links: dict[int, list[str]] = defaultdict(list)
    for source_id, code in session.execute(
        select(spec.source, target.code)
        .join(target, target.id == spec.target)
        .where(target.project_id == project_id)
        .order_by(target.position, target.id)
    ):
        links[source_id].append(code)
    return links


def linked_codes(session: Session, kind: str, item_id: int, *, outgoing: bool) -> list[str]:
    """The codes at the other end of an item's links of the kind, in the plan's order.

    `outgoing`: the item is of the kind and these are what it leads to; else
    the item is of the kind's target kind and these are what lead to it.
    """
    spec = LINKS[kind]
    near, far = (spec.source, spec.target) if outgoing else (spec.target, spec.source)
    other = TABLES[spec.target_kind if outgoing else kind]
    return list(
        session.scalars(
            select(other.code)
            .join(spec.table, far == other.id)
            .where(near == item_id)
            .order_by(other.position, other.id)
        )
    )


def unlink(session: Session, kind: str, item_id: int, target_ids: Collection[int]) -> None:
    spec = LINKS[kind]
    session.execute(delete(spec.table).where(spec.source == item_id, spec.target.in_(target_ids)))


def link(session: Session, kind: str, item_id: int, target_ids: Sequence[int]) -> None:
    spec = LINKS[kind]
    session.execute(insert(spec.table), [{spec.source.key: item_id, spec.target.key: target_id} for target_id in target_ids])
