"""Trees over a Benefits Review Plan: the items editor's tree and the benefits map.

Both hold `Ref`s as node data, so the editor's actions work on whichever
tree has the cursor. Labels are `Text` built from parts: a code or title
like `[red]x` is shown as typed. A break in the chain carries a symbol (⚠)
as well as a colour.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from projtui.domain.enums import Direction
from projtui.domain.formatting import format_number, format_pounds
from projtui.domain.measures import Outlook, RealisationForecast
from projtui.domain.plan_map import BenefitsMap, MapNode
from projtui.services.read_models import Item, MeasureItem, PlanView

BREAK = "⚠"
KIND_TITLES = {"output": "Outputs", "outcome": "Outcomes", "benefit": "Benefits"}
KIND_MARKS = {"output": "▪", "outcome": "◇", "benefit": "★", "measure": "·"}
_DIRECTION_MARKS = {Direction.HIGHER: "↑", Direction.LOWER: "↓", Direction.RANGE: "↔", Direction.NONE: "~"}


@dataclass(frozen=True)
class Ref:
    """What a tree node stands for: an item (kind and id) or a section heading (kind "section")."""

    kind: str
    id: int | None = None
    section: str | None = None  # for section headings: the kind of item listed

    @property
    def key(self) -> tuple:
        return (self.kind, self.id, self.section)


def _fit(kind: str, code: str, title: str, suffix: Text, room: int | None) -> Text:
    """`▪ CODE  title  suffix`, the title shortened with … so the suffix (links, a break) stays in view."""
    text = Text(KIND_MARKS.get(kind, " ") + " ", style="dim")
    text.append(code, style="bold")
    text.append("  ")
    shown = Text(title)
    if room is not None:
        spare = room - text.cell_len - suffix.cell_len
        shown.truncate(max(spare, 12), overflow="ellipsis")
    text.append_text(shown)
    text.append_text(suffix)
    return text


def _break(problem: str) -> Text:
    return Text(f"  {BREAK} {problem}", style="bold yellow")


def measure_label(measure: MeasureItem, room: int | None = None, trend: RealisationForecast | None = None) -> Text:
    """`▪ M1  name  unit ↓ target 12`, then where its trend is heading and the verdict.

    Only once there are quarters enough for a trend: the tree has no room to
    say "too few quarters" on every new measure; review mode and the report do.
    """
    fields = measure.fields
    details = []
    if fields.unit:
        details.append(fields.unit)
    details.append(_DIRECTION_MARKS[fields.direction])
    if fields.direction is Direction.NONE:
        details.append("activity")
    elif fields.target is None:
        details.append("monitor only")
    elif fields.direction is Direction.RANGE and fields.target_max is not None:
        details.append(f"target {format_number(fields.target)}–{format_number(fields.target_max)}")
    else:
        details.append(f"target {format_number(fields.target)}")
    suffix = Text("  " + " ".join(details), style="dim")
    # With no theme colours to hand in a tree, a miss stands out in bold and the rest reads as detail.
    if trend is not None and trend.value is not None:
        suffix.append(f"  trend {format_number(trend.value)} by {trend.horizon}", style="dim")
        if trend.outlook is not Outlook.NO_TARGET:
            suffix.append(f" {trend.outlook.symbol} {trend.outlook.label.lower()}", style="bold" if trend.will_miss else "dim")
    return _fit("measure", fields.code or "?", fields.name, suffix, room)


def item_label(kind: str, item: Item, *, problem: str | None = None, room: int | None = None) -> Text:
    fields = item.fields
    suffix = Text()
    if kind == "benefit":
        extras = []
        if getattr(fields, "disbenefit", False):
            extras.append("dis-benefit")
        value = getattr(fields, "full_year_value_pence", None)
        if value:
            extras.append(f"{format_pounds(value)}/yr")
        if extras:
            suffix.append("  " + " · ".join(extras), style="dim")
    if item.links:
        suffix.append("  → " + ", ".join(item.links), style="dim")
    if problem:
        suffix.append_text(_break(problem))
    return _fit(kind, fields.code, fields.title, suffix, room)


class Room:
    """How many cells a label has at a depth of the tree (None: as many as it needs)."""

    def __init__(self, width: int | None, guide_depth: int) -> None:
        self.width = width
        self.guide_depth = guide_depth

    def at(self, depth: int, *, branch: bool) -> int | None:
        if not self.width:
            return None
        return self.width - depth * self.guide_depth - (2 if branch else 0) - 1


class PlanTree(Tree[Ref]):
    """A tree of plan nodes that keeps the cursor and the folds across reloads."""

    _filling = False  # True while `rebuild` adds nodes

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(Text(label), id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 3

    def _invalidate(self) -> None:
        # Tree invalidates its caches and asks for a layout on every node added: a large
        # plan's map adds hundreds, so while refilling that is done once, at the end.
        if not self._filling:
            super()._invalidate()

    def process_label(self, label) -> Text:
        # Our labels are one-line Text already: skip Tree's copy-and-split of each.
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def walk(self) -> Iterator[TreeNode[Ref]]:
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def find(self, ref: Ref) -> TreeNode[Ref] | None:
        return next((node for node in self.walk() if node.data is not None and node.data.key == ref.key), None)

    def rebuild(self, fill) -> None:
        """Clear and refill with `fill(root)`, keeping the cursor on the same record and folded nodes folded."""
        current = self.cursor_node.data if self.cursor_node is not None else None
        line = self.cursor_line
        folded = {node.data.key for node in self.walk() if node.data is not None and node.allow_expand and not node.is_expanded}
        self.clear()
        self._filling = True
        try:
            fill(self.root)  # adds every branch expanded
            for node in self.walk():
                if node.children and node.data is not None and node.data.key in folded:
                    node.collapse()
        finally:
            self._filling = False
        self._invalidate()
        self.restore(current, line)

    def restore(self, ref: Ref | None, line: int = 0) -> None:
        last = self.last_line  # lays the lines out, so nodes know their line
        target = self.find(ref) if ref is not None else None
        if target is not None:
            self.move_cursor(target)
        elif last >= 0:
            self.cursor_line = max(0, min(line, last))


def fill_items(root: TreeNode[Ref], plan: PlanView, problems: dict[tuple[str, int], str], room: Room | None = None) -> None:
    """The editor's tree: a section per kind, measures under their outcome or benefit."""
    room = room or Room(None, 3)
    measures: dict[tuple[str, str], list[MeasureItem]] = {}
    for measure in plan.measures:
        measures.setdefault((measure.parent_kind, measure.parent_code), []).append(measure)
    for kind, items in (("output", plan.outputs), ("outcome", plan.outcomes), ("benefit", plan.benefits)):
        heading = Text(KIND_TITLES[kind], style="bold")
        heading.append(f" ({len(items)})", style="dim")
        if not items:
            heading.append("  none yet: n adds one", style="dim italic")
        section = root.add(heading, data=Ref("section", section=kind), expand=True)
        for item in items:
            children = measures.get((kind, item.fields.code), []) if kind != "output" else []
            label = item_label(kind, item, problem=problems.get((kind, item.id)), room=room.at(1, branch=bool(children)))
            if children:
                node = section.add(label, data=Ref(kind, item.id), expand=True)
                for measure in children:
                    label = measure_label(measure, room.at(2, branch=False), plan.trends.get(measure.id))
                    node.add_leaf(label, data=Ref("measure", measure.id))
            else:
                section.add_leaf(label, data=Ref(kind, item.id))


def map_problems(benefits_map: BenefitsMap) -> dict[tuple[str, int], str]:
    """(kind, id) → how the chain breaks there, for labelling the editor's tree."""
    found: dict[tuple[str, int], str] = {}

    def visit(node: MapNode) -> None:
        if node.problem:
            found[(node.kind, node.id)] = node.problem
        for child in node.children:
            visit(child)

    for node in (*benefits_map.outputs, *benefits_map.unreached_outcomes, *benefits_map.unreached_benefits):
        visit(node)
    return found


def _map_label(node: MapNode, plan: PlanView, plan_measures: dict[int, MeasureItem], room: int | None) -> Text:
    if node.kind == "measure" and node.id in plan_measures:
        return measure_label(plan_measures[node.id], room, plan.trends.get(node.id))
    return _fit(node.kind, node.code, node.title, _break(node.problem) if node.problem else Text(), room)


def fill_map(root: TreeNode[Ref], benefits_map: BenefitsMap, plan: PlanView, room: Room | None = None) -> None:
    """Outputs → outcomes → benefits → measures, then what no output or outcome reaches."""
    room = room or Room(None, 3)
    measures = {measure.id: measure for measure in plan.measures}
    # The same outcome, benefit or measure shows under every output that leads to it: build
    # each label once per width (Tree copies a label before styling it, so sharing is safe).
    labels: dict[tuple[str, int, int | None], Text] = {}

    def add(parent: TreeNode[Ref], node: MapNode, depth: int) -> None:
        width = room.at(depth, branch=bool(node.children))
        label = labels.get((node.kind, node.id, width))
        if label is None:
            label = labels[(node.kind, node.id, width)] = _map_label(node, plan, measures, width)
        if node.children:
            branch = parent.add(label, data=Ref(node.kind, node.id), expand=True)
            for child in node.children:
                add(branch, child, depth + 1)
        else:
            parent.add_leaf(label, data=Ref(node.kind, node.id))

    if not (plan.outputs or plan.outcomes or plan.benefits):
        root.add_leaf(Text("No outputs, outcomes or benefits yet.", style="dim italic"))
        return
    for node in benefits_map.outputs:
        add(root, node, 0)
    if not benefits_map.outputs:
        root.add_leaf(Text("No outputs", style="dim") + _break("nothing leads to the outcomes"), data=Ref("section", section="output"))
    for title, nodes, kind in (
        ("Outcomes that no output leads to", benefits_map.unreached_outcomes, "outcome"),
        ("Benefits that no outcome leads to", benefits_map.unreached_benefits, "benefit"),
    ):
        if nodes:
            heading = Text(f"{BREAK} {title}", style="bold yellow")
            section = root.add(heading, data=Ref("section", section=kind), expand=True)
            for node in nodes:
                add(section, node, 1)
