"""Keys typed while a screen opens wait for it, instead of reaching the screen below or nowhere.

A terminal hands over everything typed, pasted or sent by a screen reader's
macro in one read: "n", Tab and a project's name arrive together, all queued
before `n` has opened its form. Textual gives each key to whatever has focus
when the key is handled, so the rest went to the portfolio (where "a" opens
the golden thread) or, while the form was mounting, to nothing.

So the app holds keys from the moment a screen is pushed (or an action
says one is coming, e.g. after a worker reads what the form offers) until
that screen has mounted and focused its first field, then hands them on in
the order they were typed. A hold that is never ended (the worker failed)
lets go after HOLD_LIMIT, so nothing typed is kept from the user for long.

Keys arriving in one read with nothing opening are kept in order too: Tab
leaving a text field moves the focus before the text behind it is handled,
and a text field's own editing keys (Backspace, Home, ctrl+u…) run in the
field's queue, between the letters typed before and after them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input, TextArea

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.binding import Binding

    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

HOLD_LIMIT = 3.0  # seconds

# Keys whose work is moving the focus (Screen's own tab and shift+tab bindings); no field here takes them as text.
_FOCUS_STEPS: dict[str, Callable[[Screen], object]] = {
    "tab": lambda screen: screen.focus_next(),
    "shift+tab": lambda screen: screen.focus_previous(),
}


def _field_binding(focused: Widget | None, event: events.Key) -> Binding | None:
    """The text field's own binding for ``event`` (Backspace, Home, ctrl+u…), if the field has focus and binds it.

    Textual runs such a binding only when the key comes back up from the field unused, by when the letters
    typed behind it in the same terminal read have gone in: "ab", Backspace, "c" came out "ab", not "ac".
    """
    if not isinstance(focused, Input) or event.is_printable:
        return None
    bindings = focused._bindings.key_to_bindings.get(event.key, ())
    return next((binding for binding in bindings if not binding.priority), None)


def _steps_focus(focused: Widget | None, key: str) -> bool:
    """Whether `key` is Tab leaving a text field, which takes every key before it as text (one that indents keeps its Tab).

    Only from a text field: elsewhere a key before Tab may open a screen (`e`), and Tab must wait its turn behind it.
    """
    if key not in _FOCUS_STEPS:
        return False
    if isinstance(focused, TextArea):
        return focused.tab_behavior == "focus"
    return isinstance(focused, Input)


class HeldKeys:
    """An App mixin: `hold_keys()` and `release_keys()`, and every pushed screen holds keys until it is ready."""

    _held: list[events.Key] | None = None
    _hold_timer: Timer | None = None

    def hold_keys(self: Any) -> None:
        """Keep the keys typed from now on until `release_keys` (or HOLD_LIMIT)."""
        if self._held is None:
            self._held = []
            self._hold_timer = self.set_timer(HOLD_LIMIT, self.release_keys)

    def release_keys(self: Any) -> None:
        """Hand on the kept keys, in order, to whatever has focus now."""
        held, self._held = self._held, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        for key in held or ():
            step = _FOCUS_STEPS.get(key.key)
            if step is not None:
                # Tab is a binding the app finds only once the focused field has passed the key
                # back up, by when the keys after it would have gone to that field too. Moving
                # the focus in the queue's order instead sends them where Tab would have.
                self.call_later(lambda step=step: step(self.screen))
            else:
                # A fresh event: the kept one has been through the app (and perhaps the old focus) once already.
                self.post_message(events.Key(key.key, key.character))

    async def on_event(self: Any, event: events.Event) -> None:
        # Both the keys still arriving and those coming back up from the old focus unused (the app
        # looks for a binding for them there): neither belongs to the screen that is going.
        if self._held is not None and isinstance(event, events.Key):
            self._held.append(event)
            return
        if isinstance(event, events.Key) and not event.is_forwarded and _steps_focus(self.screen.focused, event.key):
            # Tab arriving fresh from the terminal, with the text typed after it right behind: the
            # Screen's binding would find it only once the field had passed it back up, by when that
            # text had gone to the same field. Moving the focus now, in the order typed, sends it on.
            _FOCUS_STEPS[event.key](self.screen)
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            field = self.screen.focused
            binding = _field_binding(field, event)
            if binding is not None:
                # A priority binding (the portfolio's Enter leaving its filter) comes first, as Textual has it;
                # else the field's, in its own queue: after the letters typed before it, before those after.
                if not await self._check_bindings(event.key, priority=True):
                    field.call_later(self._run_field_binding, field, binding, event)
                return
        await super().on_event(event)  # type: ignore[misc]

    async def _run_field_binding(self: Any, field: Widget, binding: Binding, event: events.Key) -> None:
        if not await self.run_action(binding.action, field):
            field._forward_event(events.Key(event.key, event.character))  # not for the field now: up the screen as usual

    def push_screen(self: Any, screen: Any, *args: Any, **kwargs: Any) -> Any:
        self.hold_keys()
        pushed = super().push_screen(screen, *args, **kwargs)  # type: ignore[misc]
        # After the screen's first refresh its on_mount has run and asked for its focus
        # (Widget.focus queues the change on the app): the kept keys are queued after that.
        self.screen_stack[-1].call_after_refresh(self.release_keys)
        return pushed
