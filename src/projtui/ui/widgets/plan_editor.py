"""The Benefits Review Plan tab: the plan's fields, its items and the benefits map.

The items tree lists outputs, outcomes and benefits (measures under their
outcome or benefit); the map shows the chain output → outcome → benefit →
measure with its breaks. Every change runs in a thread worker and ends by
posting `PlanEditor.Changed`, on which the project screen reloads.

Over 500 lines: each plan action (new, edit, delete, move, link, targets) is a
key, a worker and its conflict handling, kept beside the tree it changes; the
trees themselves are drawn by `benefits_map.py`, and the forms by `item_form.py`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Static, Tree
from textual.worker import Worker, get_current_worker

from projtui.domain.codes import suggest_code
from projtui.domain.enums import PlanStatus
from projtui.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFoundError,
    ProjtuiError,
)
from projtui.domain.formatting import plural
from projtui.domain.plan_map import BenefitsMap, map_plan
from projtui.services import plans
from projtui.services.read_models import Item, MeasureItem, PlanView
from projtui.ui.acting import Acting
from projtui.ui.widgets.benefits_map import (
    BREAK,
    KIND_TITLES,
    PlanTree,
    Ref,
    Room,
    fill_items,
    fill_map,
    map_problems,
)
from projtui.ui.widgets.form import FieldSpec
from projtui.ui.worker_failures import WorkerFailures

NARROW = 100  # below this many columns the map replaces the items tree instead of sitting beside it
_SINGULAR = {"output": "output", "outcome": "outcome", "benefit": "benefit", "measure": "measure"}


class PlanEditor(Acting, WorkerFailures, Vertical):
    """Add, edit, delete, reorder and link a plan's items; edit the plan's own fields."""

    HELP_TITLE = "Benefits Review Plan"

    BINDINGS = [
        Binding("n", "new", "New", id="plan.new"),
        Binding("m", "new_measure", "Measure", id="plan.new_measure"),
        Binding("e", "edit", "Edit", id="plan.edit"),
        Binding("d", "delete", "Delete", id="plan.delete"),
        Binding("l", "link", "Link", id="plan.link"),
        Binding("p", "edit_plan", "Plan", id="plan.edit_plan"),
        Binding("v", "toggle_map", "Map", id="plan.map"),
        # Off the footer, so Back and Help still fit at 80 columns; ? and the palette list them.
        Binding("M", "move_measure", "Move measure to…", id="plan.move_measure", key_display="M", show=False),
        Binding("t", "targets", "Profiled targets", id="plan.targets", show=False),
        Binding("b", "benchmarks", "Benchmarks", id="plan.benchmarks", show=False),
        Binding("left_square_bracket,ctrl+up", "move(-1)", "Move up", id="plan.move_up", key_display="[", show=False),
        Binding("right_square_bracket,ctrl+down", "move(1)", "Move down", id="plan.move_down", key_display="]", show=False),
    ]

    class Changed(Message):
        """The plan changed in the database; `select` is the record to put the cursor on after reloading."""

        def __init__(self, select: Ref | None = None) -> None:
            super().__init__()
            self.select = select

    plan: var[PlanView | None] = var(None)
    show_map = var(False)

    def __init__(self, project_code: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.project_code = project_code
        self._pending_select: Ref | None = None
        self._widths: tuple[int, int] = (0, 0)

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-summary")
        with Horizontal(id="plan-body"):
            items = PlanTree("Plan items", id="plan-items")
            items.border_title = "Plan items"
            items.border_subtitle = "[ ] move"
            yield items
            benefits_map = PlanTree("Benefits map", id="benefits-map")
            benefits_map.border_title = "Benefits map"
            yield benefits_map

    # -- showing the plan ------------------------------------------------------------

    @property
    def items_tree(self) -> PlanTree:
        return self.query_one("#plan-items", PlanTree)

    @property
    def map_tree(self) -> PlanTree:
        return self.query_one("#benefits-map", PlanTree)

    def select_after_reload(self, ref: Ref | None) -> None:
        self._pending_select = ref

    def watch_plan(self, plan: PlanView | None) -> None:
        if plan is None or not self.is_mounted:
            return
        self.project_code = plan.project_code
        if not self._laid_out():
            return  # labels are cut to the trees' widths: the first resize builds them, once
        self._show_plan(plan)

    def _laid_out(self) -> bool:
        return bool(self.items_tree.size.width or self.map_tree.size.width)

    def _show_plan(self, plan: PlanView) -> None:
        benefits_map = map_plan(plan)
        self.query_one("#plan-summary", Static).update(self._summary(plan, benefits_map))
        problems = map_problems(benefits_map)
        items, the_map = self.items_tree, self.map_tree
        self._widths = (items.scrollable_content_region.width, the_map.scrollable_content_region.width)
        items.rebuild(lambda root: fill_items(root, plan, problems, Room(self._widths[0], items.guide_depth)))
        the_map.rebuild(lambda root: fill_map(root, benefits_map, plan, Room(self._widths[1], the_map.guide_depth)))
        breaks = len(benefits_map.breaks)
        self.map_tree.border_subtitle = f"{BREAK} {plural(breaks, 'break')}" if breaks else "✔ chain complete"
        if self._pending_select is not None:
            self.items_tree.restore(self._pending_select, self.items_tree.cursor_line)
            self._pending_select = None

    def _summary(self, plan: PlanView, benefits_map: BenefitsMap) -> Text:
        """Two lines, each cut with an ellipsis rather than wrapped: the trees get the room."""
        fields = plan.fields
        first = Text("Plan: ", style="bold", no_wrap=True, overflow="ellipsis")
        if fields.status is PlanStatus.APPROVED:
            first.append("✔ Approved", style="bold green")
            if fields.approved_by:
                first.append(" by ")
                first.append(fields.approved_by)
            if fields.approved_on:
                first.append(f" on {fields.approved_on.isoformat()}")
        else:
            first.append("✎ Draft", style="bold")
            first.append(" (not yet approved)", style="dim")
        first.append("  ·  Benefits owner after closure: ", style="bold")
        first.append(fields.post_project_owner or "—")
        second = Text("Review schedule: ", style="bold", no_wrap=True, overflow="ellipsis")
        second.append(" ".join((fields.review_schedule or "—").split()))
        return Text("\n", no_wrap=True, overflow="ellipsis").join([first, second])

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")
        self.call_after_refresh(self._fit_labels)

    def watch_show_map(self, show: bool) -> None:
        self.set_class(show, "-show-map")
        self.call_after_refresh(self._fit_labels)

    def _fit_labels(self) -> None:
        """Labels are cut to the trees' widths: lay them out again when a width changes."""
        widths = (self.items_tree.scrollable_content_region.width, self.map_tree.scrollable_content_region.width)
        if self.plan is not None and widths != self._widths:
            self._show_plan(self.plan)

    @property
    def items_focus(self) -> PlanTree:
        """The tree that takes the focus when the plan is shown: the map on a narrow screen that shows it."""
        return self.map_tree if self.has_class("-narrow") and self.show_map else self.items_tree

    def focus_items(self) -> None:
        self.items_focus.focus()

    # -- what the cursor is on ----------------------------------------------------------

    def _current(self) -> Ref | None:
        focused = self.screen.focused
        tree = focused if isinstance(focused, PlanTree) else self.items_tree
        node = tree.cursor_node
        return node.data if node is not None else None

    def _find(self, ref: Ref | None) -> Item | MeasureItem | None:
        plan = self.plan
        if plan is None or ref is None or ref.id is None:
            return None
        pool = {"output": plan.outputs, "outcome": plan.outcomes, "benefit": plan.benefits, "measure": plan.measures}.get(ref.kind, ())
        return next((item for item in pool if item.id == ref.id), None)

    def _codes(self, kind: str) -> list[str]:
        plan = self.plan
        if plan is None:
            return []
        if kind == "measure":
            return [m.fields.code for m in plan.measures if m.fields.code]
        return [item.fields.code for item in {"output": plan.outputs, "outcome": plan.outcomes, "benefit": plan.benefits}[kind]]

    def _notify(self, message: str, *, severity: str = "information") -> None:
        self.app.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    def _changed(self, select: Ref | None = None) -> None:
        self.post_message(self.Changed(select))

    # -- add and edit --------------------------------------------------------------------------

    @on(Tree.NodeSelected)
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        ref = event.node.data
        if ref is None:
            return
        if ref.kind == "section":
            event.node.toggle()
            return
        self._edit(ref)

    def action_new(self) -> None:
        ref = self._current()
        if ref is None:
            self._new_item("output")
        elif ref.kind == "section":
            self._new_item(ref.section or "output")
        elif ref.kind == "measure":
            measure = self._find(ref)
            if isinstance(measure, MeasureItem):
                self._new_measure(measure.parent_kind, measure.parent_code)
        else:
            self._new_item(ref.kind)

    def action_new_measure(self) -> None:
        ref = self._current()
        item = self._find(ref)
        if isinstance(item, MeasureItem):
            self._new_measure(item.parent_kind, item.parent_code)
        elif ref is not None and ref.kind in ("outcome", "benefit") and isinstance(item, Item):
            self._new_measure(ref.kind, item.fields.code)
        else:
            self._notify("Put the cursor on an outcome or a benefit to add a measure to it.", severity="warning")

    def _new_item(self, kind: str) -> None:
        from projtui.ui.screens.item_form import form_for

        db, actor, project = self._db, self._actor, self.project_code
        code = suggest_code(kind, self._codes(kind))
        title = Text(f"New {_SINGULAR[kind]} in {project}")

        def save(fields, _version):
            return plans.add_item(db, project, kind, fields, actor=actor)

        self.app.push_screen(
            form_for(kind, title=title, values={"code": code}, version=None, save=save),
            lambda result: self._form_closed(kind, result),
        )

    def _new_measure(self, parent_kind: str, parent_code: str) -> None:
        from projtui.ui.screens.item_form import form_for

        db, actor, project = self._db, self._actor, self.project_code
        title = Text(f"New measure of {parent_kind} ")
        title.append(parent_code, style="bold")
        parent = self._parent_title(parent_kind, parent_code)
        if parent:
            title.append("  ")
            title.append(parent)

        def save(fields, _version):
            return plans.add_measure(db, project, parent_kind, parent_code, fields, actor=actor)

        self.app.push_screen(
            form_for("measure", title=title, values={}, version=None, save=save),
            lambda result: self._form_closed("measure", result),
        )

    def _parent_title(self, kind: str, code: str) -> str:
        plan = self.plan
        if plan is None:
            return ""
        pool = plan.outcomes if kind == "outcome" else plan.benefits
        return next((item.fields.title for item in pool if item.fields.code == code), "")

    def action_edit(self) -> None:
        ref = self._current()
        if ref is None:
            return
        if ref.kind == "section":
            self._notify(f"Put the cursor on one of the {KIND_TITLES.get(ref.section or '', 'items').lower()} to edit it, or n to add one.")
            return
        self._edit(ref)

    def _edit(self, ref: Ref) -> None:
        from projtui.ui.screens.item_form import baseline_or_target_change, form_for

        item = self._find(ref)
        if item is None:
            return
        db, actor = self._db, self._actor
        title = Text(f"Edit {ref.kind} ")
        if isinstance(item, MeasureItem):
            title.append(item.fields.code or "", style="bold")
            title.append(f" (measure of {item.parent_kind} {item.parent_code})")

            def save(fields, version, reason):
                return plans.update_measure(db, item.id, fields, expected_version=version, actor=actor, reason=reason)

            reason_for = baseline_or_target_change
        else:
            title.append(item.fields.code, style="bold")
            kind = ref.kind

            def save(fields, version):
                return plans.update_item(db, kind, item.id, fields, expected_version=version, actor=actor)

            reason_for = None
        record = Text(f"{ref.kind} ")
        record.append(item.fields.code or "", style="bold")
        record.append("  ")
        record.append(item.fields.name if isinstance(item, MeasureItem) else item.fields.title)
        self.app.push_screen(
            form_for(ref.kind, title=title, values=item.fields, version=item.version, save=save, record=record, reason_for=reason_for),
            lambda result: self._form_closed(ref.kind, result, fallback=ref),
        )

    def action_edit_plan(self) -> None:
        from projtui.ui.screens.item_form import form_for

        plan = self.plan
        if plan is None:
            return
        db, actor, project = self._db, self._actor, self.project_code
        title = Text(f"Benefits Review Plan of {project}  ")
        title.append(plan.project_name)

        def save(fields, version):
            return plans.update_plan(db, project, fields, expected_version=version, actor=actor)

        self.app.push_screen(
            form_for(
                "plan", title=title, values=plan.fields, version=plan.version, save=save, checks=plans.plan_problems,
                record=Text(f"the Benefits Review Plan of {project}"),
            ),
            lambda result: self._form_closed("plan", result),
        )

    def _form_closed(self, kind: str, result: Any, *, fallback: Ref | None = None) -> None:
        if result is None:
            # Cancelled, or the user kept someone else's version: show what is saved now.
            self._changed(fallback)
            return
        ref = Ref(kind, result.id) if isinstance(result, (Item, MeasureItem)) else fallback
        self._changed(ref)

    # -- delete -----------------------------------------------------------------------------

    def action_delete(self) -> None:
        ref = self._current()
        item = self._find(ref)
        if ref is None or item is None:
            self._notify("Put the cursor on an output, outcome, benefit or measure to delete it.", severity="warning")
            return
        self._impact(ref, item)

    @work(thread=True, exclusive=True, group="plan-impact", exit_on_error=False)
    def _impact(self, ref: Ref, item: Item | MeasureItem) -> None:
        worker = get_current_worker()
        try:
            impact = plans.deletion_impact(self._db, ref.kind, item.id)  # type: ignore[arg-type]
        except NotFoundError:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._gone, ref)
            return
        if not worker.is_cancelled:  # d pressed again meanwhile: only the latest question is asked
            self.app.call_from_thread(self._confirm_delete, ref, item, impact)

    def _gone(self, ref: Ref) -> None:
        self._notify(f"That {ref.kind} is no longer there: someone else deleted it.", severity="warning")
        self._changed()

    def _confirm_delete(self, ref: Ref, item: Item | MeasureItem, impact: list[str]) -> None:
        from projtui.ui.screens.confirm import ConfirmScreen

        if isinstance(item, MeasureItem):
            name = f"{item.fields.code} “{item.fields.name}”"
        else:
            name = f"{item.fields.code} “{item.fields.title}”"
        question = f"Delete {ref.kind} {name}?"
        details = ("Also deleted: " + "; ".join(impact) + ".") if impact else "Nothing else goes with it."

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(ref, item)

        self.app.push_screen(ConfirmScreen(question, details), answered)

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _delete(self, ref: Ref, item: Item | MeasureItem) -> None:
        try:
            if ref.kind == "measure":
                plans.delete_measure(self._db, item.id, expected_version=item.version, actor=self._actor)
            else:
                plans.delete_item(self._db, ref.kind, item.id, expected_version=item.version, actor=self._actor)  # type: ignore[arg-type]
        except ConflictError as exc:
            gone = exc.current is None
            message = (
                f"Not deleted: someone else already deleted {ref.kind} {item.fields.code}."
                if gone
                else f"Not deleted: someone else changed {ref.kind} {item.fields.code} since you opened it. Look again, then delete."
            )
            self.app.call_from_thread(self._write_failed, message, ref)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._write_failed, f"Not deleted: {exc}", ref)
        else:
            self.app.call_from_thread(self._deleted, ref, item)

    def _deleted(self, ref: Ref, item: Item | MeasureItem) -> None:
        self._notify(f"Deleted {ref.kind} {item.fields.code}.")
        self._changed()

    def _write_failed(self, message: str, ref: Ref | None) -> None:
        self._notify(message, severity="error")
        self._changed(ref)

    def worker_failed(self, worker: Worker) -> None:
        super().worker_failed(worker)
        self._changed()  # read the plan again: the tree shows what is saved, whatever happened

    # -- reorder ---------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        ref = self._current()
        item = self._find(ref)
        if ref is None or item is None:
            return
        self._move(ref, delta)

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _move(self, ref: Ref, delta: int) -> None:
        try:
            moved = plans.move_item(self._db, ref.kind, ref.id, delta, actor=self._actor)  # type: ignore[arg-type]
        except ProjtuiError as exc:
            self.app.call_from_thread(self._write_failed, f"Not moved: {exc}", None)
            return
        if moved:
            self.app.call_from_thread(self._changed, ref)

    # -- a measure's parent -------------------------------------------------------------------

    def action_move_measure(self) -> None:
        measure = self._find(self._current())
        if not isinstance(measure, MeasureItem):
            self._notify("Put the cursor on a measure to move it to another outcome or benefit.", severity="warning")
            return
        from projtui.ui.screens.confirm import ChoiceScreen

        plan = self.plan
        assert plan is not None
        parents = [("outcome", item) for item in plan.outcomes] + [("benefit", item) for item in plan.benefits]
        choices = []
        for kind, item in parents:
            label = Text(f"{kind:<8} ", style="dim")
            label.append(item.fields.code, style="bold")
            label.append("  ")
            label.append(item.fields.title)
            choices.append((f"{kind}:{item.fields.code}", label))
        current = f"{measure.parent_kind}:{measure.parent_code}"

        def chosen(value: str | None) -> None:
            if value is None or value == current:
                return
            kind, code = value.split(":", 1)
            self._move_measure(measure, kind, code)

        self.app.push_screen(
            ChoiceScreen(
                f"Move measure {measure.fields.code} “{measure.fields.name}” to…", choices, current,
                note="Its code, actuals and profiled targets go with it; it goes last under its new outcome or benefit.",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _move_measure(self, measure: MeasureItem, kind: str, code: str) -> None:
        ref = Ref("measure", measure.id)
        name = f"measure {measure.fields.code}"
        try:
            plans.move_measure(self._db, measure.id, kind, code, expected_version=measure.version, actor=self._actor)  # type: ignore[arg-type]
        except ConflictError as exc:
            message = (
                f"Not moved: someone else deleted {name}." if exc.current is None
                else f"Not moved: someone else changed {name} since you opened it. Look again, then move it."
            )
            self.app.call_from_thread(self._write_failed, message, ref)
        except ProjtuiError as exc:
            self.app.call_from_thread(self._write_failed, f"Not moved: {exc}", ref)
        else:
            self.app.call_from_thread(self._moved, ref, f"Moved {name} to {kind} {code}.")

    def _moved(self, ref: Ref, message: str) -> None:
        self._notify(message)
        self._changed(ref)

    # -- profiled targets ----------------------------------------------------------------------

    def action_targets(self) -> None:
        measure = self._find(self._current())
        if not isinstance(measure, MeasureItem):
            self._notify("Put the cursor on a measure to profile its targets by quarter.", severity="warning")
            return
        from projtui.ui.screens.profiled_targets import ProfiledTargetsScreen

        ref = Ref("measure", measure.id)
        # Reload whatever happened there: a saved target gives the measure a new version.
        self.app.push_screen(ProfiledTargetsScreen(measure.id), lambda _: self._changed(ref))

    # -- benchmarks ------------------------------------------------------------------------------

    def action_benchmarks(self) -> None:
        measure = self._find(self._current())
        if not isinstance(measure, MeasureItem):
            self._notify("Put the cursor on a measure to see and set its benchmarks.", severity="warning")
            return
        from projtui.ui.screens.benchmarks import BenchmarksScreen

        self.app.push_screen(BenchmarksScreen(measure.id))

    # -- links -------------------------------------------------------------------------------

    def action_link(self) -> None:
        ref = self._current()
        item = self._find(ref)
        if ref is None or not isinstance(item, Item) or ref.kind not in plans.LINK_TARGET:
            self._notify(
                "Links run output → outcome → benefit: put the cursor on an output or an outcome to choose what it leads to.",
                severity="warning",
            )
            return
        self._pick_links(ref.kind, item, list(item.links), item.version)

    def _pick_links(self, kind: str, item: Item, selected: list[str], version: int) -> None:
        from projtui.ui.screens.link_picker import LinkPicker

        plan = self.plan
        assert plan is not None
        target = plans.LINK_TARGET[kind]
        pool = plan.outcomes if target == "outcome" else plan.benefits
        title = Text(f"{kind.capitalize()} ")
        title.append(item.fields.code, style="bold")
        title.append("  ")
        title.append(item.fields.title)
        title.append(f"\nleads to these {target}s:", style="dim")

        def picked(codes: list[str] | None) -> None:
            if codes is not None:
                self._set_links(kind, item, codes, version)

        self.app.push_screen(
            LinkPicker(
                title=title,
                targets=[(other.fields.code, other.fields.title) for other in pool],
                selected=selected,
                empty=f"This project has no {target}s yet: add one first.",
            ),
            picked,
        )

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _set_links(self, kind: str, item: Item, codes: list[str], version: int) -> None:
        try:
            plans.set_links(self._db, kind, item.id, codes, expected_version=version, actor=self._actor)  # type: ignore[arg-type]
        except ConflictError as exc:
            self.app.call_from_thread(self._links_conflict, kind, item, codes, exc)
        except (InvalidInput, ProjtuiError) as exc:
            self.app.call_from_thread(self._write_failed, f"Links not saved: {exc}", Ref(kind, item.id))
        else:
            self.app.call_from_thread(self._changed, Ref(kind, item.id))

    def _links_conflict(self, kind: str, item: Item, codes: list[str], error: ConflictError) -> None:
        from projtui.ui.screens.conflict import ConflictChoice, ConflictScreen

        current = error.current
        if not isinstance(current, Item):
            self._write_failed(f"Links not saved: someone else deleted {kind} {item.fields.code}.", None)
            return
        spec = FieldSpec("links", f"Leads to ({plans.LINK_TARGET[kind]}s)")
        title = Text(f"links of {kind} ")
        title.append(item.fields.code, style="bold")

        def chosen(choice: ConflictChoice | None) -> None:
            if choice is ConflictChoice.OVERWRITE:
                self._set_links(kind, current, codes, current.version)
            elif choice is ConflictChoice.THEIRS:
                self._changed(Ref(kind, item.id))
            else:
                self._pick_links(kind, current, codes, current.version)

        self.app.push_screen(
            ConflictScreen(
                title=title,
                fields=[spec],
                original={"links": ", ".join(item.links)},
                yours={"links": ", ".join(codes)},
                theirs={"links": ", ".join(current.links)},
            ),
            chosen,
        )

    # -- the map ------------------------------------------------------------------------------

    def action_toggle_map(self) -> None:
        if self.has_class("-narrow"):
            self.show_map = not self.show_map
            tree = self.items_focus
        else:
            tree = self.items_tree if self.map_tree.has_focus else self.map_tree
        # Focus now, not after the queued events: the keys typed straight after v are for the tree it moves to.
        self.screen.set_focus(tree)
