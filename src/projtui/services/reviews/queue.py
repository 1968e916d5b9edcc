"""Review mode's list for a quarter: which projects, where each review stands, and how far the round has got."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from projtui.domain.cadence import is_due
from projtui.domain.enums import BenefitStatus, Rag, Stage
from projtui.domain.measures import reporting_started
from projtui.domain.quarter import Quarter
from projtui.domain.rag import rag_or_not_set
from projtui.services.read_models import NO_AMBITION
from projtui.services.reviews.models import (
    QueueEntry,
    ReviewFilterOptions,
    ReviewProgress,
    ReviewState,
)
from projtui.services.reviews.rows import as_quarter
from projtui.store.database import Database
from projtui.store.queries import reviews as q

__all__ = ["DEFAULT_STAGES", "POST_PROJECT_STAGES", "review_filter_options", "review_progress", "review_queue"]

# Projects review mode lists unless asked otherwise. Closed projects' benefits
# are followed in the post-project review, not the quarterly project review;
# a project of any stage that already has a review for the quarter is listed.
DEFAULT_STAGES: frozenset[Stage] = frozenset(Stage) - {Stage.CLOSED, Stage.CANCELLED}
# Benefits outlive their project: a closed project stays in review mode, as its
# post-project benefits review, while any benefit is still to be realised.
POST_PROJECT_STAGES: frozenset[Stage] = frozenset(stage for stage in Stage if stage.post_project)
_OPEN_BENEFITS = frozenset(status.value for status in BenefitStatus if status.still_to_realise)


def review_filter_options(db: Database) -> ReviewFilterOptions:
    """The ambitions, leads and services review mode can filter by."""
    with db.reading() as session:
        ambitions = q.ambition_choices(session)
        leads = q.distinct_values(session, "lead")
        services = q.distinct_values(session, "service")
    return ReviewFilterOptions(
        ambitions=tuple(ambitions),
        leads=tuple(sorted((x for x in leads if x.strip()), key=str.casefold)),
        services=tuple(sorted((x for x in services if x.strip()), key=str.casefold)),
    )


def review_queue(
    db: Database,
    quarter: Quarter | str,
    *,
    ambition: str | None = None,
    lead: str | None = None,
    service: str | None = None,
    stages: Collection[Stage] | None = None,
    stage: Stage | None = None,
) -> list[QueueEntry]:
    """The projects to review for the quarter, by code, with where each review stands.

    ``ambition`` is an ambition code (any link, primary or not) or
    ``read_models.NO_AMBITION``; ``lead`` and ``service`` match exactly,
    ignoring case. ``stages`` defaults to ``DEFAULT_STAGES`` (all but closed
    and cancelled); a project that already has a review for the quarter is
    listed whatever its stage, and a closed one while any of its benefits is
    still to be realised (its post-project benefits review). ``stage``, when
    given, keeps only the projects at that stage (review mode's filter). A few bulk queries, whatever the number of
    projects.
    """
    quarter = as_quarter(quarter)
    stages = DEFAULT_STAGES if stages is None else frozenset(Stage(s) for s in stages)
    with db.reading() as session:
        projects, chosen = q.queue_projects(
            session, quarter, stages={s.value for s in stages}, ambition=None if ambition == NO_AMBITION else ambition,
            no_ambition=ambition == NO_AMBITION, lead=lead, service=service,
            post_project={s.value for s in POST_PROJECT_STAGES}, open_benefits=_OPEN_BENEFITS,
            only_stage=None if stage is None else Stage(stage).value,
        )
        current = q.reviews_by_project(session, quarter, chosen)
        previous = q.previous_published_by_project(session, quarter, chosen)
        due, entered = _measure_counts(q.measure_status_rows(session, quarter, chosen), quarter)
    return [
        QueueEntry(
            project_id=p.id, code=p.code, name=p.name, stage=Stage(p.stage), lead=p.lead, service=p.service,
            primary_ambition=p.ambition, quarter=quarter,
            state=ReviewState(current[p.id].status) if p.id in current else ReviewState.NONE,
            review_version=current[p.id].version if p.id in current else None,
            rag=rag_or_not_set(current[p.id].rag) if p.id in current else Rag.NOT_SET,
            previous_rag=rag_or_not_set(previous[p.id].rag) if p.id in previous else None,
            previous_quarter=Quarter(previous[p.id].fy_start_year, previous[p.id].quarter) if p.id in previous else None,
            measures_due=due.get(p.id, 0), measures_entered=entered.get(p.id, 0),
        )
        for p in projects
    ]


def _measure_counts(rows, quarter: Quarter) -> tuple[dict[int, int], dict[int, int]]:
    """Per project: measures expected this quarter, and how many of those have an actual."""
    due: dict[int, int] = defaultdict(int)
    entered: dict[int, int] = defaultdict(int)
    for project_id, frequency, realisation_start, has_now, has_so_far in rows:
        started = bool(has_so_far) or reporting_started(quarter, None, Quarter.from_label(realisation_start))
        if is_due(frequency, quarter.quarter) and started:
            due[project_id] += 1
            entered[project_id] += bool(has_now)
    return due, entered


def review_progress(
    db: Database,
    quarter: Quarter | str,
    *,
    ambition: str | None = None,
    lead: str | None = None,
    service: str | None = None,
    stages: Collection[Stage] | None = None,
    stage: Stage | None = None,
) -> ReviewProgress:
    """ "n of m reviewed" for the same projects ``review_queue`` lists (``reviewed, total = ...`` unpacks).

    A screen that already holds the queue can use ``ReviewProgress.of(entries)`` instead.
    """
    return ReviewProgress.of(review_queue(db, quarter, ambition=ambition, lead=lead, service=service, stages=stages, stage=stage))
