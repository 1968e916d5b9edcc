"""Shared by the project-screen tests: a portfolio to open, an app to open it in, and the screen as text."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import defaultdict
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from waiting import settle

from projtui.config import Settings
from projtui.domain.enums import Direction, Stage
from projtui.domain.records import BenefitFields, MeasureFields, OutcomeFields, OutputFields, PlanFields, ProjectFields
from projtui.services import plans, projects
from projtui.services.opening import open_portfolio
from projtui.store import tables as t
from projtui.ui import app as app_module
from projtui.ui.app import ProjtuiApp
from projtui.ui.screens.project import ProjectScreen

MARKUP = "Rates [/] review [red]x"
USER = "tester"
FROZEN = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def build_portfolio(path) -> object:
    """SP-01 with a plan whose chain has breaks, two reviews and two ambitions; SP-02 to clash codes with."""
    db = open_portfolio(f"sqlite:///{path}", create=True)
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


def screen_text(app: App) -> str:
    """What the terminal shows, as plain lines (from the SVG screenshot)."""
    svg = app.export_screenshot()
    lines: dict[int, list[str]] = defaultdict(list)
    for line, content in re.findall(r'<text[^>]*clip-path="url\(#terminal-\d+-line-(\d+)\)"[^>]*>(.*?)</text>', svg):
        lines[int(line)].append(html.unescape(content).replace("\xa0", " "))
    return "\n".join("".join(lines[n]) for n in sorted(lines))


async def answer_confirm(pilot: Pilot, yes: bool) -> None:
    """Answer the ConfirmScreen on top."""
    screen = pilot.app.screen
    assert type(screen).__name__ == "ConfirmScreen", screen
    await pilot.press("y" if yes else "n")
    await settle(pilot)
