"""Shared by the portfolio, golden-thread and help tests: waiting for workers, and the screen as text."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from waiting import settle

USER = "tester"
MARKUP_NAME = "Rates [/] review [red]x"
BIG = 100_000


async def type_filter(pilot: Pilot, text: str) -> None:
    """Press / and type, as a user does, then wait out the debounce."""
    await pilot.press("slash", *text)
    await pilot.pause(0.3)
    await settle(pilot)


def screen_text(app: App) -> str:
    """What the terminal shows now, as plain lines: the screen (and any screens under a dialog) as composited."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor", record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def table_lines(app: App) -> list[str]:
    """The portfolio table's lines as rendered (headings first)."""
    table = app.screen.query_one("#projects")
    return [table.render_line(y).text for y in range(table.size.height)]


def notifications(app: App) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]
