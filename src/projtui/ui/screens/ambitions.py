"""The golden thread: each Council Plan ambition with the projects serving it, and the projects linked to none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from projtui.domain.formatting import plural
from projtui.services.golden_thread import ThreadGroup, golden_thread
from projtui.services.read_models import NO_AMBITION, ThreadProject
from projtui.ui.screens.ambition_picker import AmbitionLinking
from projtui.ui.widgets.project_columns import stage_label
from projtui.ui.worker_failures import WorkerFailures

GROUP_LIMIT = 2_000  # projects listed per ambition; the rest are a filter away in the portfolio


@dataclass(frozen=True)
class NodeData:
    kind: str  # "ambition", "project" or "more"
    ambition: str | None  # the group's ambition code; None = linked to no ambition
    project: ThreadProject | None = None


class GoldenThreadScreen(WorkerFailures, AmbitionLinking, Screen[None]):
    """Ambitions → projects; link and unlink from here."""

    CSS_PATH = "ambitions.tcss"
    HELP_TITLE = "Golden thread"
    HELP_NOTES = (
        "★ marks the project's primary ambition; a project appears under every ambition it serves.",
        "A project may be linked to no ambition only while it is in the pipeline.",
    )

    BINDINGS: ClassVar = [
        Binding("escape", "back", "Back", tooltip="Back to the portfolio", id="thread.back"),
        Binding("l", "link_ambitions", "Link ambitions", tooltip="Link the project to ambitions, mark the primary", id="thread.link"),
        Binding("o", "open_project", "Open project", id="thread.open"),
        Binding("f", "show_in_portfolio", "In portfolio", tooltip="Show this ambition's projects in the portfolio", id="thread.portfolio"),
        Binding("e", "expand_all", "Expand all", id="thread.expand", show=False),
        Binding("c", "collapse_all", "Collapse all", id="thread.collapse", show=False),
        Binding("f5,ctrl+r", "reload", "Reload", id="thread.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="golden-thread")
        self.title = "Golden thread"
        self.groups: list[ThreadGroup] = []
        self._request = 0
        self._code_width = 5
        self._reload_on_resume = False
        self._return_to: tuple[str | None, str | None] | None = None  # (ambition, project) to put the cursor back on

    def compose(self) -> ComposeResult:
        yield Header()
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
        expanded = {node.data.ambition for node in tree.root.children if node.data and node.is_expanded} if tree.root.children else None
        tree.clear()
        linked_codes = {p.code for g in groups if g.ambition is not None for p in g.projects}
        ambitions = [g for g in groups if g.ambition is not None]
        small = sum(g.total for g in groups) <= 400
        target: TreeNode[NodeData] | None = None
        for group in groups:
            code = group.ambition.code if group.ambition else None
            node = tree.root.add(self._group_label(group), data=NodeData("ambition", code))
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
            if open_it or (target is not None and target.parent is node):
                node.expand()
        unlinked = sum(g.total for g in groups if g.ambition is None)
        summary = Text(" ")
        summary.append(plural(len(ambitions), "ambition", "ambitions"), style="bold")
        summary.append("  ·  ")
        summary.append(f"{len(linked_codes):,}" + ("+" if any(g.more for g in ambitions) else ""), style="bold")
        summary.append(" linked projects  ·  ")
        summary.append(f"{unlinked:,}", style="bold")
        summary.append(" linked to no ambition  ·  ★ primary ambition")
        self.query_one("#thread-summary", Static).update(summary)
        if target is not None:
            self.call_after_refresh(tree.move_cursor, target)
        self._describe(target or (tree.root.children[0] if tree.root.children else None))

    def _group_label(self, group: ThreadGroup) -> Text:
        if group.ambition is None:
            text = Text("Linked to no ambition", style="bold")
            text.append(f"  {plural(group.total, 'project', 'projects')}", style="dim")
            if group.total:
                text.append("  golden-thread gap", style="italic")
            return text
        text = Text(group.ambition.code, style="bold")
        text.append(" ")
        text.append(group.ambition.title, style="bold")
        text.append(f"  {plural(group.total, 'project', 'projects')}", style="dim")
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
        return (data.ambition, data.project.code if data.project else None)

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
                text.append("linked to no ambition yet: allowed in the pipeline, needed before it moves on (press l)")
        elif data.kind == "ambition":
            group = next((g for g in self.groups if (g.ambition.code if g.ambition else None) == data.ambition), None)
            if group is not None and group.ambition is not None:
                text.append(group.ambition.code, style="bold")
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
        if node is None or node.data is None:
            return
        code = node.data.ambition
        from projtui.ui.screens.portfolio import PortfolioScreen

        self.app.pop_screen()
        screen = self.app.screen
        if isinstance(screen, PortfolioScreen):
            screen.show_ambition(code if code is not None else NO_AMBITION)

    def action_expand_all(self) -> None:
        for node in self.thread_tree.root.children:
            node.expand()

    def action_collapse_all(self) -> None:
        for node in self.thread_tree.root.children:
            node.collapse()

    def others_changed(self) -> None:
        """Someone saved meanwhile (`ui.live_refresh`): read the golden thread again."""
        self.action_reload()

    def action_reload(self) -> None:
        self.load()
