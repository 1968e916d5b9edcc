"""The quarterly review: actuals, profiled targets, project reviews, and what they add up to.

Review mode calls these, one small transaction per saved step, so an
interrupted session loses nothing that was saved. One job a module:

* ``quarter`` - which quarter is under review (``default_review_quarter``);
* ``queue`` - the projects to step through (``review_queue``, filtered by
  ambition, lead, service and stage), ``review_progress`` ("5 of 16
  reviewed"), ``review_filter_options`` for the pickers;
* ``sheet`` - one project in one quarter (``review_sheet``): its review,
  each measure's figures (``domain.measures.quarter_figures``, as the
  report's) and the benefits roll-up;
* ``publishing`` - ``save_review`` (draft), ``publish_review``, ``reopen_review``;
* ``actuals`` - ``set_actual`` / ``clear_actual``;
* ``forecasts`` - ``set_forecast``: the owner's year-end forecast;
* ``targets`` - ``set_profiled_target`` / ``clear_profiled_target`` and
  ``update_measure_baseline_or_target`` (these need a reason);
* ``history`` - ``measure_trend``, ``rag_history``, ``project_reviews``;
* ``models`` - the frozen records all of these return; ``rows`` - what they share.

The statements they run are ``store.queries.reviews``. The rules
(DESIGN.md, "Domain rules from the benefits-management canon") are the
domain's: published reviews are frozen until re-opened with a reason, and
so are their actuals except provisional ones; "previous RAG" comes from the
previous *published* review; baselines and targets change only with a
reason; a benefit's measures are expected from the start of its
realisation window or their first actual.

Names are imported from their module when first used (``reviews.review_sheet``
works as before): the portfolio's first screen reads ``quarter`` before
SQLAlchemy is loaded, and importing this package must not load it.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "default_review_quarter": "quarter",
    "latest_quarter": "quarter",
    "DEFAULT_STAGES": "queue",
    "review_filter_options": "queue",
    "review_progress": "queue",
    "review_queue": "queue",
    "get_review": "sheet",
    "review_sheet": "sheet",
    "publish_review": "publishing",
    "reopen_review": "publishing",
    "save_review": "publishing",
    "clear_actual": "actuals",
    "set_actual": "actuals",
    "set_forecast": "forecasts",
    "UNSET": "targets",
    "clear_profiled_target": "targets",
    "set_profiled_target": "targets",
    "update_measure_baseline_or_target": "targets",
    "measure_trend": "history",
    "project_reviews": "history",
    "rag_history": "history",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
