"""Benefits Review Plans: the plan's own fields, its outputs, outcomes, benefits and measures, and their links.

Items are addressed by id (codes can be renamed) and guarded by their own
`version`; the plan's fields by the plan row's `version`. Every write is one
transaction with an audit row per change. Reordering changes only `position`
and does not bump versions: it loses nobody's edit.

One job a module, every name importable from here (``plans.get_plan``):

* ``plan`` - the whole plan (``get_plan``) and its own fields (``update_plan``,
  ``plan_problems``);
* ``items`` - outputs, outcomes and benefits (``get_item``, ``add_item``,
  ``update_item``, ``delete_item``), their links (``set_links``), and for any
  kind, measures too, ``move_item`` and ``deletion_impact``;
* ``measures`` - ``get_measure``, ``add_measure``, ``update_measure`` (a new
  baseline or target needs a reason: ``rated_against_changes``),
  ``move_measure``, ``delete_measure``, ``profiled_targets``;
* ``benchmarks`` - a measure's comparator sets: ``measure_benchmarks`` (with
  the measure's standing against each), ``set_benchmark``, ``remove_benchmark``;
* ``common`` - what they share: the kinds, their fields' models, code checks.

The statements they run are ``store.queries.plans``.
"""

from __future__ import annotations

from projtui.services.plans.benchmarks import (
    MeasureBenchmarks,
    measure_benchmarks,
    remove_benchmark,
    set_benchmark,
)
from projtui.services.plans.common import (
    FIELDS,
    ITEM_KINDS,
    KINDS,
    LINK_TARGET,
    ItemKind,
    Kind,
    ParentKind,
)
from projtui.services.plans.items import (
    add_item,
    delete_item,
    deletion_impact,
    get_item,
    move_item,
    set_links,
    update_item,
)
from projtui.services.plans.measures import (
    RATED_AGAINST,
    ProfiledTargets,
    add_measure,
    delete_measure,
    get_measure,
    move_measure,
    profiled_targets,
    rated_against_changes,
    update_measure,
)
from projtui.services.plans.plan import get_plan, plan_problems, update_plan

__all__ = [
    "FIELDS", "ITEM_KINDS", "KINDS", "LINK_TARGET", "RATED_AGAINST",
    "ItemKind", "Kind", "MeasureBenchmarks", "ParentKind", "ProfiledTargets",
    "add_item", "add_measure", "delete_item", "delete_measure", "deletion_impact",
    "get_item", "get_measure", "get_plan", "measure_benchmarks", "move_item", "move_measure", "plan_problems",
    "profiled_targets", "rated_against_changes", "remove_benchmark", "set_benchmark", "set_links", "update_item",
    "update_measure", "update_plan",
]
