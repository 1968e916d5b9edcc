"""Published means frozen, for an import too.

A quarter whose review is published is frozen in the app: the review and the
quarter's profiled targets change only after an audited re-open, and of its
actuals only a provisional one may still change, and none of its year-end
forecasts (`domain.publishing`). An
import that would change any of them is refused, one line a change, naming
the project, measure, quarter and both values, unless it is given a reason
to re-open (`projtui import --reopen REASON`), which is then audited with
each re-opened review.

A quarter whose KPIs are published (`[[kpi_quarters]]`) freezes their
actuals (but a provisional one), year-end forecasts, profiled targets and
commentary the same way, by the same rules; a change is refused naming the KPI, and `--reopen`
re-opens the quarter's KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from projtui.domain.enums import ReviewStatus
from projtui.domain.errors import NO_VALUE, Problem
from projtui.domain.formatting import format_number
from projtui.domain.publishing import actual_may_change, forecast_may_change, target_may_change
from projtui.domain.quarter import Quarter
from projtui.snapshot import document as doc
from projtui.snapshot.diff import measures_by_key
from projtui.snapshot.locate import LineIndex

__all__ = ["FrozenChange", "frozen_changes", "problems"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FrozenChange:
    """One change an import would make to a published quarter."""

    project: str | None  # None: a KPI's (`what` names it), frozen with the quarter's KPIs
    quarter: Quarter
    what: str  # "measure M2 actual", "measure M2 target", "review", "KPI K1 actual", "KPI K1 target"
    old: str
    new: str
    path: Path  # where in the imported file, for its line number

    def __str__(self) -> str:
        if self.project is None:
            return (
                f"{self.what} {self.quarter}: {self.old} → {self.new}: the {self.quarter} KPIs are published, "
                f"so their figures are frozen; re-open them first, or import with --reopen REASON"
            )
        return (
            f"{self.project} {self.what} {self.quarter}: {self.old} → {self.new}: the {self.quarter} review is published, "
            f"so its figures are frozen; re-open it first, or import with --reopen REASON"
        )


def frozen_changes(current: doc.Document, new: doc.Document) -> list[FrozenChange]:
    """What `new` would change in the published quarters of the projects and KPIs `current` holds."""
    existing = {project.code: project for project in current.projects}
    found = _kpis(current, new)
    for index, project in enumerate(new.projects):
        old = existing.get(project.code)
        if old is None:
            continue
        published = {r.quarter for r in old.reviews if r.status is ReviewStatus.PUBLISHED}
        if published:
            found += _reviews(old, project, published, ("projects", index))
            found += _measures(old, project, published, ("projects", index))
    return found


def _kpis(current: doc.Document, new: doc.Document) -> list[FrozenChange]:
    """Changes to the KPIs' figures, commentary or publishing in quarters whose KPIs are published."""
    published = {q.quarter: q for q in current.kpi_quarters if q.status is ReviewStatus.PUBLISHED}
    if not published:
        return []
    found = []
    for index, quarter in enumerate(new.kpi_quarters):
        was = published.get(quarter.quarter)
        if was is not None and quarter != was:
            for field in ("status", "published_by", "published_on"):
                if getattr(was, field) != getattr(quarter, field):
                    found.append(FrozenChange(None, quarter.quarter, f"KPI quarter {field}", _shown(getattr(was, field)),
                                              _shown(getattr(quarter, field)), ("kpi_quarters", index, field)))
    existing = {kpi.code: kpi for kpi in current.kpis}
    for index, kpi in enumerate(new.kpis):
        old = existing.get(kpi.code)
        if old is None or old == kpi:
            continue
        at = ("kpis", index)
        for quarter in sorted(published):
            old_actual, new_actual = _actual(old, quarter), _actual(kpi, quarter)
            if old_actual != new_actual and not actual_may_change(
                True, None if old_actual is None else old_actual[1], removing=new_actual is None
            ):
                found.append(FrozenChange(None, quarter, f"KPI {kpi.code} actual", _figure(old_actual), _figure(new_actual),
                                          (*at, "actuals", str(quarter))))
            old_forecast, new_forecast = _forecast(old, quarter), _forecast(kpi, quarter)
            if old_forecast != new_forecast and not forecast_may_change(True):
                found.append(FrozenChange(None, quarter, f"KPI {kpi.code} year-end forecast", _shown(old_forecast),
                                          _shown(new_forecast), (*at, "forecasts", str(quarter))))
            old_target, new_target = _target(old, quarter), _target(kpi, quarter)
            if old_target != new_target and not target_may_change(True):
                found.append(FrozenChange(None, quarter, f"KPI {kpi.code} target", _shown(old_target), _shown(new_target),
                                          (*at, "targets", str(quarter))))
            old_text, new_text = old.commentary.get(quarter), kpi.commentary.get(quarter)
            if old_text != new_text:  # commentary has no provisional state: frozen as a review's text is
                found.append(FrozenChange(None, quarter, f"KPI {kpi.code} commentary", _shown(old_text), _shown(new_text),
                                          (*at, "commentary", str(quarter))))
    return found


def problems(found: list[FrozenChange], *, source: str, text: str) -> list[Problem]:
    """The refusals as `file:line` problems, like every other import error."""
    lines = LineIndex(text)
    located = []
    for change in found:
        line = lines.line_of(change.path)
        located.append(Problem(source if line is None else f"{source}:{line}", "", NO_VALUE, str(change)))
    return located


def _reviews(old: doc.Project, new: doc.Project, published: set[Quarter], at: Path) -> list[FrozenChange]:
    before = {r.quarter: r for r in old.reviews}
    after = {r.quarter: (i, r) for i, r in enumerate(new.reviews)}
    found = []
    for quarter in sorted(published):
        index, review = after.get(quarter, (None, None))
        if review == before[quarter]:
            continue
        path = at if index is None else (*at, "reviews", index)
        if review is None:
            found.append(FrozenChange(new.code, quarter, "review", "published", "removed", path))
        else:
            for field in doc.ReviewFields.model_fields:
                was, now = getattr(before[quarter], field), getattr(review, field)
                if was != now:
                    found.append(FrozenChange(new.code, quarter, f"review {field}", _shown(was), _shown(now), (*path, field)))
    return found


def _measures(old: doc.Project, new: doc.Project, published: set[Quarter], at: Path) -> list[FrozenChange]:
    before, after = measures_by_key(old, new)
    paths = _measure_paths(new, at)
    found = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        path = paths[id(now)] if now is not None else at
        for quarter in sorted(published):
            old_actual, new_actual = _actual(was, quarter), _actual(now, quarter)
            if old_actual != new_actual and not actual_may_change(
                True, None if old_actual is None else old_actual[1], removing=new_actual is None
            ):
                found.append(FrozenChange(new.code, quarter, f"measure {key} actual", _figure(old_actual), _figure(new_actual),
                                          (*path, "actuals", str(quarter)) if now is not None else path))
            old_forecast, new_forecast = _forecast(was, quarter), _forecast(now, quarter)
            if old_forecast != new_forecast and not forecast_may_change(True):
                found.append(FrozenChange(new.code, quarter, f"measure {key} year-end forecast", _shown(old_forecast),
                                          _shown(new_forecast), (*path, "forecasts", str(quarter)) if now is not None else path))
            old_target, new_target = _target(was, quarter), _target(now, quarter)
            if old_target != new_target and not target_may_change(True):
                found.append(FrozenChange(new.code, quarter, f"measure {key} target", _shown(old_target), _shown(new_target),
                                          (*path, "targets", str(quarter)) if now is not None else path))
    return found


def _measure_paths(project: doc.Project, at: Path) -> dict[int, Path]:
    return {
        id(measure): (*at, attribute, i, "measures", j)
        for attribute in ("outcomes", "benefits")
        for i, parent in enumerate(getattr(project, attribute))
        for j, measure in enumerate(parent.measures)
    }


def _actual(measure: doc.Measure | None, quarter: Quarter) -> tuple[float, bool, str | None] | None:
    if measure is None or quarter not in measure.actuals:
        return None
    return measure.actuals[quarter], quarter in measure.provisional, measure.notes.get(quarter)


def _forecast(measure: doc.Measure | None, quarter: Quarter) -> float | None:
    return None if measure is None else measure.forecasts.get(quarter)


def _target(measure: doc.Measure | None, quarter: Quarter) -> float | None:
    return None if measure is None else measure.targets.get(quarter)


def _figure(actual: tuple[float, bool, str | None] | None) -> str:
    if actual is None:
        return "none"
    value, provisional, note = actual
    return format_number(value) + (" (provisional)" if provisional else "") + (f" with note {note!r}" if note else "")


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        return format_number(value)
    return repr(str(value)) if isinstance(value, str) else str(value)
