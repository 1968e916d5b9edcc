"""The portfolio's "benefits on track" column, and the quarter it is judged at.

Its statements are plain SQL in `store.queries.portfolio_benefits`, so the
column fills in on the first screen without SQLAlchemy. The rules are the
domain's (`domain.status`), the same the review sheet and the report use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from projtui.domain.measures import RULE_FIELDS, MeasureRule, OnTrackCount, benefit_on_track, measure_status, reporting_started, rollup_counts
from projtui.domain.quarter import Quarter
from projtui.services.reviews.quarter import default_review_quarter
from projtui.store.database import Database
from projtui.store.queries import portfolio_benefits as q
from projtui.store.queries.plain import chunks



def benefits_on_track(db: Database, project_ids: Iterable[int], quarter: Quarter | None = None) -> dict[int, OnTrackCount]:
    """For each given project: its benefits on track in the quarter, e.g. 3/4.

    The quarter defaults to ``default_review_quarter`` so every row on the
    portfolio is judged at the same point. Each benefit rolls up its
    measures' statuses for that quarter (``domain.status.benefit_on_track``):
    cadence and tolerance honoured, a due measure with no actual counts
    against the benefit, and a benefit with nothing to assess (all measures
    not due or monitor only, or none) is left out of the "of" figure. A
    measure is expected from its benefit's realisation start, or its first
    actual if earlier (``reporting_started``). Only the projects asked for
    are read, a few bulk queries per 500 of them.
    """
    ids = sorted(set(project_ids))
    if not ids:
        return {}
    quarter = default_review_quarter(db) if quarter is None else quarter
    benefits: dict[int, list[int]] = defaultdict(list)  # project -> benefit ids
    starts: dict[int, Quarter | None] = {}  # benefit -> realisation start
    measures: dict[int, list[tuple[int, MeasureRule | None]]] = defaultdict(list)  # benefit -> (measure, rule)
    for chunk in chunks(ids):
        for benefit_id, project_id, start in q.benefits(db, chunk):
            benefits[project_id].append(benefit_id)
            starts[benefit_id] = Quarter.from_label(start)
        for measure_id, benefit_id, *rule in q.benefit_measures(db, chunk, RULE_FIELDS):
            measures[benefit_id].append((measure_id, _rule(rule)))
    actual_now, started, profiled = _figures(db, sorted(m for ms in measures.values() for m, _ in ms), quarter)
    result: dict[int, OnTrackCount] = {}
    for project_id in ids:
        per_benefit = []
        for benefit_id in benefits.get(project_id, ()):
            statuses = []
            for measure_id, rule in measures.get(benefit_id, ()):
                if rule is None:
                    continue  # a measure whose rule cannot be read rates nothing (`projtui check` reports it)
                try:
                    statuses.append(
                        measure_status(
                            rule, quarter, {quarter: actual_now.get(measure_id)},
                            {quarter: profiled[measure_id]} if measure_id in profiled else {},
                            started=measure_id in started or reporting_started(quarter, None, starts.get(benefit_id)),
                        )
                    )
                except ValueError:
                    continue
            per_benefit.append(benefit_on_track(statuses))
        result[project_id] = rollup_counts(per_benefit)
    return result


def _figures(db: Database, measure_ids: list[int], quarter: Quarter) -> tuple[dict[int, float], set[int], dict[int, float]]:
    """The measures' actuals in the quarter, which have an actual in or before it, and their profiled targets."""
    actual_now: dict[int, float] = {}
    started: set[int] = set()
    profiled: dict[int, float] = {}
    for chunk in chunks(measure_ids):
        now, since, targets = q.measure_values_in_quarter(db, chunk, quarter.fy_start_year, quarter.quarter)
        actual_now.update(now)
        started.update(since)
        profiled.update(targets)
    return actual_now, started, profiled


def _rule(values: list) -> MeasureRule | None:
    try:
        return MeasureRule(**dict(zip(RULE_FIELDS, values, strict=True)))
    except ValueError:
        return None

