"""The benefits map: a plan's outputs → outcomes → benefits → measures, and where the chain breaks.

Pure: it reads a plan already loaded (any object shaped like `services.read_models.PlanView`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Kind = Literal["output", "outcome", "benefit", "measure"]


class PlanLike(Protocol):
    """What the map reads of a plan: its items (with `.links`) and measures (with `.parent_kind`, `.parent_code`)."""

    outputs: Sequence[Any]
    outcomes: Sequence[Any]
    benefits: Sequence[Any]
    measures: Sequence[Any]


@dataclass(frozen=True)
class MapNode:
    """One item in the chain; `problem` says how the chain breaks here, if it does."""

    kind: Kind
    id: int
    code: str
    title: str
    children: tuple[MapNode, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class BenefitsMap:
    """Outputs → outcomes → benefits → measures, and what no output or outcome reaches."""

    outputs: tuple[MapNode, ...]
    unreached_outcomes: tuple[MapNode, ...]  # no output leads to them
    unreached_benefits: tuple[MapNode, ...]  # no outcome leads to them
    breaks: tuple[str, ...]  # one line per break, e.g. "outcome OC3 leads to no benefit"

    @property
    def is_whole(self) -> bool:
        return not self.breaks


def map_plan(plan: PlanLike) -> BenefitsMap:
    """The benefits map of a plan already read (no database work)."""
    measures: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for measure in plan.measures:
        measures[(measure.parent_kind, measure.parent_code)].append(measure)

    def measure_nodes(kind: str, code: str) -> tuple[MapNode, ...]:
        return tuple(MapNode("measure", m.id, m.fields.code or "", m.fields.name) for m in measures[(kind, code)])

    benefit_nodes = {}
    breaks: list[str] = []
    for benefit in plan.benefits:
        children = measure_nodes("benefit", benefit.fields.code)
        problem = None if children else "has no measure"
        if problem:
            breaks.append(f"benefit {benefit.fields.code} {problem}")
        benefit_nodes[benefit.fields.code] = MapNode("benefit", benefit.id, benefit.fields.code, benefit.fields.title, children, problem)
    outcome_nodes = {}
    for outcome in plan.outcomes:
        led = tuple(benefit_nodes[code] for code in outcome.links if code in benefit_nodes)
        problem = None if led else "leads to no benefit"
        if problem:
            breaks.append(f"outcome {outcome.fields.code} {problem}")
        children = measure_nodes("outcome", outcome.fields.code) + led
        outcome_nodes[outcome.fields.code] = MapNode("outcome", outcome.id, outcome.fields.code, outcome.fields.title, children, problem)
    outputs = []
    for output in plan.outputs:
        led = tuple(outcome_nodes[code] for code in output.links if code in outcome_nodes)
        problem = None if led else "leads to no outcome"
        if problem:
            breaks.append(f"output {output.fields.code} {problem}")
        outputs.append(MapNode("output", output.id, output.fields.code, output.fields.title, led, problem))
    reached_outcomes = {code for output in plan.outputs for code in output.links}
    reached_benefits = {code for outcome in plan.outcomes for code in outcome.links}
    unreached_outcomes = tuple(node for code, node in outcome_nodes.items() if code not in reached_outcomes)
    unreached_benefits = tuple(node for code, node in benefit_nodes.items() if code not in reached_benefits)
    breaks += [f"no output leads to outcome {node.code}" for node in unreached_outcomes]
    breaks += [f"no outcome leads to benefit {node.code}" for node in unreached_benefits]
    return BenefitsMap(tuple(outputs), unreached_outcomes, unreached_benefits, tuple(breaks))
