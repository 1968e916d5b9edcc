"""A measure's targets and baseline: profiled targets per quarter, and the baseline and end target themselves.

Baselines and targets (annual or profiled) change only with a reason; the
audit log keeps the old value and the reason. The measure's ``version``
guards them all. Profiled targets of a published quarter are frozen:
`write_target` is the one write of a quarter's target, a project measure's
or a corporate KPI's (`services.kpis.set_kpi_target`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from projtui.domain.enums import Direction
from projtui.domain.errors import ConflictError, InvalidInput, Problem
from projtui.domain.publishing import target_may_change
from projtui.domain.quarter import Quarter
from projtui.domain.records import NO_TARGET_FOR_NONE, MeasureFields, validated
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import update_versioned
from projtui.services.permissions import require
from projtui.services.read_models import MeasureItem
from projtui.services.reviews import rows
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.queries import reviews as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["UNSET", "clear_profiled_target", "set_profiled_target", "update_measure_baseline_or_target", "write_target"]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave this field as it is" in update_measure_baseline_or_target


def _measure_item_or_none(session: Session, measure_id: int) -> MeasureItem | None:
    row = q.measure_by_id(session, measure_id)
    return None if row is None else rows.measure_item(session, row)


def _measure_at(session: Session, project_code: str, measure_code: str) -> tuple[t.Project, t.Measure]:
    project = rows.project(session, project_code)
    return project, rows.measure(session, project, measure_code)


def _measure_at_version(
    session: Session, project_code: str, measure_code: str, expected_version: int
) -> tuple[t.Project, t.Measure, str]:
    """The project, the measure and its audit key, as ConflictError when someone changed the measure since the user saw it."""
    project, measure = _measure_at(session, project_code, measure_code)
    key = rows.measure_key(project.code, measure.code)
    if measure.version != expected_version:
        raise ConflictError("measure", key, expected_version, rows.measure_item(session, measure))
    return project, measure, key


def _bump_measure(session: Session, measure: t.Measure, key: str, expected_version: int, values: dict,
                  current: Callable[[], object | None] | None = None) -> None:
    measure_id = measure.id
    update_versioned(
        session, t.Measure, measure_id, expected_version, values,
        entity="measure", key=key, current=current or (lambda: _measure_item_or_none(session, measure_id)),
    )


def write_target(
    session: Session,
    measure: t.Measure,
    quarter: Quarter,
    value: float | None,
    *,
    reason: str,
    expected_version: int,
    actor: str,
    action: Action,
    project_id: int | None,
    entity: str,
    key: str,
    frozen: bool,
    refusal: Callable[[float | None, float | None], Exception],
    current: Callable[[], object | None],
) -> bool:
    """The one write of a measure's profiled target for a quarter, a project's or a KPI's, in the caller's transaction.

    Sets it (``value``) or clears it (None): checks the role (``action`` on
    ``project_id``), the measure's version the user saw (``current()`` is
    what a conflict shows), the value against the measure's direction, and
    `domain.publishing.target_may_change`: in a ``frozen`` (published)
    quarter ``refusal(old, new)`` is raised. Audited as ``entity`` ``key``
    with the reason beside the old and new value. Whether anything changed.
    """
    require(session, actor, action, project_id=project_id)
    if measure.version != expected_version:
        raise ConflictError("measure", key, expected_version, current())
    if value is not None:
        if measure.direction == Direction.NONE.value:
            raise InvalidInput([Problem("", "target", value, NO_TARGET_FOR_NONE)])
        if measure.direction == "range" and measure.target_max is not None and value > measure.target_max:
            raise InvalidInput([Problem("", "target", value, f"the bottom of the range is above its top ({measure.target_max})")])
    existing = q.target_row(session, measure.id, quarter)
    old = None if existing is None else existing.value
    if old == value:
        return False
    if not target_may_change(frozen):
        raise refusal(old, value)
    _bump_measure(session, measure, key, expected_version, {}, current)
    if existing is None:
        q.add_target(session, measure.id, quarter, value)
    elif value is None:
        q.delete_row(session, existing)
    else:
        existing.value = value
        session.flush()
    action_done = "create" if existing is None else "delete" if value is None else "update"
    audit.record(session, actor=actor, action=action_done, entity=entity, key=key, project_id=project_id, field="value", old=old, new=value)
    audit.record(session, actor=actor, action="update", entity=entity, key=key, project_id=project_id, field="reason", new=reason)
    return True


def _project_target(
    db: Database, project_code: str, measure_code: str, quarter: Quarter | str, value: float | None, *,
    reason: str, expected_version: int, actor: str,
) -> MeasureItem:
    """A project measure's profiled target through `write_target`, refused in a quarter whose review is published."""
    quarter = rows.as_quarter(quarter)
    reason = audit.reason_text(reason)
    with db.transaction() as session:
        project, measure = _measure_at(session, project_code, measure_code)
        measure_id, code = measure.id, project.code
        write_target(
            session, measure, quarter, value, reason=reason, expected_version=expected_version, actor=actor,
            action=Action.EDIT_PROJECT, project_id=project.id, entity="target", key=rows.measure_key(code, measure.code, quarter),
            frozen=q.is_published(session, project.id, quarter), refusal=lambda _old, _new: rows.frozen(code, quarter),
            current=lambda: _measure_item_or_none(session, measure_id),
        )
        return _measure_item_or_none(session, measure_id)


def set_profiled_target(
    db: Database,
    project_code: str,
    measure_code: str,
    quarter: Quarter | str,
    value: float,
    *,
    reason: str,
    expected_version: int,
    actor: str,
) -> MeasureItem:
    """Profile the measure's target for one quarter (a year-to-date figure for a cumulative measure).

    The measure's ``version`` guards its targets: pass the version the user
    saw; the measure comes back with its new version. Needs a reason; the
    audit log keeps the old value. Refused in a quarter whose review is published.
    """
    number = rows.number(value, "target")
    return _project_target(db, project_code, measure_code, quarter, number, reason=reason, expected_version=expected_version, actor=actor)


def clear_profiled_target(
    db: Database,
    project_code: str,
    measure_code: str,
    quarter: Quarter | str,
    *,
    reason: str,
    expected_version: int,
    actor: str,
) -> MeasureItem:
    """Remove the quarter's profiled target (the annual target, or its straight-line share, applies again)."""
    return _project_target(db, project_code, measure_code, quarter, None, reason=reason, expected_version=expected_version, actor=actor)


def update_measure_baseline_or_target(
    db: Database,
    project_code: str,
    measure_code: str,
    *,
    baseline: float | None = UNSET,
    baseline_period: Quarter | str | None = UNSET,
    target: float | None = UNSET,
    target_max: float | None = UNSET,
    target_period: Quarter | str | None = UNSET,
    reason: str,
    expected_version: int,
    actor: str,
) -> MeasureItem:
    """Change a measure's baseline and/or target (with their periods); fields left UNSET stay as they are.

    Needs a non-empty reason. One audit row per changed field keeps the old
    value, and one more keeps the reason. None removes a value (a measure
    with no target becomes monitor only).
    """
    reason = audit.reason_text(reason)
    given = {
        name: value
        for name, value in (
            ("baseline", baseline), ("baseline_period", baseline_period), ("target", target),
            ("target_max", target_max), ("target_period", target_period),
        )
        if value is not UNSET
    }
    with db.transaction() as session:
        project, measure, key = _measure_at_version(session, project_code, measure_code, expected_version)
        require(session, actor, Action.EDIT_PROJECT, project_id=project.id)
        before = rows.measure_item(session, measure)
        after = validated(MeasureFields, {**before.fields.model_dump(), **given})
        old, new = before.fields.model_dump(mode="json"), after.model_dump(mode="json")
        changes = {name: (old[name], new[name]) for name in given if old[name] != new[name]}
        if not changes:
            return before
        _bump_measure(
            session, measure, key, expected_version,
            {name: (str(getattr(after, name)) if isinstance(getattr(after, name), Quarter) else getattr(after, name)) for name in changes},
        )
        for name, (was, now) in changes.items():
            audit.record(session, actor=actor, action="update", entity="measure", key=key, project_id=project.id, field=name, old=was, new=now)
        audit.record(session, actor=actor, action="update", entity="measure", key=key, project_id=project.id, field="reason", new=reason)
        return _measure_item_or_none(session, measure.id)
