"""The golden thread: each Council Plan ambition with its priorities and the projects serving it, the retired
ambitions in a group of their own, and the projects linked to none; the Council Plan is managed from here too
(`ui/screens/council_plan.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from projtui.domain.enums import PIPELINE_MAY_WAIT
from projtui.domain.formatting import plural
from projtui.services.golden_thread import ThreadGroup, golden_thread
from projtui.services.read_models import (
    NO_AMBITION,
    AmbitionSummary,
    PriorityItem,
    ThreadProject,
)
from projtui.ui.screens.ambition_picker import AmbitionLinking
from projtui.ui.screens.council_plan import CouncilPlanEditing
from projtui.ui.widgets.acting_header import ActingHeader
from projtui.ui.widgets.project_columns import stage_label
from projtui.ui.worker_failures import WorkerFailures

GROUP_LIMIT = 2_000  # projects listed per ambition; the rest are a filter away in the portfolio


@dataclass(frozen=True)
class NodeData:
    kind: str  # "ambition", "priorities" (their folder), "priority", "project", "more" or "retired" (the retired ambitions' heading)
    ambition: str | None  # the group's ambition code; None = linked to no ambition
    project: ThreadProject | None = None
    priority: PriorityItem | None = None


class GoldenThreadScreen(WorkerFailures, AmbitionLinking, CouncilPlanEditing, Screen[None]):
    """Ambitions → priorities and projects; link and unlink, and manage the Council Plan, from here."""

    CSS_PATH = "ambitions.tcss"
    HELP_TITLE = "Golden thread"
    HELP_NOTES = (
        "★ marks the project's primary ambition; a project appears under every ambition it serves.",
        "A project may be linked to no ambition only while it is in the pipeline.",
        "n adds an ambition, p a priority to the ambition under the cursor; e edits the ambition or priority under the cursor; "
        "K and J (or ctrl+up, ctrl+down) move it up or down the plan.",
        "d deletes an ambition no project links to (its priorities go with it); one that projects link to is retired instead: "
        "kept with its links for history, listed under Retired ambitions, offered no more for new links. r restores it.",
        "N starts a new Council Plan: name its period, and retire the old plan's ambitions in one step if you choose.",
    )

    BINDINGS: ClassVar = [
        Binding("escape", "back", "Back", tooltip="Back to the portfolio", id="thread.back"),
        Binding("l", "link_ambitions", "Link ambitions", tooltip="Link the project to ambitions, mark the primary", id="thread.link"),
        Binding("o", "open_project", "Open project", id="thread.open"),
        Binding("f", "show_in_portfolio", "In portfolio", tooltip="Show this ambition's projects in the portfolio", id="thread.portfolio"),
        Binding("n", "new_ambition", "New ambition", tooltip="Add a Council Plan ambition", id="thread.new_ambition"),
        Binding("p", "new_priority", "New priority", tooltip="Add a priority to the ambition under the cursor", id="thread.new_priority", show=False),
        Binding("e", "edit_plan_item", "Edit", tooltip="Edit the ambition or priority under the cursor", id="thread.edit"),
        Binding("d", "delete_plan_item", "Delete", tooltip="Delete it, or retire an ambition projects link to", id="thread.delete"),
        Binding("r", "restore_ambition", "Restore", tooltip="Restore a retired ambition", id="thread.restore", show=False),
        Binding("K,ctrl+up", "move_plan_item(-1)", "Move up", id="thread.move_up", show=False),
        Binding("J,ctrl+down", "move_plan_item(1)", "Move down", id="thread.move_down", show=False),
        Binding("N", "new_plan", "New plan", tooltip="Start a new Council Plan period", id="thread.new_plan", show=False),
        Binding("plus", "expand_all", "Expand all", id="thread.expand", show=False),
        Binding("c", "collapse_all", "Collapse all", id="thread.collapse", show=False),
        Binding("f5,ctrl+r", "reload", "Reload", id="thread.reload", show=False),
    ]

    def __init__(self, *, add_ambition: bool = False) -> None:
        super().__init__(id="golden-thread")
        self._add_ambition = add_ambition  # open the new-ambition form once the screen is up
        self.title = "Golden thread"
        self.groups: list[ThreadGroup] = []
        self._request = 0
        self._code_width = 5
        self._reload_on_resume = False
        self._return_to: tuple[str | None, str | None] | None = None  # (ambition, project or priority) to put the cursor back on

    def compose(self) -> ComposeResult:
        yield ActingHeader()
        yield Static("Reading the golden thread…", id="thread-summary")
        tree: Tree[NodeData] = Tree("Council Plan", id="thread")
        tree.show_root = False
        tree.guide_depth = 3
        yield tree
        yield Static("", id="thread-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.app.sub_title
        self.query_one(Tree).focus()
        self.load()
        if self._add_ambition:
            self.action_new_ambition()

    @property
    def thread_tree(self) -> Tree[NodeData]:
        return self.query_one("#thread", Tree)

    # -- loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        self._request += 1
        self._read(self._request)

    @work(thread=True, exclusive=True, group="thread-load", exit_on_error=False)
    def _read(self, request: int) -> None:
        worker = get_current_worker()
        db: Any = self.app.db  # type: ignore[attr-defined]
        try:
            groups = golden_thread(db, limit_per_group=GROUP_LIMIT)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.app.notify(str(exc), title="Could not read the golden thread", severity="error", markup=False)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, request, groups)

    def _show(self, request: int, groups: list[ThreadGroup]) -> None:
        if request != self._request:
            return  # a newer read is on its way
        self.groups = groups
        self._code_width = max((len(p.code) for g in groups for p in g.projects), default=5)
        tree = self.thread_tree
        keep = self._return_to or self._cursor_key()
        self._return_to = None
        expanded = {node.data.ambition for node in self._group_nodes() if node.is_expanded} if tree.root.children else None
        priorities_open = {
            child.data.ambition for node in self._group_nodes() for child in node.children if child.data.kind == "priorities" and child.is_expanded
        }
        tree.clear()
        linked_codes = {p.code for g in groups if g.ambition is not None for p in g.projects}
        ambitions = [g for g in groups if g.ambition is not None and not g.ambition.retired]
        retired = [g for g in groups if g.ambition is not None and g.ambition.retired]
        small = sum(g.total for g in groups) <= 400
        target: TreeNode[NodeData] | None = None

        def add(parent: TreeNode[NodeData], group: ThreadGroup) -> None:
            nonlocal target
            code = group.ambition.code if group.ambition else None
            node = parent.add(self._group_label(group), data=NodeData("ambition", code))
            if group.priorities:
                # One folded line an ambition: the projects stay in view; Enter or → opens it.
                folder = node.add(Text(f"◆ {plural(len(group.priorities), 'priority', 'priorities')}", style="dim"), data=NodeData("priorities", code))
                for priority in group.priorities:
                    leaf = folder.add_leaf(self._priority_label(priority), data=NodeData("priority", code, priority=priority))
                    if keep == (code, priority.code):
                        target = leaf
                if code in priorities_open or (target is not None and target.parent is folder):
                    folder.expand()
            for project in group.projects:
                leaf = node.add_leaf(self._project_label(project, unlinked=group.ambition is None), data=NodeData("project", code, project))
                if keep and keep[1] == project.code and (target is None or keep[0] == code):
                    target = leaf
            if group.more:
                node.add_leaf(
                    Text(f"… and {group.more:,} more: press f to see them all in the portfolio", style="italic"),
                    data=NodeData("more", code),
                )
            if keep and keep[1] is None and keep[0] == code and target is None:
                target = node
            open_it = (code in expanded) if expanded is not None else (small or group.ambition is None)
            if open_it or (target is not None and node in (target.parent, target.parent.parent if target.parent else None)):
                node.expand()

        for group in ambitions:
            add(tree.root, group)
        if retired:
            # Kept for history, apart from the plan in use: their links stay readable here.
            label = Text.assemble(("Retired ambitions", "bold dim"), (f"  {len(retired)} from plans before", "dim"))
            heading = tree.root.add(label, data=NodeData("retired", None))
            for group in retired:
                add(heading, group)
            heading.expand()
        for group in groups:
            if group.ambition is None:
                add(tree.root, group)
        unlinked = sum(g.total for g in groups if g.ambition is None)
        summary = Text(" ")
        summary.append(plural(len(ambitions), "ambition", "ambitions"), style="bold")
        if retired:
            summary.append(f" (+{len(retired)} retired)", style="dim")
        summary.append("  ·  ")
        # The count bold and, when a group was cut short, "+" for more not loaded: "1 linked project", "1,000+ linked projects".
        count, words = plural(len(linked_codes), "linked project").split(" ", 1)
        summary.append(count + ("+" if any(g.more for g in groups if g.ambition is not None) else ""), style="bold")
        summary.append(f" {words}  ·  ")
        summary.append(f"{unlinked:,}", style="bold")
        summary.append(" linked to no ambition  ·  ★ primary ambition")
        self.query_one("#thread-summary", Static).update(summary)
        if target is not None:
            self.call_after_refresh(self._put_cursor, target)
        self._describe(target or (tree.root.children[0] if tree.root.children else None))

    def _put_cursor(self, target: TreeNode[NodeData], tries: int = 5) -> None:
        """Move the cursor to a node of the rebuilt tree; until the tree has laid out its new lines the node has
        no line to move to, so try again after the next refresh."""
        tree = self.thread_tree
        tree.move_cursor(target)
        if tree.cursor_node is not target and tries:
            self.call_after_refresh(self._put_cursor, target, tries - 1)

    def _group_nodes(self) -> list[TreeNode[NodeData]]:
        """Every ambition's node (retired ones under their heading) and the "linked to no ambition" one."""
        nodes = []
        for node in self.thread_tree.root.children:
            nodes.extend(node.children if node.data and node.data.kind == "retired" else [node])
        return nodes

    def _group_label(self, group: ThreadGroup) -> Text:
        if group.ambition is None:
            text = Text("Linked to no ambition", style="bold")
            text.append(f"  {plural(group.total, 'project', 'projects')}", style="dim")
            if any(project.stage.needs_ambition for project in group.projects):
                text.append("  golden-thread gap", style="italic")
            elif group.total:
                text.append("  in the pipeline", style="italic")
            return text
        retired = group.ambition.retired
        text = Text(group.ambition.code, style="dim" if retired else "bold")
        text.append(" ")
        text.append(group.ambition.title, style="dim" if retired else "bold")
        text.append(f"  {plural(group.total, 'project', 'projects')}", style="dim")
        if retired:
            text.append("  retired", style="italic")
        return text

    def _priority_label(self, priority: PriorityItem) -> Text:
        text = Text("◆ ", style="dim")
        text.append(priority.code, style="dim bold")
        text.append(" ")
        text.append(" ".join(priority.title.split()), style="dim")
        return text

    def _project_label(self, project: ThreadProject, *, unlinked: bool) -> Text:
        text = Text("★ " if project.is_primary else "  ", style="bold")
        text.append(project.code.ljust(self._code_width), style="bold")
        text.append("  ")
        text.append(stage_label(project.stage).ljust(10), style="dim")
        text.append("  ")
        if unlinked and project.stage.needs_ambition:
            text.append("⚠ needs an ambition  ", style="bold")
        text.append(" ".join(project.name.split()))
        return text

    def _cursor_key(self) -> tuple[str | None, str | None] | None:
        node = self.thread_tree.cursor_node
        if node is None or node.data is None:
            return None
        data = node.data
        if data.kind == "retired":
            return None
        if data.kind == "priorities":
            return (data.ambition, None)
        return (data.ambition, data.project.code if data.project else data.priority.code if data.priority else None)

    # -- the selected node ----------------------------------------------------------------------------

    @on(Tree.NodeHighlighted, "#thread")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._describe(event.node)

    def _describe(self, node: TreeNode[NodeData] | None) -> None:
        detail = self.query_one("#thread-detail", Static)
        data = node.data if node is not None else None
        if data is None:
            detail.update("")
            return
        text = Text(" ")
        if data.kind == "project" and data.project is not None:
            project = data.project
            links = [g.ambition.code for g in self.groups if g.ambition and any(p.code == project.code for p in g.projects)]
            primary = next((g.ambition.code for g in self.groups if g.ambition and any(p.code == project.code and p.is_primary for p in g.projects)), None)
            text.append(project.code, style="bold")
            text.append("  ")
            text.append(project.name)
            text.append(f"  ·  {stage_label(project.stage)}", style="dim")
            text.append("  ·  ")
            if links:
                text.append("serves " + ", ".join(f"{c}{' ★' if c == primary else ''}" for c in links))
            elif project.stage.needs_ambition:
                text.append(f"linked to no ambition: at stage {stage_label(project.stage)} it must be linked to one (press l)", style="bold")
            else:
                text.append(f"linked to no ambition yet: {PIPELINE_MAY_WAIT} (press l)")
        elif data.kind == "priority" and data.priority is not None:
            text.append(data.priority.code, style="bold")
            text.append("  ")
            text.append(" ".join((data.priority.description or data.priority.title).split()))
            text.append(f"  ·  a priority of {data.ambition}: e edits, d deletes, K/J move it", style="dim")
        elif data.kind == "priorities":
            text.append(f"The priorities of {data.ambition}: Enter opens them; p adds one.")
        elif data.kind == "retired":
            text.append("Ambitions of plans before: their links stay readable; none is offered for new links. r restores one.")
        elif data.kind == "ambition":
            group = self._group(data.ambition)
            if group is not None and group.ambition is not None:
                text.append(group.ambition.code, style="bold")
                if group.ambition.plan_period:
                    text.append(f"  {group.ambition.plan_period}", style="dim")
                if group.ambition.retired:
                    text.append("  retired: kept for history (r restores it)", style="italic")
                text.append("  ")
                text.append(" ".join((group.ambition.description or group.ambition.title).split()))
            else:
                text.append("Projects linked to no Council Plan ambition: allowed while in the pipeline; link them with l.")
        else:
            text.append("Press f to list every project of this group in the portfolio.")
        detail.update(text)

    @on(Tree.NodeSelected, "#thread")
    def _selected(self, event: Tree.NodeSelected) -> None:
        data = event.node.data
        if data is not None and data.kind == "project" and data.project is not None:
            self._open(data.project.code)
        elif data is not None and data.kind == "more":
            self.action_show_in_portfolio()

    # -- actions ------------------------------------------------------------------------------------

    def _group(self, ambition: str | None) -> ThreadGroup | None:
        return next((g for g in self.groups if g.ambition is not None and g.ambition.code == ambition), None)

    def plan_target(self) -> AmbitionSummary | PriorityItem | None:
        node = self.thread_tree.cursor_node
        data = node.data if node is not None else None
        if data is None:
            return None
        if data.kind == "priority":
            return data.priority
        group = self._group(data.ambition) if data.kind in ("ambition", "priorities") else None
        return group.ambition if group is not None else None

    def plan_changed(self, ambition: str | None, priority: str | None = None) -> None:
        self._return_to = (ambition, priority) if ambition is not None else None
        self.load()

    def _selected_project(self) -> ThreadProject | None:
        node = self.thread_tree.cursor_node
        if node is None or node.data is None or node.data.kind != "project":
            return None
        return node.data.project

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_link_ambitions(self) -> None:
        project = self._selected_project()
        if project is None:
            self.notify("Put the cursor on a project to link it to ambitions.", markup=False)
            return
        self.start_linking(project.code)

    def links_changed(self, code: str) -> None:
        key = self._cursor_key()
        self._return_to = (key[0] if key else None, code)
        self.load()

    def action_open_project(self) -> None:
        project = self._selected_project()
        if project is not None:
            self._open(project.code)

    def _open(self, code: str) -> None:
        from projtui.ui.screens.project import ProjectScreen

        self._reload_on_resume = True
        self.app.push_screen(ProjectScreen(code))

    def on_screen_resume(self) -> None:
        if self._reload_on_resume:
            self._reload_on_resume = False
            self.load()

    def action_show_in_portfolio(self) -> None:
        node = self.thread_tree.cursor_node
        if node is None or node.data is None or node.data.kind == "retired":
            return
        code = node.data.ambition
        from projtui.ui.screens.portfolio import PortfolioScreen

        self.app.pop_screen()
        screen = self.app.screen
        if isinstance(screen, PortfolioScreen):
            screen.show_ambition(code if code is not None else NO_AMBITION)

    def action_expand_all(self) -> None:
        for node in self._group_nodes():
            node.expand()

    def action_collapse_all(self) -> None:
        for node in self._group_nodes():
            node.collapse()

    def action_reload(self) -> None:
        self.load()
