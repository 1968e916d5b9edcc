"""A measure's year-end forecast for a quarter: what its owner expects the figure to be at the end of the financial year.

Validated like an actual; frozen with the quarter once its review is
published (`domain.publishing.forecast_may_change`); every change audited
(entity ``forecast``, key ``SP-01/M1@2024/25 Q2``). The forecast the user
saw guards the change, as a version guards an actual.
"""

from __future__ import annotations

from projtui.domain.errors import ConflictError
from projtui.domain.publishing import forecast_may_change
from projtui.domain.quarter import Quarter
from projtui.services import audit
from projtui.services.reviews import rows
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import reviews as q

__all__ = ["set_forecast"]


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
            if value == seen:
                return q.forecast_value(session, measure.id, quarter)
            if not forecast_may_change(q.is_published(session, project.id, quarter)):
                raise rows.frozen(project.code, quarter)
            if not q.replace_forecast(session, measure.id, quarter, seen, value):
                raise ConflictError("forecast", key, 0, q.forecast_value(session, measure.id, quarter))
            action = "create" if seen is None else "delete" if value is None else "update"
            audit.record(session, actor=actor, action=action, entity="forecast", key=key, project_id=project.id, field="value",
                         old=seen, new=value)
            return value
    except ConstraintViolation:
        with db.reading() as session:
            _, measure, key = rows.entry_target(session, project_code, measure_code, quarter)
            current = q.forecast_value(session, measure.id, quarter)
        raise ConflictError("forecast", key, 0, current) from None
