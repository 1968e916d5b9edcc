"""The portfolio screen as a user drives it: filter as you type, sort, stage and ambition filters, grouping,
opening a project, markup-looking names, and a 100,000-project portfolio scrolled end to end."""

from __future__ import annotations

import importlib
import sys
import threading

import pytest
from support import (
    BIG,
    MARKUP,
    USER,
    filter_read,
    notifications,
    screen_text,
    settle,
    table_lines,
    type_filter,
)
from textual import events
from textual.widgets import Input, OptionList, Static

from projtui.domain.enums import Stage
from projtui.domain.records import ProjectFields
from projtui.services import portfolio, portfolio_benefits, projects
from projtui.services.importing import import_snapshot
from projtui.services.read_models import NO_AMBITION, ProjectQuery, SortKey
from projtui.ui.screens import portfolio as portfolio_screen
from projtui.ui.screens.confirm import ChoiceScreen
from projtui.ui.screens.portfolio import PortfolioScreen
from projtui.ui.screens.welcome import ImportFileScreen, WelcomeScreen
from projtui.ui.widgets.paging import PAGE_SIZE
from projtui.ui.widgets.project_table import ProjectTable

SIZE = (120, 40)


def table(app) -> ProjectTable:
    return app.screen.query_one("#projects", ProjectTable)


def count_text(app) -> str:
    return str(app.screen.query_one("#count").render())


def visible_codes(app) -> list[str]:
    return [row.code for row in table(app).visible_rows() if row is not None]


def post_at_once(app, *input_events: events.Event) -> None:
    """Queue events as the driver does with the keys of one terminal read: all before the app handles the first."""
    for event in input_events:
        app.post_message(event)


def keys(*pairs: tuple[str, str]) -> list[events.Key]:
    return [events.Key(key, char) for key, char in pairs]


async def test_lists_every_project_with_rag_symbol_and_benefits(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert count_text(app) == "shown 17 of 17 projects"
        assert visible_codes(app) == [f"SP-{n:02d}" for n in range(1, 18)]
        lines = table_lines(app)
        assert lines[0].split()[:3] == ["Code", "▲", "Name"]  # sorted by code, ascending
        first = next(line for line in lines if "SP-01" in line)
        assert "Waste collection route optimisation" in first
        assert "delivery" in first and " A1 " in first
        assert "● Green" in first  # a symbol as well as a colour
        assert "4/4" in first  # benefits on track, of those assessed
        red = next(line for line in lines if "SP-05" in line)
        assert "▲ Red" in red
        unlinked = next(line for line in lines if "SP-17" in line)
        assert "pipeline" in unlinked and "–" in unlinked  # no primary ambition
        assert app.sub_title == "Strategic Projects 2024-2027 · Lancaster City Council"


async def test_typing_filters_live_on_code_name_lead_and_service(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "hous")
        assert count_text(app) == "shown 3 of 17 projects"
        assert visible_codes(app) == ["SP-05", "SP-15", "SP-17"]
        assert isinstance(app.focused, Input)

        # Backspace and type a lead's name instead.
        await pilot.press(*["backspace"] * 4, *"ashton")
        await filter_read(pilot)
        assert visible_codes(app) == ["SP-15"]

        # A service, and a code.
        app.screen.query_one("#filter", Input).value = "waste and recycling"
        await filter_read(pilot)
        assert visible_codes(app) == ["SP-01"]
        app.screen.query_one("#filter", Input).value = "sp-1"
        await filter_read(pilot)
        assert visible_codes(app) == [f"SP-{n}" for n in range(10, 18)]

        # Enter goes back to the table with the filter kept; x clears it.
        await pilot.press("enter")
        assert app.focused is table(app)
        await pilot.press("x")
        await settle(pilot)
        assert count_text(app) == "shown 17 of 17 projects"
        assert app.screen.query_one("#filter", Input).value == ""


async def test_keys_typed_straight_after_enter_or_escape_reach_the_table(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # One burst, as a fast typist or a terminal multiplexer sends it: the filter, Enter, then 3 (sort by stage),
        # every key queued before the first is handled.
        await pilot.press("slash")
        post_at_once(app, *keys(*((c, c) for c in "hous"), ("enter", "\r"), ("3", "3")))
        # The Input may take in the last letters after Enter was handled: their debounce then reads "hous".
        await filter_read(pilot)
        assert app.screen.query_one("#filter", Input).value == "hous"
        assert table(app).project_query == ProjectQuery(text="hous", sort=SortKey.STAGE)
        assert visible_codes(app) == ["SP-17", "SP-05", "SP-15"]  # pipeline before delivery
        await pilot.press("slash", "end")
        post_at_once(app, *keys(("s", "s"), ("escape", "\x1b"), ("2", "2")))
        await filter_read(pilot)
        assert table(app).project_query == ProjectQuery(text="houss", sort=SortKey.NAME)
        assert app.focused is table(app)


@pytest.mark.parametrize(
    "text",
    [keys(*((c, c) for c in "waste")), [events.Paste("waste")]],
    ids=["typed", "pasted"],
)
async def test_text_in_the_same_read_as_slash_lands_in_the_filter(sample_db, make_app, text):
    # A paste, a fast typist or a screen reader's macro: the terminal hands "/waste" over in one read,
    # so every event is queued before / has moved the focus to the filter.
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        post_at_once(app, events.Key("slash", "/"), *text)
        await filter_read(pilot)
        assert app.screen.query_one("#filter", Input).value == "waste"
        assert app.focused is app.screen.query_one("#filter", Input)
        assert isinstance(app.screen, PortfolioScreen)  # a and s typed, not the golden thread or the stage picker
        assert table(app).project_query == ProjectQuery(text="waste")
        assert visible_codes(app) == ["SP-01"]
        await pilot.press("slash")  # in the filter, / is text, as in "and/or"
        assert app.screen.query_one("#filter", Input).value == "waste/"


async def test_no_match_says_so(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "zzz-nothing")
        assert count_text(app) == "shown 0 of 17 projects"
        assert "No projects match. Press x to clear the filters." in screen_text(app)


async def test_only_the_latest_query_shows_when_loads_overlap(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        # Three loads in a row, as fast typing makes: only the last may land.
        t.load(ProjectQuery(text="h"))
        t.load(ProjectQuery(text="ho"))
        t.load(ProjectQuery(text="hous"))
        await settle(pilot)
        assert t.project_query.text == "hous" and t.shown == 3
        # A result from an older request that arrives late is dropped.
        stale = ProjectTable._Reloaded(
            view=t._view.__class__(generation=t._requested - 1, query=ProjectQuery(text="h"), shown=99, total=17, loaded=True),
            page=0,
            rows=[],
        )
        t.post_message(stale)
        await settle(pilot)
        assert t.project_query.text == "hous" and t.shown == 3


class Gate:
    """Holds a worker thread at one point (`hold`) until the test opens it."""

    def __init__(self) -> None:
        self.reached, self.opened = threading.Event(), threading.Event()

    def hold(self) -> None:
        self.reached.set()
        self.opened.wait(30)

    async def wait_reached(self, pilot) -> None:
        """Let the app run until a worker is held here."""
        for _ in range(3_000):
            if self.reached.is_set():
                return
            await pilot.pause(0.01)
        raise AssertionError("no worker reached the gate")


def _reads_of(monkeypatch, then=None) -> list[str]:
    """The filter text of each query the table reads (its first page), calling `then(text)` before reading."""
    read: list[str] = []
    list_projects = portfolio.list_projects

    def spy(db, query, *, offset=0, limit=100):
        if offset == 0:
            read.append(query.text)
            if then is not None:
                then(query.text)
        return list_projects(db, query, offset=offset, limit=limit)

    monkeypatch.setattr(portfolio, "list_projects", spy)
    return read


async def test_first_keystroke_filters_at_once_and_a_burst_is_read_once(sample_db, make_app, monkeypatch):
    counted = _reads_of(monkeypatch)
    # A pause that never ends within the test: whatever is read, is read without waiting for it.
    monkeypatch.setattr(portfolio_screen, "FILTER_DELAY", 600)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "h")
        await settle(pilot)
        assert table(app).project_query.text == "h" and counted == ["", "h"]
        await pilot.press(*"ous")  # hard on the heels of the first: these wait for a pause
        await settle(pilot)
        assert table(app).project_query.text == "h" and counted == ["", "h"]
        await pilot.press("enter")  # or Enter: the text as it stands, once
        await settle(pilot)
        assert table(app).project_query.text == "hous" and counted == ["", "h", "hous"]
        assert visible_codes(app) == ["SP-05", "SP-15", "SP-17"]


async def test_one_query_runs_at_a_time_and_only_the_latest_waits(sample_db, make_app, monkeypatch):
    gate = Gate()
    counted = _reads_of(monkeypatch, lambda text: text == "a" and gate.hold())
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        try:
            t.load(ProjectQuery(text="a"))
            await gate.wait_reached(pilot)
            for text in ("b", "c", "hous"):
                t.load(ProjectQuery(text=text))
            await pilot.pause()
            running = [w for w in app.workers if w.group == "project-table-reload" and not w.is_finished]
            assert len(running) == 1 and counted == ["", "a"]
        finally:
            gate.opened.set()
        await settle(pilot)
        assert counted == ["", "a", "hous"]  # "b" and "c" were superseded before they started
        assert t.project_query.text == "hous" and t.shown == 3 and t.is_loaded


async def test_sort_by_any_column_and_reverse(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # by name
        await settle(pilot)
        rows = [r for r in table(app).visible_rows() if r]
        names = [r.name.lower() for r in rows]
        assert names == sorted(names)
        assert table_lines(app)[0].split()[:3] == ["Code", "Name", "▲"]
        await pilot.press("2")  # again: reversed
        await settle(pilot)
        names = [r.name.lower() for r in table(app).visible_rows() if r]
        assert names == sorted(names, reverse=True)
        assert "Name ▼" in table_lines(app)[0]

        await pilot.press("5")  # by RAG: worst first
        await settle(pilot)
        rags = [r.latest_rag.value for r in table(app).visible_rows() if r]
        assert rags[:2] == ["red", "red"] and rags[-1] == "complete"

        await pilot.press("r")  # reverse
        await settle(pilot)
        assert [r.latest_rag.value for r in table(app).visible_rows() if r][0] == "complete"


async def test_sort_from_the_picker_and_by_clicking_a_heading(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "down", "enter")  # Code, Name, Stage
        await settle(pilot)
        assert table(app).project_query.sort is SortKey.STAGE
        stages = [r.stage for r in table(app).visible_rows() if r]
        # The lifecycle, not the alphabet: pipeline first, closed after closing, on hold last.
        assert list(dict.fromkeys(stages)) == [Stage.PIPELINE, Stage.INITIATION, Stage.DELIVERY, Stage.CLOSING, Stage.CLOSED, Stage.ON_HOLD]

        # Click the Lead heading.
        lines = table_lines(app)
        x = lines[0].index("Lead")
        await pilot.click("#projects", offset=(x, 0))
        await settle(pilot)
        assert table(app).project_query.sort is SortKey.LEAD
        # Benefits on track is worked out per row on screen: not sortable, and the app says so.
        await pilot.click("#projects", offset=(table_lines(app)[0].index("Benefits"), 0))
        await settle(pilot)
        assert table(app).project_query.sort is SortKey.LEAD
        assert any("cannot be sorted" in message for _, message in notifications(app))


async def test_stage_filter_from_the_picker(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "down", "down", "enter")  # All, pipeline, initiation, delivery
        await settle(pilot)
        assert table(app).project_query.stage is Stage.DELIVERY
        assert count_text(app) == "shown 11 of 17 projects"
        assert all(r.stage is Stage.DELIVERY for r in table(app).visible_rows() if r)
        assert "Stage delivery" in screen_text(app)


async def test_ambition_filter_includes_linked_to_no_ambition(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("end", "enter")  # the last choice: linked to no ambition
        await settle(pilot)
        assert table(app).project_query.ambition == NO_AMBITION
        assert visible_codes(app) == ["SP-17"]
        assert "Ambition linked to no ambition" in screen_text(app)

        await pilot.press("f", "home", "down", "enter")  # A1 (any link, primary or not)
        await settle(pilot)
        assert table(app).project_query.ambition == "A1"
        assert visible_codes(app) == ["SP-01", "SP-08", "SP-16"]


def choice_lines(app) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [" ".join(str(options.get_option_at_index(i).prompt).split()) for i in range(options.option_count)]


async def test_stage_and_ambition_pickers_count_what_each_choice_would_show(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert choice_lines(app) == [
            "All stages 17 (current)", "Pipeline 1", "Initiation 2", "Delivery 11",
            "Closing 1", "Closed 1", "On hold 1", "Cancelled 0",
        ]
        await pilot.press("escape")
        await type_filter(pilot, "hous")  # SP-05 and SP-15 in delivery, SP-17 in the pipeline
        await pilot.press("enter", "s")
        await settle(pilot)
        assert choice_lines(app)[:4] == ["All stages 3 (current)", "Pipeline 1", "Initiation 0", "Delivery 2"]
        await pilot.press("down", "down", "down", "enter")  # delivery
        await settle(pilot)
        assert visible_codes(app) == ["SP-05", "SP-15"]

        # The ambition picker counts any link, within the filter and the stage.
        await pilot.press("f")
        await settle(pilot)
        lines = choice_lines(app)
        expected = {code: portfolio.count_projects(sample_db, ProjectQuery(text="hous", stage=Stage.DELIVERY, ambition=code)) for code in ("A1", "A2", "A3", "A4")}
        assert lines[0] == "All ambitions 2 (current)"
        assert [int(line.split()[-1]) for line in lines[1:5]] == list(expected.values())
        assert lines[-1] == "Linked to no ambition 0"


async def test_group_by_ambition_then_stage(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        lines = table_lines(app)
        assert "▌A1 A Sustainable District  2 projects" in lines[1]
        assert lines[2].split()[0] == "SP-01" and lines[3].split()[0] == "SP-08"
        assert any("▌Linked to no ambition  1 project" in line for line in lines)
        # The cursor moves over projects, never onto a heading.
        await pilot.press("down", "down")
        assert table(app).current_row.code == "SP-09"

        await pilot.press("g")
        await settle(pilot)
        lines = table_lines(app)
        headings = [line.strip() for line in lines if "▌" in line]
        assert headings == [
            "▌Pipeline  1 project", "▌Initiation  2 projects", "▌Delivery  11 projects",
            "▌Closing  1 project", "▌Closed  1 project", "▌On hold  1 project",
        ]
        await pilot.press("g")
        await settle(pilot)
        assert table(app).group_by is None


async def test_keyboard_cursor_and_enter_opens_the_project(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        assert table(app).current_row.code == "SP-03"
        assert "SP-03  Revenues and Benefits chatbot triage" in str(app.screen.query_one("#row-detail").render())
        await pilot.press("end")
        assert table(app).current_row.code == "SP-17"
        await pilot.press("home", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ProjectScreen"
        assert app.screen.project_code == "SP-01"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert table(app).current_row.code == "SP-01"


async def test_mouse_click_selects_and_double_click_opens(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#projects", offset=(3, 4))  # line 0 is the headings
        assert table(app).current_row.code == "SP-04"
        await pilot.double_click("#projects", offset=(3, 6))
        await settle(pilot)
        assert type(app.screen).__name__ == "ProjectScreen"
        assert app.screen.project_code == "SP-06"


async def test_markup_looking_names_render_literally(sample_db, make_app):
    projects.create_project(
        sample_db,
        ProjectFields(code="SP-99", name=MARKUP, stage=Stage.DELIVERY, lead="[b]Lead[/b]", service="Revenues [x]"),
        actor="setup",
        ambitions=["A4"],
    )
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "rates [")
        assert visible_codes(app) == ["SP-99"]
        row = next(line for line in table_lines(app) if "SP-99" in line)
        assert MARKUP in row and "[b]Lead[/b]" in row
        text = screen_text(app)
        assert f"SP-99  {MARKUP}" in text  # the detail line
        assert "service Revenues [x]" in text

        # Link it to another ambition: the notification names it literally too.
        await pilot.press("enter", "l")
        await settle(pilot)
        await pilot.press("home", "space", "ctrl+s")  # tick A1 too
        await settle(pilot)
        assert (f"SP-99 {MARKUP}", "Linked to A4 (primary), A1.") in notifications(app)
        assert MARKUP in screen_text(app)
        assert [a.code for a in projects.get_project(sample_db, "SP-99").ambitions] == ["A4", "A1"]


async def test_markup_looking_portfolio_name_in_the_header(empty_db, make_app):
    import_snapshot(empty_db, f'schema_version = 1\n[portfolio]\nname = "{MARKUP}"\n', source="name.toml", actor="setup")
    app = make_app(empty_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.sub_title == MARKUP
        assert f"projtui — {MARKUP}" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert f"Golden thread — {MARKUP}" in screen_text(app)


async def test_link_from_the_portfolio_updates_the_row(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("end", "l")  # SP-17, linked to no ambition
        await settle(pilot)
        assert type(app.screen).__name__ == "AmbitionPicker"
        await pilot.press("down", "down", "space", "ctrl+s")  # A3
        await settle(pilot)
        assert table(app).current_row.code == "SP-17"
        assert table(app).current_row.primary_ambition == "A3"
        detail = projects.get_project(sample_db, "SP-17")
        assert [(a.code, a.is_primary) for a in detail.ambitions] == [("A3", True)]


async def test_a_failing_read_is_said_once_not_retried_in_a_loop(sample_db, make_app, monkeypatch):
    calls = []

    def broken(db, ids):
        calls.append(ids)
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(portfolio_benefits, "benefits_on_track", broken)
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert len(calls) == 1
        row = next(line for line in table_lines(app) if "SP-01" in line)
        assert " ? " in row  # unknown, not "0/0"
        assert notifications(app) == [("Could not read the portfolio", "disk I/O error")]
        assert count_text(app) == "shown 17 of 17 projects"  # the rest of the table is fine


async def test_theme_toggles_between_dark_and_light(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await settle(pilot)
        assert "SP-01" in screen_text(app)
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_ctrl_q_quits(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_an_empty_database_welcomes_and_s_loads_the_sample(empty_db, make_app):
    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = screen_text(app)
        for offer in ("Load the sample (s)", "Add your Council Plan ambitions (a)", "Add your first project (n)", "Import a spreadsheet or snapshot (i)"):
            assert offer in text, offer
        await pilot.press("s")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert count_text(app) == "shown 17 of 17 projects"
        assert app.sub_title.startswith("Strategic Projects 2024-2027")


async def test_the_whole_welcome_fits_80x24(empty_db, make_app):
    # The smallest terminal projtui supports: every choice, what it does, and how to start empty are on screen.
    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = " ".join(" ".join(screen_text(app).split()).replace("█", " ").split())
        for shown in ("Import a spreadsheet or snapshot (i)", "Your project register, quarterly actuals", "or a projtui .toml snapshot.",
                      "Esc starts empty"):
            assert shown in text, shown


async def import_from_the_welcome(pilot, path) -> ImportFileScreen:
    """The welcome's i, the path typed in, Enter: the dialog, after the import has run."""
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportFileScreen)
    dialog.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return dialog


async def test_the_import_dialog_scrolls_to_every_problem_at_80x24(empty_db, make_app, tmp_path):
    bad = tmp_path / "register.csv"
    bad.write_text("Project code,Project name,Start date\n" + "".join(f"SP-{n:02d},Lido,31/02/2026\n" for n in range(1, 9)), encoding="utf-8")
    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await import_from_the_welcome(pilot, bad)
        assert "Nothing was imported:" in screen_text(app)  # brought into view below the path
        await pilot.press("tab", "tab")  # to the buttons, past every problem
        await settle(pilot)
        text = " ".join(screen_text(app).replace("█", " ").split())
        assert "… and 2 more:" in text and "Cancel (esc)" in text, text


async def test_the_welcome_declined_stays_empty_and_says_how_to_start(empty_db, make_app):
    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert count_text(app) == "shown 0 of 0 projects"
        assert "The portfolio has no projects yet: n adds one; `projtui import FILE` loads a spreadsheet or snapshot." in screen_text(app)
        await pilot.resize_terminal(80, 24)  # too narrow for one line: it wraps, not cut at "loads a s"
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "The portfolio has no projects yet: n adds one; `projtui import FILE` loads a spreadsheet or snapshot." in text, text
    assert portfolio.total_projects(empty_db) == 0


async def test_the_welcome_n_opens_the_first_projects_form(empty_db, make_app):
    from projtui.ui.screens.item_form import FormScreen

    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.query_one("#field-code", Input).value == "SP-01"


async def test_the_welcome_imports_a_register_and_shows_problems_beside_the_path(empty_db, make_app, tmp_path):
    bad = tmp_path / "register.csv"
    bad.write_text("Project code,Project name,Start date\nSP-01,Leisure centre,31/02/2026\n", encoding="utf-8")
    good = tmp_path / "fixed.csv"
    good.write_text("Project code,Project name,Start date\nSP-01,Leisure centre,28/02/2026\nSP-02,Lido,\n", encoding="utf-8")
    app = make_app(empty_db, offer_sample=True)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await import_from_the_welcome(pilot, bad)
        assert app.screen is dialog
        error = str(dialog.query_one("#import-error", Static).render())
        assert error.startswith("Nothing was imported:") and "register.csv:2: Start" in error, error
        assert portfolio.total_projects(empty_db) == 0
        dialog.query_one("#import-path", Input).value = str(good)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert count_text(app) == "shown 2 of 2 projects"
        assert any(message.startswith(f"Imported {good}: 2 added") for _, message in notifications(app))


async def test_the_command_palette_runs_screen_actions(sample_db, make_app):
    app = make_app(sample_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"golden thread")
        await settle(pilot)  # the palette searches in a worker
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "GoldenThreadScreen"


# -- a large portfolio ---------------------------------------------------------------------------


async def test_large_portfolio_top_middle_and_end(big_db, make_app):
    app = make_app(big_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        assert count_text(app) == f"shown {BIG:,} of {BIG:,} projects"
        body = t.size.height - 1
        assert visible_codes(app) == [f"P-{i:06d}" for i in range(body)]
        # Only what was needed was read: the first page, not 100,000 rows.
        assert set(t._pages) == {0}

        await pilot.press("pagedown")
        await settle(pilot)
        assert t.current_row.code == f"P-{body:06d}"

        # The middle: jump the cursor and the view follows, reading that page only.
        t.move_cursor(BIG // 2)
        await settle(pilot)
        assert t.current_row.code == f"P-{BIG // 2:06d}"
        assert f"P-{BIG // 2:06d}" in visible_codes(app)
        assert (BIG // 2) // PAGE_SIZE in t._pages

        await pilot.press("end")
        await settle(pilot)
        assert t.current_row.code == f"P-{BIG - 1:06d}"
        codes = visible_codes(app)
        assert codes[-1] == f"P-{BIG - 1:06d}" and len(codes) == body
        assert f"P-{BIG - 1:06d}" in screen_text(app)
        assert len(t._pages) <= 4

        await pilot.press("home")
        await settle(pilot)
        assert visible_codes(app)[0] == "P-000000"


async def test_a_filter_shows_its_first_page_before_it_is_counted(big_db, make_app, monkeypatch):
    gate, count = Gate(), portfolio.count_projects
    monkeypatch.setattr(portfolio, "count_projects", lambda db, query: (query.text and gate.hold()) or count(db, query))
    app = make_app(big_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = table(app)
        t.load(ProjectQuery(text="P-001"))
        try:
            await gate.wait_reached(pilot)
            await pilot.pause()
            # The rows are there while the 1,000 matches are still being counted; the line still says the last count.
            assert visible_codes(app)[:2] == ["P-001000", "P-001001"] and t.project_query.text == "P-001"
            assert count_text(app) == f"shown {BIG:,} of {BIG:,} projects"
        finally:
            gate.opened.set()
        await settle(pilot)
        assert count_text(app) == f"shown 1,000 of {BIG:,} projects" and t.shown == 1_000
        await pilot.press("end")
        await settle(pilot)
        assert t.current_row.code == "P-001999"


async def test_large_portfolio_filters_sorts_and_groups_in_sql(big_db, make_app):
    app = make_app(big_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "P-09999")
        assert count_text(app) == f"shown 10 of {BIG:,} projects"
        assert visible_codes(app) == [f"P-{i:06d}" for i in range(99_990, 100_000)]
        await pilot.press("enter", "r")  # reverse
        await settle(pilot)
        assert visible_codes(app)[0] == "P-099999"
        await pilot.press("x", "g")  # everything, grouped by ambition
        await settle(pilot)
        lines = table_lines(app)
        assert "▌A1 Ambition 1" in lines[1] and "42,857 projects" in lines[1]
        await pilot.press("end")
        await settle(pilot)
        assert table(app).current_row.primary_ambition is None  # the unlinked group is last
        assert [(g.key, g.count) for g in table(app)._view.groups] == [("A1", 42_857), ("A2", 42_857), (None, 14_286)]
        # The cursor's first project of the last group shows that group's heading above it.
        table(app).move_cursor(BIG - 14_286)
        await settle(pilot)
        assert "▌Linked to no ambition  14,286 projects" in table_lines(app)[1]


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_fits_small_and_large_terminals(sample_db, make_app, size):
    app = make_app(sample_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "shown 17 of 17 projects" in text
        heading = table_lines(app)[0]
        for title in ("Code", "Name", "Stage", "Ambition", "RAG", "Benefits", "Lead"):
            assert title in heading
        if size[0] >= 130:
            assert "Service" in heading and "Benefits on track" in heading
        assert "? Help" in text


def test_user_is_the_actor(sample_db):
    # Writes from the app are recorded as the configured user (checked through the audit trail elsewhere);
    # here, the contract the other screens rely on.
    from projtui.config import Settings
    from projtui.ui.app import ProjtuiApp

    app = ProjtuiApp(sample_db, Settings(user=USER))
    assert app.db is sample_db and app.settings.user == USER and app.title == "projtui"


async def test_v_starts_the_quarterly_review_at_the_latest_quarter(sample_db, make_app):
    from projtui.ui.screens.review import ReviewScreen

    app = make_app(sample_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "2026/27 Q2" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "PortfolioScreen"


@pytest.mark.parametrize(("key", "module", "screen"), [("a", "ambitions", "GoldenThreadScreen"), ("enter", "project", "ProjectScreen")])
async def test_a_screen_first_opened_is_imported_off_the_event_loop(sample_db, make_app, monkeypatch, key, module, screen):
    # As on a fresh start: the portfolio is up, the other screens (and SQLAlchemy with them) are not imported yet.
    name = f"projtui.ui.screens.{module}"
    monkeypatch.delitem(sys.modules, name, raising=False)
    app = make_app(sample_db)
    importing: list[tuple[str, bool]] = []  # (thread, whether the table showed it was loading)
    real_import = importlib.import_module

    def spy(module_name):
        importing.append((threading.current_thread().name, table(app).loading))
        return real_import(module_name)

    monkeypatch.setattr(importlib, "import_module", spy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        portfolio_table = table(app)
        await pilot.press(key)
        await settle(pilot)
        assert type(app.screen).__name__ == screen and not portfolio_table.loading
        assert len(importing) == 1
        thread, loading = importing[0]
        assert thread != threading.main_thread().name and loading
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(key)  # the second time it is there already
        assert type(app.screen).__name__ == screen
