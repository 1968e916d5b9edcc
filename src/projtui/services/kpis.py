"""Corporate KPIs (issue 13): a measure owned by a service, not a project.

A KPI's figures are an ordinary measure row, so everything about them is
the measure's: its status, travel and forecasts are
`domain.measures.quarter_figures`, its actuals and year-end forecasts are
written by `services.reviews.actuals.write_actual` and
`services.reviews.forecasts.write_forecast`, its definition is validated as
the snapshot's `[[kpis]]` record is. Every write checks
`Action.EDIT_KPIS` first and is audited (entities ``kpi``, ``kpi_actual``,
``kpi_forecast``, ``kpi_target``, ``kpi_commentary``, keyed ``K1`` or ``K1@2025/26 Q1``,
with no project). Once a quarter's KPIs are published
(`services.kpi_quarters`) its actuals (but a provisional one), forecasts,
profiled targets and commentary are frozen: `_frozen` is the one place
every figure write asks. A target is written by
`services.reviews.targets.write_target`, as a project measure's is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from projtui.domain.codes import natural_key
from projtui.domain.errors import ConflictError, InvalidInput, NotFoundError, Problem
from projtui.domain.formatting import format_number
from projtui.domain.measures import MeasureRule, QuarterFigures, quarter_figures
from projtui.domain.publishing import actual_may_change, forecast_may_change
from projtui.domain.quarter import Quarter
from projtui.domain.records import (
    ActualFields,
    CommentaryFields,
    MeasureFields,
    validated,
)
from projtui.domain.roles import Action
from projtui.services import audit
from projtui.services.locking import update_audited
from projtui.services.permissions import require
from projtui.services.read_models import MeasureItem
from projtui.services.reviews import rows
from projtui.services.reviews.actuals import write_actual
from projtui.services.reviews.forecasts import write_forecast
from projtui.services.reviews.models import ActualEntry, MeasureTrend, SheetMeasure
from projtui.services.reviews.quarter import default_review_quarter
from projtui.services.reviews.sheet import trend_points
from projtui.services.reviews.targets import write_target
from projtui.snapshot.document import Kpi as KpiRecord
from projtui.store import tables as t
from projtui.store.database import Database
from projtui.store.errors import ConstraintViolation
from projtui.store.queries import kpis as q
from projtui.store.queries import reviews as figures_q
from projtui.store.queries.projects import ambition_ids

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "KpiComment",
    "KpiDetail",
    "KpiLine",
    "KpiQuarter",
    "KpiTargets",
    "as_sheet",
    "create_kpi",
    "delete_kpi",
    "edit_kpi",
    "kpi_detail",
    "kpi_register",
    "kpi_targets",
    "register_lines",
    "set_kpi_actual",
    "set_kpi_commentary",
    "set_kpi_forecast",
    "set_kpi_target",
]

# The definition's fields a form or the CLI may set: a measure's, the service and the ambitions.
_MEASURE_FIELDS = tuple(MeasureFields.model_fields)


@dataclass(frozen=True)
class KpiComment:
    quarter: Quarter
    text: str
    author: str | None
    version: int  # quote as expected_version to change it


@dataclass(frozen=True)
class KpiLine:
    """One row of the KPI register: the KPI and its figures for the register's quarter."""

    code: str
    name: str
    service: str | None
    owner: str | None
    unit: str
    ambitions: tuple[tuple[str, str], ...]  # (code, title), the primary first
    figures: QuarterFigures | None  # None: a rule the domain cannot read (`problem` says why)
    problem: str | None = None
    measure: MeasureItem | None = None  # identity, version and fields, for the actual dialog
    entry: ActualEntry | None = None  # the quarter's actual as entered (provisional, note, version)
    comment: KpiComment | None = None  # the owner's commentary on the quarter


@dataclass(frozen=True)
class KpiQuarter:
    """One quarter on the KPI screen: the rules' figures, the actual as entered, the forecast and the commentary."""

    figures: QuarterFigures
    entry: ActualEntry | None
    comment: KpiComment | None
    published: bool = False  # the quarter's KPIs are published: its figures and commentary are frozen

    @property
    def quarter(self) -> Quarter:
        return self.figures.quarter


@dataclass(frozen=True)
class KpiTargets:
    """A KPI's quarters, oldest first, each with its profiled target (None: the straight-line share applies), and the published ones."""

    code: str
    measure: MeasureItem  # its version guards the targets: quote it as expected_version
    targets: tuple[tuple[Quarter, float | None], ...]
    published: frozenset[Quarter]  # quarters whose KPIs are published: their targets are frozen


@dataclass(frozen=True)
class KpiDetail:
    """A KPI as its screen shows it: the definition, every quarter newest first, and the trend."""

    code: str
    version: int  # quote as expected_version to edit or delete the KPI
    service: str | None
    ambitions: tuple[tuple[str, str], ...]
    measure: MeasureItem
    quarters: tuple[KpiQuarter, ...]
    trend: MeasureTrend
    problem: str | None = None  # why no status could be worked out

    @property
    def fields(self) -> MeasureFields:
        return self.measure.fields


# -- reading ----------------------------------------------------------------------------------------------


def kpi_register(db: Database, quarter: Quarter | None = None) -> tuple[Quarter, list[KpiLine]]:
    """Every KPI in code order with its figures for `quarter` (default: the latest quarter anything was reported for)."""
    quarter = quarter or default_review_quarter(db)
    with db.reading() as session:
        lines = register_lines(session, quarter)
    return quarter, lines


def register_lines(session: Session, quarter: Quarter) -> list[KpiLine]:
    """Every KPI in code order with its figures, actual as entered and commentary for `quarter`, in the caller's session."""
    found = q.all_kpis(session)
    measure_ids = [measure.id for _, measure in found]
    entered: defaultdict[int, dict[Quarter, t.MeasureValue]] = defaultdict(dict)
    for row in figures_q.measure_rows(session, measure_ids):
        entered[row.measure_id][Quarter(row.fy_start_year, row.quarter)] = row
    profiled = rows.figures_by_measure(figures_q.measure_targets(session, measure_ids))
    forecasts = rows.figures_by_measure(figures_q.measure_forecasts(session, measure_ids))
    links = _links(session, [kpi.id for kpi, _ in found])
    comments = {c.kpi_id: _comment(c) for c in q.commentary_of(session, [kpi.id for kpi, _ in found])
                if (c.fy_start_year, c.quarter) == (quarter.fy_start_year, quarter.quarter)}
    lines = []
    for kpi, measure in found:
        fields = rows.measure_fields(measure)
        actuals = {when: row.value for when, row in entered[measure.id].items()}
        try:
            figures: QuarterFigures | None = quarter_figures(
                MeasureRule.from_measure(fields), quarter, actuals, profiled[measure.id], forecasts=forecasts[measure.id]
            )
            problem = None
        except ValueError as exc:
            figures, problem = None, str(exc)
        entry = entered[measure.id].get(quarter)
        lines.append(KpiLine(
            kpi.code, fields.name, kpi.service, fields.owner, fields.unit, links[kpi.id], figures, problem,
            measure=MeasureItem(id=measure.id, version=measure.version, fields=fields, parent_kind="kpi", parent_code=kpi.code),
            entry=None if entry is None else rows.actual(entry), comment=comments.get(kpi.id),
        ))
    lines.sort(key=lambda line: natural_key(line.code))
    return lines


def kpi_detail(db: Database, code: str) -> KpiDetail:
    """The KPI's definition, its quarters (newest first, from its first figure to the register's quarter) and its trend."""
    latest = default_review_quarter(db)
    with db.reading() as session:
        kpi, measure = _kpi(session, code)
        fields = rows.measure_fields(measure)
        item = MeasureItem(id=measure.id, version=measure.version, fields=fields, parent_kind="kpi", parent_code=kpi.code)
        values = {Quarter(row.fy_start_year, row.quarter): row for row in figures_q.measure_values(session, measure.id)}
        profiled = rows.figures_by_measure(figures_q.measure_targets(session, [measure.id]))[measure.id]
        forecasts = rows.figures_by_measure(figures_q.measure_forecasts(session, [measure.id]))[measure.id]
        comments = {Quarter(c.fy_start_year, c.quarter): _comment(c) for c in q.commentary_of(session, [kpi.id])}
        ambitions = _links(session, [kpi.id])[kpi.id]
        published = set(q.published_quarters(session))
    actuals = {quarter: row.value for quarter, row in values.items()}
    try:
        rule = MeasureRule.from_measure(fields)
        quarters = tuple(
            KpiQuarter(
                quarter_figures(rule, quarter, actuals, profiled, forecasts=forecasts),
                None if quarter not in values else rows.actual(values[quarter]),
                comments.get(quarter),
                quarter in published,
            )
            for quarter in reversed(_quarters(latest, [*values, *profiled, *forecasts, *comments]))
        )
        trend = MeasureTrend(measure=item, points=trend_points(rule, values, profiled, None, up_to=None))
        problem = None
    except ValueError as exc:
        quarters, trend, problem = (), MeasureTrend(measure=item, points=()), str(exc)
    return KpiDetail(kpi.code, kpi.version, kpi.service, ambitions, item, quarters, trend, problem)


def _quarters(latest: Quarter, known: list[Quarter]) -> list[Quarter]:
    """The quarters a KPI's screen lists, oldest first: from its first figure to the register's quarter (or its last figure, if later)."""
    last = max([latest, *known])
    return Quarter.range(min(known) if known else last, last)


def as_sheet(measure: MeasureItem, entry: ActualEntry | None, figures: QuarterFigures, published: bool) -> SheetMeasure:
    """A KPI's quarter as the actual dialog edits it: what publishing the quarter leaves open is `domain.publishing`'s rule."""
    return SheetMeasure(
        measure=measure, entry=entry, figures=figures, profiled_target=None, trend=(),
        editable=actual_may_change(published, None if entry is None else entry.provisional),
        forecast_editable=forecast_may_change(published),
    )


def _links(session: Session, kpi_ids: list[int]) -> defaultdict[int, tuple[tuple[str, str], ...]]:
    ordered: defaultdict[int, list[tuple[bool, tuple, str, str]]] = defaultdict(list)
    for kpi_id, code, title, primary in q.ambition_links(session, kpi_ids):
        ordered[kpi_id].append((not primary, natural_key(code), code, title))
    return defaultdict(tuple, {k: tuple((code, title) for *_, code, title in sorted(v)) for k, v in ordered.items()})


def _comment(row: t.KpiCommentary) -> KpiComment:
    return KpiComment(Quarter(row.fy_start_year, row.quarter), row.text, row.author, row.version)


def _kpi(session: Session, code: str) -> tuple[t.Kpi, t.Measure]:
    found = q.kpi(session, code)
    if found is None:
        raise NotFoundError(f"no KPI with code {code!r}")
    return found


# -- the definition ----------------------------------------------------------------------------------------


def _record(values: Mapping[str, Any]) -> KpiRecord:
    """The definition as the snapshot's `[[kpis]]` record: the same rules whichever way a KPI comes in."""
    return validated(KpiRecord, {name: value for name, value in values.items() if value is not None})


def _ambition_ids(session: Session, codes: list[str]) -> list[int]:
    known = ambition_ids(session, codes)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InvalidInput([Problem("", "ambitions", code, "unknown ambition code") for code in unknown])
    return [known[code] for code in codes]


def _measure_values(record: KpiRecord) -> dict[str, Any]:
    return {name: (str(v) if isinstance(v := getattr(record, name), Quarter) else v) for name in _MEASURE_FIELDS}


def create_kpi(db: Database, values: Mapping[str, Any], *, actor: str) -> str:
    """Add a KPI (`values`: its code, name, the measure's fields, service and ambitions); its code. Audited."""
    record = _record(values)
    try:
        with db.transaction() as session:
            require(session, actor, Action.EDIT_KPIS)
            if q.kpi(session, record.code) is not None:
                raise InvalidInput([Problem("", "code", record.code, "another KPI has this code")])
            links = _ambition_ids(session, record.ambitions)
            kpi, _ = q.add_kpi(session, record.code, record.service, _measure_values(record))
            q.replace_links(session, kpi.id, links)
            audit.record(session, actor=actor, action="create", entity="kpi", key=record.code, field="name", new=record.name)
    except ConstraintViolation:
        raise InvalidInput([Problem("", "code", record.code, "another KPI has this code")]) from None
    return record.code


def edit_kpi(db: Database, code: str, values: Mapping[str, Any], *, expected_version: int, actor: str) -> str:
    """Change the KPI's definition to `values` (the whole of it, as `create_kpi` takes); its code after. Audited field by field."""
    record = _record(values)
    with db.transaction() as session:
        require(session, actor, Action.EDIT_KPIS)
        kpi, measure = _kpi(session, code)
        if record.code.lower() != kpi.code.lower() and q.kpi(session, record.code) is not None:
            raise InvalidInput([Problem("", "code", record.code, "another KPI has this code")])
        before = {"code": kpi.code, "service": kpi.service, **_measure_values(_as_record(session, kpi, measure))}
        after = {"code": record.code, "service": record.service, **_measure_values(record)}
        changes = {name: (before[name], value) for name, value in after.items() if before[name] != value}
        old_links = [a for a, _ in _links(session, [kpi.id])[kpi.id]]
        kpi_id, old_code = kpi.id, kpi.code
        update_audited(
            session, t.Kpi, kpi_id, expected_version, changes, {"code": record.code, "service": record.service},
            actor=actor, entity="kpi", key=old_code, project_id=None, audit_key=record.code,
            current=lambda: _current(session, kpi_id),
        )
        q.update_measure(session, measure.id, {**_measure_values(record), "code": record.code})
        if old_links != record.ambitions:
            q.replace_links(session, kpi_id, _ambition_ids(session, record.ambitions))
            audit.record(session, actor=actor, action="update", entity="kpi", key=record.code, field="ambitions",
                         old=", ".join(old_links), new=", ".join(record.ambitions))
    return record.code


def _as_record(session: Session, kpi: t.Kpi, measure: t.Measure) -> KpiRecord:
    return KpiRecord.model_validate({**rows.measure_fields(measure).model_dump(), "code": kpi.code, "service": kpi.service})


def _current(session: Session, kpi_id: int) -> object | None:
    """The KPI row as it is now, for a conflict (None once deleted)."""
    return next((kpi for kpi, _ in q.all_kpis(session) if kpi.id == kpi_id), None)


def delete_kpi(db: Database, code: str, *, expected_version: int, actor: str) -> None:
    """Remove the KPI with all its figures and commentary. Audited."""
    with db.transaction() as session:
        require(session, actor, Action.EDIT_KPIS)
        kpi, measure = _kpi(session, code)
        if kpi.version != expected_version:
            raise ConflictError("kpi", kpi.code, expected_version, kpi)
        name = measure.name
        q.delete_kpi(session, kpi.id)
        audit.record(session, actor=actor, action="delete", entity="kpi", key=kpi.code, field="name", old=name)


# -- a quarter's figures --------------------------------------------------------------------------------------


def _frozen(session: Session, quarter: Quarter) -> bool:
    """Whether the KPI figures of `quarter` are frozen: its KPIs are published (`services.kpi_quarters`)."""
    return q.is_quarter_published(session, quarter)


def _refusal(code: str, quarter: Quarter) -> Exception:
    return InvalidInput([Problem("", "quarter", str(quarter), f"KPI {code}'s figures for {quarter} are published and frozen: re-open the {quarter} KPIs first")])


def set_kpi_actual(
    db: Database,
    code: str,
    quarter: Quarter | str,
    value: float,
    *,
    provisional: bool = False,
    note: str | None = None,
    expected_version: int | None,
    actor: str,
) -> ActualEntry:
    """Enter or change the KPI's actual for the quarter, as a project measure's is (`write_actual`)."""
    quarter = rows.as_quarter(quarter)
    entry = validated(ActualFields, {"value": value, "provisional": provisional, "note": note})
    with db.transaction() as session:
        require(session, actor, Action.EDIT_KPIS)
        kpi, measure = _kpi(session, code)
        return write_actual(
            session, measure.id, quarter, entry, expected_version=expected_version, actor=actor,
            entity="kpi_actual", key=f"{kpi.code}@{quarter}", project_id=None,
            frozen=_frozen(session, quarter), refusal=lambda: _refusal(kpi.code, quarter),
        )


def _target_refusal(code: str, quarter: Quarter, old: float | None, new: float | None) -> Exception:
    was, now = ("none" if v is None else format_number(v) for v in (old, new))
    return InvalidInput([Problem("", "quarter", str(quarter), (
        f"KPI {code}'s target for {quarter} ({was} → {now}) is published and frozen: "
        f"re-open the {quarter} KPIs first (review mode's KPI pass, K)"
    ))])


def set_kpi_target(
    db: Database, code: str, quarter: Quarter | str, value: float | None, *, reason: str, expected_version: int, actor: str
) -> KpiTargets:
    """Profile (or, None, clear) the KPI's target for the quarter, with a reason; the targets now.

    ``expected_version``: the KPI's measure version the user saw (`KpiTargets.measure.version`).
    Refused once the quarter's KPIs are published: `reviews.targets.write_target` is the one write.
    """
    quarter = rows.as_quarter(quarter)
    reason = audit.reason_text(reason)
    value = None if value is None else rows.number(value, "target")
    latest = default_review_quarter(db)
    with db.transaction() as session:
        kpi, measure = _kpi(session, code)
        measure_id = measure.id
        write_target(
            session, measure, quarter, value, reason=reason, expected_version=expected_version, actor=actor,
            action=Action.EDIT_KPIS, project_id=None, entity="kpi_target", key=f"{kpi.code}@{quarter}",
            frozen=_frozen(session, quarter), refusal=lambda old, new: _target_refusal(kpi.code, quarter, old, new),
            current=lambda: _current_targets(session, measure_id),
        )
        return _targets(session, kpi.code, latest)


def kpi_targets(db: Database, code: str) -> KpiTargets:
    """The KPI's quarters (oldest first, as its screen shows them) with their profiled targets, and which are published."""
    latest = default_review_quarter(db)
    with db.reading() as session:
        return _targets(session, code, latest)


def _targets(session: Session, code: str, latest: Quarter) -> KpiTargets:
    kpi, measure = _kpi(session, code)
    measure = figures_q.measure_by_id(session, measure.id) or measure  # as it is now: a write in this session moved its version
    item = MeasureItem(id=measure.id, version=measure.version, fields=rows.measure_fields(measure), parent_kind="kpi", parent_code=kpi.code)
    profiled = rows.figures_by_measure(figures_q.measure_targets(session, [measure.id]))[measure.id]
    known = [
        *(Quarter(row.fy_start_year, row.quarter) for row in figures_q.measure_values(session, measure.id)),
        *profiled,
        *rows.figures_by_measure(figures_q.measure_forecasts(session, [measure.id]))[measure.id],
        *(Quarter(c.fy_start_year, c.quarter) for c in q.commentary_of(session, [kpi.id])),
    ]
    targets = tuple((quarter, profiled.get(quarter)) for quarter in _quarters(latest, known))
    return KpiTargets(kpi.code, item, targets, frozenset(q.published_quarters(session)))


def _current_targets(session: Session, measure_id: int) -> object | None:
    """The KPI's measure as it is now, for a conflict (None once deleted)."""
    measure = figures_q.measure_by_id(session, measure_id)
    return None if measure is None else rows.measure_fields(measure)


def set_kpi_forecast(db: Database, code: str, quarter: Quarter | str, value: float | None, *, seen: float | None, actor: str) -> float | None:
    """Enter, change or (None) clear the year-end forecast made in the quarter, as a project measure's is (`write_forecast`)."""
    quarter = rows.as_quarter(quarter)
    value = None if value is None else rows.number(value, "forecast")
    with db.transaction() as session:
        require(session, actor, Action.EDIT_KPIS)
        kpi, measure = _kpi(session, code)
        return write_forecast(
            session, measure.id, quarter, value, seen=seen, actor=actor, entity="kpi_forecast", key=f"{kpi.code}@{quarter}",
            project_id=None, frozen=_frozen(session, quarter), refusal=lambda: _refusal(kpi.code, quarter),
        )


def set_kpi_commentary(
    db: Database, code: str, quarter: Quarter | str, text: str | None, *, expected_version: int | None, actor: str
) -> KpiComment | None:
    """Write (or, blank, remove) the owner's commentary on the quarter; the commentary now. `expected_version`: None for new."""
    quarter = rows.as_quarter(quarter)
    text = (validated(CommentaryFields, {"text": text}).text or "").strip()
    with db.transaction() as session:
        require(session, actor, Action.EDIT_KPIS)
        kpi, _ = _kpi(session, code)
        key = f"{kpi.code}@{quarter}"
        if _frozen(session, quarter):  # a review's own text freezes as a whole, so commentary has no provisional state
            raise _refusal(kpi.code, quarter)
        row = q.commentary_row(session, kpi.id, quarter)
        if expected_version is None and row is not None:
            raise ConflictError("kpi_commentary", key, 0, _comment(row))
        if expected_version is not None and (row is None or row.version != expected_version):
            raise ConflictError("kpi_commentary", key, expected_version, None if row is None else _comment(row))
        if row is None:
            if not text:
                return None
            row = q.add_commentary(session, kpi.id, quarter, text, actor)
            audit.record(session, actor=actor, action="create", entity="kpi_commentary", key=key, field="text", new=text)
            return _comment(row)
        if row.text == text:
            return _comment(row)
        old, row_id = row.text, row.id
        if not text:
            session.delete(row)
            audit.record(session, actor=actor, action="delete", entity="kpi_commentary", key=key, field="text", old=old)
            return None
        update_audited(
            session, t.KpiCommentary, row_id, row.version, {"text": (old, text)}, {"text": text, "author": actor, "updated_at": t.utcnow()},
            actor=actor, entity="kpi_commentary", key=key, project_id=None,
            current=lambda: q.commentary_row(session, kpi.id, quarter),
        )
        return _comment(q.commentary_row(session, kpi.id, quarter))
