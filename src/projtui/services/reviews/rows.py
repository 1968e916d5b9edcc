"""What every review service shares: finding a project or measure by code, record keys, and read models from rows.

Records are named as the snapshot diff and the audit log name them:
``review`` (key ``SP-01@2026/27 Q2``), ``actual`` and ``target`` (key
``SP-01/M1@2026/27 Q2``), ``measure`` (key ``SP-01/M1``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pydantic import ValidationError

from projtui.domain.errors import InvalidInput, NotFoundError, Problem, RuleError
from projtui.domain.quarter import Quarter
from projtui.domain.records import ActualFields, MeasureFields, ReviewFields
from projtui.domain.roles import Action
from projtui.services.permissions import require
from projtui.services.read_models import MeasureItem
from projtui.services.reviews.models import ActualEntry, ReviewRecord
from projtui.store.queries import projects
from projtui.store.queries import reviews as q

if TYPE_CHECKING:  # only names the session and row types; SQL is store.queries.reviews's
    from sqlalchemy.orm import Session

    from projtui.store import tables as t


def figures_by_measure(found: Iterable[tuple[int, int, int, float]]) -> defaultdict[int, dict[Quarter, float]]:
    """(measure id, fy_start_year, quarter, value) rows (actuals, profiled targets, forecasts) as each measure's figures by quarter."""
    grouped: defaultdict[int, dict[Quarter, float]] = defaultdict(dict)
    quarter = functools.cache(Quarter)  # a few quarters, each met once per measure
    for measure_id, year, number, value in found:
        grouped[measure_id][quarter(year, number)] = value
    return grouped


def as_quarter(value: Quarter | str, field: str = "quarter") -> Quarter:
    """A quarter, or InvalidInput naming ``field`` for a label that is not one."""
    if isinstance(value, Quarter):
        return value
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise InvalidInput([Problem("", field, value, str(exc))]) from None


def number(value: object, field: str) -> float:
    """A finite number (not a flag), as InvalidInput naming ``field`` otherwise: the rule an actual's value follows."""
    try:
        return ActualFields.model_validate({"value": value}).value
    except ValidationError as exc:
        raise InvalidInput([Problem("", field, value, error["msg"]) for error in exc.errors()]) from None


def review_key(project_code: str, quarter: Quarter) -> str:
    return f"{project_code}@{quarter}"


def measure_key(project_code: str, measure_code: str, quarter: Quarter | None = None) -> str:
    return f"{project_code}/{measure_code}" + (f"@{quarter}" if quarter is not None else "")


def frozen(code: str, quarter: Quarter) -> RuleError:
    """The refusal for a change to a published quarter."""
    return RuleError(f"the {quarter} review of {code} is published and frozen: re-open it first")


def project(session: Session, code: str) -> t.Project:
    row = projects.project_by_code(session, code)
    if row is None:
        raise NotFoundError(f"no project with code {code!r}")
    return row


def measure(session: Session, project: t.Project, code: str) -> t.Measure:
    row = q.measure_by_code(session, project.id, code)
    if row is None:
        raise NotFoundError(f"no measure {code!r} in project {project.code}")
    return row


def entry_target(
    session: Session, project_code: str, measure_code: str, quarter: Quarter, *, actor: str | None = None
) -> tuple[t.Project, t.Measure, str]:
    """The project, measure and audit key a quarter's actual or forecast is entered for.

    With ``actor``, first refuses (PermissionDenied) unless they may enter
    the project's actuals; without, it only finds them (to show a conflict).
    """
    found = project(session, project_code)
    if actor is not None:
        require(session, actor, Action.ENTER_ACTUALS, project_id=found.id)
    row = measure(session, found, measure_code)
    return found, row, measure_key(found.code, row.code, quarter)


def review_record(row: t.QuarterlyReview) -> ReviewRecord:
    fields = ReviewFields.model_validate(
        {
            "quarter": Quarter(row.fy_start_year, row.quarter),
            **{name: getattr(row, name) for name in ReviewFields.model_fields if name != "quarter"},
        }
    )
    return ReviewRecord(id=row.id, version=row.version, fields=fields)


def actual(row: t.MeasureValue) -> ActualEntry:
    return ActualEntry(
        quarter=Quarter(row.fy_start_year, row.quarter),
        value=row.value,
        provisional=bool(row.provisional),
        note=row.note,
        entered_by=row.entered_by,
        entered_at=row.entered_at,
        version=row.version,
    )


def measure_fields(row: t.Measure) -> MeasureFields:
    return MeasureFields.model_validate({name: getattr(row, name) for name in MeasureFields.model_fields})


def measure_item(session: Session, row: t.Measure) -> MeasureItem:
    kind, code = q.parent_code(session, row)
    return MeasureItem(id=row.id, version=row.version, fields=measure_fields(row), parent_kind=kind, parent_code=code)
