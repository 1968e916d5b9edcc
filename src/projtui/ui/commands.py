"""Command palette (ctrl+p): every action bound on the current screen, by name.

Read from the live bindings of the screen the palette was opened on (the
screen, its focused widget and the app), so nothing is reachable by mouse
or by key only, and a remapped key shows as remapped.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

# Bindings that make no sense as a palette command.
_SKIP = {
    "command_palette", "app.command_palette", "help_quit", "app.help_quit",
    # Textual's focus and copy keys: plumbing, not things to do.
    "app.focus_next", "app.focus_previous", "screen.copy_text",
}


class BindingCommands(Provider):
    """The actions of the calling screen's bindings."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        app = self.app
        found: dict[tuple[int, str], tuple[str, list[str], DOMNode]] = {}
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if binding.system or binding.action in _SKIP or not active.enabled:
                continue
            if not isinstance(active.node, (App, Screen)) and not binding.show:
                continue  # a widget's cursor and scroll keys are not commands
            name = binding.tooltip or binding.description
            if not name:
                continue
            entry = found.setdefault((id(active.node), binding.action), (name, [], active.node))
            entry[1].append(key)
        commands = []
        for (_, action), (name, keys, node) in found.items():
            where = "everywhere" if isinstance(node, App) else getattr(node, "HELP_TITLE", "") or type(node).__name__
            shown_keys = " or ".join(app.get_key_display(Binding(key, action)) for key in keys)
            commands.append((name, f"key {shown_keys}  ·  {where}", partial(app.run_action, action, node)))
        # The screen's own actions first, then the focused widget's, then the app's.
        commands.sort(key=lambda command: 2 if command[1].endswith("everywhere") else 0)
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
