"""A measure's year-end forecast for a quarter: what its owner expects the figure to be at the end of the financial year.

Validated like an actual; frozen with the quarter once its review is
published (`domain.publishing.forecast_may_change`); every change audited
(entity ``forecast``, key ``SP-01/M1@2024/25 Q2``). The forecast the user
saw guards the change, as a version guards an actual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from projtui.domain.errors import ConflictError
from projtui.domain.publishing import forecast_may_change
from projtui.domain.quarter import Quarter
from projtui.services import audit
from projtui.services.reviews import rows
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import reviews as q

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["set_forecast", "write_forecast"]


def set_forecast(
    db: Database,
    project_code: str,
    measure_code: str,
    quarter: Quarter | str,
    value: float | None,
    *,
    seen: float | None,
    actor: str,
) -> float | None:
    """Enter, change or (``value`` None) clear the year-end forecast made in ``quarter``; answers the forecast now stored.

    ``seen`` is the forecast the user saw (None: there was none): when
    someone else has changed it since, ConflictError shows theirs. Refused
    in a quarter whose review is published. A cumulative measure's forecast
    is the whole year's total.
    """
    quarter = rows.as_quarter(quarter)
    value = None if value is None else rows.number(value, "forecast")
    try:
        with db.transaction() as session:
            project, measure, key = rows.entry_target(session, project_code, measure_code, quarter, actor=actor)
            return write_forecast(
                session, measure.id, quarter, value, seen=seen, actor=actor, entity="forecast", key=key, project_id=project.id,
                frozen=q.is_published(session, project.id, quarter), refusal=lambda: rows.frozen(project.code, quarter),
            )
    except ConstraintViolation:
        with db.reading() as session:
            _, measure, key = rows.entry_target(session, project_code, measure_code, quarter)
            current = q.forecast_value(session, measure.id, quarter)
        raise ConflictError("forecast", key, 0, current) from None


def write_forecast(
    session: Session,
    measure_id: int,
    quarter: Quarter,
    value: float | None,
    *,
    seen: float | None,
    actor: str,
    entity: str,
    key: str,
    project_id: int | None,
    frozen: bool,
    refusal: Callable[[], Exception],
) -> float | None:
    """The one write of a measure's year-end forecast, a project's or a KPI's, in the caller's transaction (permission already checked).

    ``frozen``: the quarter is published, so ``refusal()`` is raised; audited as ``entity`` ``key``.
    """
    if value == seen:
        return q.forecast_value(session, measure_id, quarter)
    if not forecast_may_change(frozen):
        raise refusal()
    if not q.replace_forecast(session, measure_id, quarter, seen, value):
        raise ConflictError(entity, key, 0, q.forecast_value(session, measure_id, quarter))
    action = "create" if seen is None else "delete" if value is None else "update"
    audit.record(session, actor=actor, action=action, entity=entity, key=key, project_id=project_id, field="value", old=seen, new=value)
    return value
