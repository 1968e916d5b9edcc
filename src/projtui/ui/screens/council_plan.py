"""Managing the Council Plan from the golden thread: add, edit, reorder, retire, restore and delete ambitions and
their priorities, and start a new plan (`services.ambitions`, which checks the role, the version and audits).

`CouncilPlanEditing` is the mixin: the screen says what is under the cursor
(`plan_target`) and shows a change (`plan_changed`); the mixin asks, opens
the forms and does the database work in thread workers.
"""

from __future__ import annotations

from typing import Any

from textual import work

from projtui.domain.errors import ConflictError, NotFoundError, ProjtuiError
from projtui.domain.formatting import plural
from projtui.services import ambitions
from projtui.services.read_models import AmbitionSummary, PriorityItem
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.item_form import form_for

PlanTarget = AmbitionSummary | PriorityItem


def _name(target: PlanTarget) -> str:
    kind = "ambition" if isinstance(target, AmbitionSummary) else "priority"
    return f"{kind} {target.code} “{' '.join(target.title.split())}”"


class CouncilPlanEditing:
    """For the golden-thread screen: n, p, e, d, r, K/J and N on the Council Plan."""

    def plan_target(self) -> PlanTarget | None:  # pragma: no cover - the screen overrides
        return None

    def plan_changed(self, ambition: str | None, priority: str | None = None) -> None:  # pragma: no cover - the screen overrides
        pass

    def _target(self: Any, what: str) -> PlanTarget | None:
        target = self.plan_target()
        if target is None:
            self.notify(f"Put the cursor on an ambition or one of its priorities to {what} it.", markup=False)
        return target

    # -- adding and editing ---------------------------------------------------------------------------------------

    def action_new_ambition(self: Any) -> None:
        self.app.hold_keys()  # what is typed next is for the form the worker opens
        self._read_new_ambition()

    @work(thread=True, exclusive=True, group="plan-read", exit_on_error=False)
    def _read_new_ambition(self: Any) -> None:
        values = ambitions.new_ambition_values(self.app.db)
        self.app.call_from_thread(self.open_ambition_form, values)

    def open_ambition_form(self: Any, values: dict, after=None) -> None:
        """The form for a new ambition, starting from `values`; `after(summary or None)` once it closes (the welcome's)."""
        db, actor = self.app.db, self.app.login

        def saved(result: AmbitionSummary | None) -> None:
            if result is not None:
                self.notify(f"Added ambition {result.code}.", markup=False)
                self.plan_changed(result.code)
            if after is not None:
                after(result)

        self.app.push_screen(
            form_for(
                "ambition", title="New Council Plan ambition", values=values, version=None,
                save=lambda fields, _version: ambitions.create_ambition(db, fields, actor=actor),
                note="It goes last in the plan's order; K and J move it.",
            ),
            saved,
        )

    def action_new_priority(self: Any) -> None:
        target = self._target("add a priority to")
        if target is None:
            return
        ambition = target.code if isinstance(target, AmbitionSummary) else target.ambition
        self.app.hold_keys()
        self._read_new_priority(ambition)

    @work(thread=True, exclusive=True, group="plan-read", exit_on_error=False)
    def _read_new_priority(self: Any, ambition: str) -> None:
        try:
            values = ambitions.new_priority_values(self.app.db, ambition)
        except NotFoundError as exc:
            self.app.notify(str(exc), title="Cannot add a priority", severity="error", markup=False)
            return
        self.app.call_from_thread(self._open_priority_form, ambition, values, None)

    def _open_priority_form(self: Any, ambition: str, values: dict, priority: PriorityItem | None) -> None:
        db, actor = self.app.db, self.app.login

        def save(fields, version):
            if priority is None:
                return ambitions.create_priority(db, ambition, fields, actor=actor)
            return ambitions.update_priority(db, ambition, priority.code, fields, expected_version=version, actor=actor)

        def saved(result: PriorityItem | None) -> None:
            if result is not None:
                self.plan_changed(ambition, result.code)

        title = f"New priority of ambition {ambition}" if priority is None else f"Priority {priority.code} of ambition {ambition}"
        self.app.push_screen(form_for("priority", title=title, values=values, version=priority.version if priority else None, save=save), saved)

    def action_edit_plan_item(self: Any) -> None:
        target = self._target("edit")
        if isinstance(target, PriorityItem):
            self._open_priority_form(target.ambition, {"code": target.code, "title": target.title, "description": target.description}, target)
        elif target is not None:
            self._open_ambition_edit(target)

    def _open_ambition_edit(self: Any, ambition: AmbitionSummary) -> None:
        db, actor = self.app.db, self.app.login

        def saved(result: AmbitionSummary | None) -> None:
            if result is not None:
                self.plan_changed(result.code)

        values = {name: getattr(ambition, name) for name in ambitions.EDITABLE}
        self.app.push_screen(
            form_for(
                "ambition", title=f"Ambition {ambition.code}", values=values, version=ambition.version,
                save=lambda fields, version: ambitions.update_ambition(db, ambition.code, fields, expected_version=version, actor=actor),
            ),
            saved,
        )

    # -- reordering ------------------------------------------------------------------------------------------------

    def action_move_plan_item(self: Any, step: int) -> None:
        target = self._target("move")
        if target is not None:
            self._move(target, step)

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _move(self: Any, target: PlanTarget, step: int) -> None:
        db, actor = self.app.db, self.app.login
        if isinstance(target, PriorityItem):
            where = (target.ambition, target.code)
            write = lambda: ambitions.move_priority(db, target.ambition, target.code, step, expected_version=target.version, actor=actor)  # noqa: E731
        else:
            where = (target.code, None)
            write = lambda: ambitions.move_ambition(db, target.code, step, expected_version=target.version, actor=actor)  # noqa: E731
        self._write(write, "Not moved", *where)

    def _write(self: Any, write, refusal: str, ambition: str | None, priority: str | None = None, done: str | None = None) -> bool:
        """Run one write (in the worker); say why not if it is refused; show the plan as it is now either way."""
        try:
            write()
        except ConflictError as exc:
            self.app.notify(str(exc), title=f"{refusal}: changed by someone else", severity="warning", markup=False, timeout=10)
        except ProjtuiError as exc:
            self.app.notify(str(exc), title=refusal, severity="error", markup=False)
            return False
        else:
            if done:
                self.app.notify(done, markup=False)
        self.app.call_from_thread(self.plan_changed, ambition, priority)
        return True

    # -- deleting, retiring and restoring ---------------------------------------------------------------------------

    def action_delete_plan_item(self: Any) -> None:
        target = self._target("delete")
        if isinstance(target, PriorityItem):
            self._confirm(
                f"Delete {_name(target)} of ambition {target.ambition}?", "The audit log keeps its history.", "Delete",
                lambda: ambitions.delete_priority(self.app.db, target.ambition, target.code, expected_version=target.version, actor=self.app.login),
                "Not deleted", (target.ambition, None), f"Deleted priority {target.code}.",
            )
        elif target is not None:
            self._read_deletion(target)

    @work(thread=True, exclusive=True, group="plan-read", exit_on_error=False)
    def _read_deletion(self: Any, ambition: AmbitionSummary) -> None:
        try:
            links, priorities = ambitions.deletion_impact(self.app.db, ambition.code)
        except NotFoundError as exc:
            self.app.notify(str(exc), title="Not deleted", severity="warning", markup=False)
            self.app.call_from_thread(self.plan_changed, None)
            return
        self.app.call_from_thread(self._ask_delete_or_retire, ambition, links, priorities)

    def _ask_delete_or_retire(self: Any, ambition: AmbitionSummary, links: int, priorities: list[str]) -> None:
        db, actor, code = self.app.db, self.app.login, ambition.code
        if not links:
            gone = f"Its priorities go with it: {'; '.join(priorities)}." if priorities else "It has no priorities."
            self._confirm(
                f"Delete {_name(ambition)}?", f"No project links to it. {gone} The audit log keeps its history.", "Delete",
                lambda: ambitions.delete_ambition(db, code, expected_version=ambition.version, actor=actor),
                "Not deleted", (None, None), f"Deleted ambition {code}.",
            )
        elif ambition.retired:
            self.notify(
                f"{code} is retired already; {plural(links, 'project still links', 'projects still link')} to it, so it is kept. "
                "r restores it.", markup=False,
            )
        else:
            self._confirm(
                f"Retire {_name(ambition)}?",
                f"{plural(links, 'project links', 'projects link')} to it, so it cannot be deleted. Retired, it keeps its links and "
                "priorities for history, shown under Retired ambitions, and is offered no more for new links. r restores it.",
                "Retire",
                lambda: ambitions.retire_ambition(db, code, expected_version=ambition.version, actor=actor),
                "Not retired", (code, None), f"Retired ambition {code}.",
            )

    def action_restore_ambition(self: Any) -> None:
        target = self._target("restore")
        if target is None:
            return
        if not isinstance(target, AmbitionSummary) or not target.retired:
            self.notify("Only a retired ambition is restored: put the cursor on one under Retired ambitions.", markup=False)
            return
        db, actor = self.app.db, self.app.login
        self._run(
            lambda: ambitions.restore_ambition(db, target.code, expected_version=target.version, actor=actor),
            "Not restored", (target.code, None), f"Restored ambition {target.code}: projects can be linked to it again.",
        )

    def _confirm(self: Any, question: str, details: str, yes: str, write, refusal: str, where: tuple, done: str) -> None:
        def answered(answer: bool | None) -> None:
            if answer:
                self._run(write, refusal, where, done)

        self.app.push_screen(ConfirmScreen(question, details, yes=yes), answered)

    @work(thread=True, exclusive=True, group="plan-write", exit_on_error=False)
    def _run(self: Any, write, refusal: str, where: tuple, done: str) -> None:
        self._write(write, refusal, *where, done=done)

    # -- a new Council Plan -------------------------------------------------------------------------------------------

    def action_new_plan(self: Any) -> None:
        db, actor = self.app.db, self.app.login

        def saved(retired: list[str] | None) -> None:
            if retired is None:
                return
            said = f"Retired {plural(len(retired), 'ambition')}: {', '.join(retired)}. " if retired else ""
            self.notify(f"{said}New ambitions (n) are now added for the new plan.", title="New Council Plan", markup=False)
            self.plan_changed(None)

        self.app.push_screen(
            form_for(
                "council-plan", title="Start a new Council Plan", values={"plan_period": "", "retire_old": True}, version=None,
                save=lambda fields, _version: ambitions.start_new_plan(db, fields, actor=actor),
                note="Projects' links to the old plan's ambitions stay readable; link them to the new plan's as it is added.",
            ),
            saved,
        )
