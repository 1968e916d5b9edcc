"""One home for the UI tests' helpers: waiting for the app, the screen as text, forms, and the portfolios they open."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

from people import admins
from rich.console import Console
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input
from textual.worker import WorkerCancelled, WorkerFailed

from projtui.config import Settings
from projtui.domain.enums import Direction, Stage
from projtui.domain.quarter import Quarter
from projtui.domain.records import (
    BenefitFields,
    MeasureFields,
    OutcomeFields,
    OutputFields,
    PlanFields,
    ProjectFields,
)
from projtui.services import plans, projects
from projtui.services.opening import open_portfolio
from projtui.store import tables as t
from projtui.ui import app as app_module
from projtui.ui.app import ProjtuiApp
from projtui.ui.screens.help import HelpScreen
from projtui.ui.screens.portfolio import FILTER_DELAY
from projtui.ui.screens.project import ProjectScreen
from projtui.ui.screens.review import ReviewScreen

USER = "tester"
MARKUP = "Rates [/] review [red]x"  # a name that looks like Rich markup: it must show as typed
BIG = 100_000


async def type_filter(pilot: Pilot, text: str) -> None:
    """Press / and type, as a user does, then wait for the filtered table."""
    await pilot.press("slash", *text)
    await filter_read(pilot)


async def filter_read(pilot: Pilot) -> None:
    """Wait out the filter's own delay (its timer started at the last keystroke), then for the query it starts.

    Keys posted in one burst may still be queued: they are handled first, so the delay is counted from the
    last of them, not from when this was called (on a slow machine the last letters came after it).
    """
    await settle(pilot)
    await pilot.pause(FILTER_DELAY)
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


def footer(app: App) -> str:
    """The footer: the screen's last line."""
    return screen_text(app).splitlines()[-1]


def help_entries(app: App) -> dict[str, set[str]]:
    """What the help screen on top lists: each group's heading and its "keys description" lines."""
    screen = app.screen
    assert isinstance(screen, HelpScreen), screen
    return {group.heading: {f"{key.keys} {key.description}" for key in group.keys} for group in screen.groups}


def notifications(app: App) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def type_into(pilot: Pilot, field: str, text: str) -> None:
    """Empty a form's field and type `text` into it, as a user does."""
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()


def error_of(screen: Screen, field: str) -> str:
    """The error shown under a form's field, or "" when none is shown."""
    error = screen.query_one(f"#error-{field}")
    return str(error.render()) if error.has_class("-shown") else ""


# -- waiting ---------------------------------------------------------------------------------------

WORKERS_TIMEOUT = 60  # seconds: far beyond any test's real wait, so only a hang trips it
LONG_RUNNING = {"app-listen"}  # workers that run as long as the app (PostgreSQL's LISTEN, `ui.live_refresh`): never "settled"


async def settle(pilot: Pilot, *, failures: bool = False) -> None:
    """Wait until every worker has finished and what it posted has been handled.

    A worker's result often starts the next worker (queue → sheet → trend), and
    `wait_for_complete` returns early when an exclusive worker is superseded, so
    this waits again for whatever is running until two looks in a row find none.
    A worker that fails fails the test, unless the test makes it fail on purpose (`failures`).
    Workers meant to run as long as the app (LONG_RUNNING) are not waited for.
    """
    expected = (WorkerCancelled, WorkerFailed) if failures else WorkerCancelled

    async def quiet() -> None:
        idle = 0
        while idle < 2:
            await pilot.pause()  # handle what the finished workers posted (it may start others)
            running = [worker for worker in pilot.app.workers if not worker.is_finished and worker.group not in LONG_RUNNING]
            if not running:
                idle += 1
                continue
            idle = 0
            try:
                await pilot.app.workers.wait_for_complete(running)
            except expected:  # a superseded read: its successor is in the next look
                pass

    try:
        await asyncio.wait_for(quiet(), WORKERS_TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"workers still running after {WORKERS_TIMEOUT}s: {list(pilot.app.workers)}") from None


async def in_one_read(pilot: Pilot, *keys: tuple[str, str | None]) -> None:
    """Queue (key, character) pairs as the driver does with one terminal read, all before the app handles the first; then settle."""
    for key, character in keys:
        pilot.app.post_message(events.Key(key, character))
    await settle(pilot)


async def still(pilot: Pilot) -> None:
    """Settle, and stop every cursor blinking, so a snapshot is the same picture every time."""
    await settle(pilot)
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()
    await _sized_tables(pilot)


async def _sized_tables(pilot: Pilot) -> None:
    """Wait until every DataTable has measured the rows it was given.

    A DataTable sizes its columns when its own message queue goes idle, which on a loaded
    machine can come after the app as a whole looks quiet: a picture taken then shows
    columns as wide as their headings. The flags are private; Textual is pinned.
    """
    for _ in range(200):
        tables = pilot.app.screen.query(DataTable)
        if not any(table._require_update_dimensions or table._updated_cells for table in tables):
            return
        await pilot.pause(0.01)
    raise AssertionError("a DataTable never measured its rows")


# -- the project screen's portfolio --------------------------------------------------------------

FROZEN = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def build_portfolio(path) -> object:
    """SP-01 with a plan whose chain has breaks, two reviews and two ambitions; SP-02 to clash codes with."""
    db = admins(open_portfolio(f"sqlite:///{path}", create=True))
    with db.transaction() as session:
        session.add(t.Ambition(code="A1", title="A Sustainable District", sort_order=1))
        session.add(t.Ambition(code="A2", title="An Inclusive and Prosperous Local Economy", sort_order=2))
    projects.create_project(
        db,
        ProjectFields(
            code="SP-01",
            name=MARKUP,
            stage=Stage.DELIVERY,
            summary="Replace gas boilers at [b]Salt Ayre[/b] with heat pumps and solar.",
            service="Property [Estates]",
            directorate="Environment and Place",
            portfolio_holder="Cabinet Member for Climate",
            senior_responsible_owner="Chief Officer - Environment",
            lead="J. Smith [lead]",
            start_date=dt.date(2024, 4, 1),
            end_date=dt.date(2026, 3, 31),
            budget_pence=1_234_500_050,
        ),
        actor="setup",
        ambitions=["A1", "A2"],
    )
    projects.create_project(db, ProjectFields(code="SP-02", name="Office consolidation", stage=Stage.PIPELINE), actor="setup")
    code = "SP-01"
    o1 = plans.add_item(db, code, "output", OutputFields(code="O1", title="Heat pumps [red]installed"), actor="setup")
    plans.add_item(db, code, "output", OutputFields(code="O2", title="Solar array on the roof"), actor="setup")
    oc1 = plans.add_item(db, code, "outcome", OutcomeFields(code="OC1", title="Lower carbon emissions"), actor="setup")
    plans.add_item(db, code, "outcome", OutcomeFields(code="OC2", title="Lower energy bills"), actor="setup")
    plans.add_item(db, code, "benefit", BenefitFields(code="B1", title="Reduced gas consumption", full_year_value_pence=8_500_000), actor="setup")
    plans.add_item(db, code, "benefit", BenefitFields(code="B2", title="Fewer [i]complaints[/i]"), actor="setup")
    m1 = plans.add_measure(
        db, code, "benefit", "B1",
        MeasureFields(name="Gas use", unit="%", direction=Direction.LOWER, baseline=100, target=65), actor="setup",
    )
    plans.add_measure(db, code, "outcome", "OC1", MeasureFields(name="Tonnes of CO2", unit="t"), actor="setup")
    plans.set_links(db, "output", o1.id, ["OC1", "OC2"], expected_version=o1.version, actor="setup")
    plans.set_links(db, "outcome", oc1.id, ["B1"], expected_version=oc1.version, actor="setup")
    plans.update_plan(
        db, code,
        PlanFields(review_schedule="Quarterly to the Strategic Projects Board.", post_project_owner="Head of Property"),
        expected_version=1, actor="setup",
    )
    project_id = projects.get_project(db, code).id
    with db.transaction() as session:
        for quarter, value in ((1, 92.0), (2, 80.5), (3, 75.0)):
            session.add(t.MeasureValue(measure_id=m1.id, fy_start_year=2024, quarter=quarter, value=value, entered_by="setup"))
        session.add(
            t.QuarterlyReview(
                project_id=project_id, fy_start_year=2024, quarter=3, status="published", published_by="Board",
                published_on=dt.date(2025, 1, 20), rag="amber", time_rag="red", cost_rag="green", scope_rag="green",
                benefits_rag="amber", commentary="Works delayed by [supplier] lead times; heat pumps now due in March.",
                spend_to_date_pence=450_000_00, forecast_pence=1_200_000_00,
            )
        )
        session.add(
            t.QuarterlyReview(project_id=project_id, fy_start_year=2024, quarter=4, rag="green", commentary="Back on track.")
        )
    freeze_audit(db)
    return db


def freeze_audit(db) -> None:
    """Every audit row gets one fixed time, so history screenshots do not move."""
    with db.transaction() as session:
        session.execute(t.AuditLog.__table__.update().values(at=FROZEN))


class ProjectTestApp(ProjtuiApp):
    """The real app, opened on one project as if Enter had been pressed on its row in the portfolio."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))  # a relative path would resolve here, in tests/ui

    def __init__(self, db, *, code: str = "SP-01", tab: str = "overview") -> None:
        super().__init__(db, Settings(user=USER))
        self._open = (code, tab)

    def on_mount(self) -> None:
        super().on_mount()
        code, tab = self._open
        self.push_screen(ProjectScreen(code, tab=tab))


def make_app(db, *, code: str = "SP-01", tab: str = "overview") -> ProjtuiApp:
    return ProjectTestApp(db, code=code, tab=tab)


async def go_to(pilot: Pilot, ref, tree: str = "#plan-items") -> None:
    """Put the cursor of the plan tab's items tree (or the map) on a record (a `Ref`), as the arrow keys would."""
    widget = pilot.app.screen.query_one(tree)
    widget.focus()
    node = widget.find(ref)
    assert node is not None, ref
    widget.move_cursor(node)
    await pilot.pause()


def review_app(db) -> ProjtuiApp:
    return ProjtuiApp(db, Settings(user=USER))


async def open_review(pilot: Pilot, quarter: Quarter | None = None) -> ReviewScreen:
    """Review mode for `quarter` (None: the one under review), read and drawn."""
    screen = ReviewScreen(quarter)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def answer_confirm(pilot: Pilot, yes: bool) -> None:
    """Answer the ConfirmScreen on top."""
    screen = pilot.app.screen
    assert type(screen).__name__ == "ConfirmScreen", screen
    await pilot.press("y" if yes else "n")
    await settle(pilot)
