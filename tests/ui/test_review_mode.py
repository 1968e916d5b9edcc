"""Review mode (ui/screens/review.py) on the sample portfolio: keys in, database out.

The sample's latest quarter is 2026/27 Q2 (every project reviewed, most
published); 2026/27 Q3 has no reviews yet, so it is where drafts are made.
"""

from __future__ import annotations

from support import open_review, review_app, settle
from textual.widgets import DataTable, Input, Select, Static, TextArea

from projtui.domain.enums import Rag, ReviewStatus
from projtui.domain.quarter import Quarter
from projtui.services import reviews
from projtui.services.audit import history_page
from projtui.ui.screens.actual_dialog import ActualScreen
from projtui.ui.screens.confirm import ConfirmScreen
from projtui.ui.screens.conflict import ConflictScreen
from projtui.ui.screens.item_form import ReasonScreen
from projtui.ui.screens.review import ReviewScreen
from projtui.ui.screens.review_filter import ReviewFilterScreen

USER = "tester"
LATEST = Quarter(2026, 2)
NEXT = Quarter(2026, 3)


def _text(screen: ReviewScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _messages(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_header_shows_quarter_and_progress(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        header = _text(screen, "#rv-header")
        assert "2026/27 Q2" in header
        assert "16 of 17 reviewed" in header  # SP-13 has closed: its benefits' post-project review is still to do
        assert "1 unreviewed" in header
        assert screen.current_code == "SP-01"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.quarter == NEXT
        assert "2026/27 Q3" in _text(screen, "#rv-header")
        assert " of 17 reviewed" in _text(screen, "#rv-header")
        assert "0 of" in _text(screen, "#rv-header")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "16 of 17 reviewed" in _text(screen, "#rv-header")


async def test_g_then_ctrl_s_saves_a_green_draft(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        assert screen.sheet is not None and screen.sheet.review is None
        await pilot.press("g")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert saved is not None
        assert saved.rag is Rag.GREEN
        assert saved.status is ReviewStatus.DRAFT
        # The screen reads it back: the queue says draft, the progress moved on.
        assert "1 of 17 reviewed" in _text(screen, "#rv-header")
        assert screen.sheet.review is not None and screen.sheet.review.version == saved.version
        # A second change updates the same review (expected_version is the one just saved).
        await pilot.press("a")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", NEXT).rag is Rag.AMBER


async def test_typing_commentary_does_not_change_the_rating(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        area = screen.query_one("#rv-commentary", TextArea)
        area.focus()
        await pilot.press(*"rag [red]x[/]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert saved.rag is Rag.NOT_SET
        assert saved.fields.commentary == "rag [red]x[/]"


async def test_money_is_checked_beside_the_field_and_saved_in_pence(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        spend = screen.query_one("#rv-spend", Input)
        spend.focus()
        await pilot.press(*"12x")
        await pilot.pause()
        assert "enter pounds" in _text(screen, "#rv-spend-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", NEXT) is None
        assert "spend to date: enter pounds" in _messages(pilot.app)
        await pilot.press("backspace", *",500.25")
        await pilot.pause()
        assert _text(screen, "#rv-spend-error") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", NEXT).fields.spend_to_date_pence == 1_250_025


async def test_entering_an_actual_through_the_dialog(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        before = reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1")
        assert before.entry is None
        await pilot.press("m", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ActualScreen)
        await pilot.press(*"11.5")
        await pilot.click("#actual-provisional")
        note = pilot.app.screen.query_one("#actual-note", Input)
        note.focus()
        await pilot.press(*"first [b]count")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        actual = reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1").entry
        assert actual is not None
        assert actual.value == 11.5
        assert actual.provisional is True
        assert actual.note == "first [b]count"
        assert actual.entered_by == USER
        # The sheet is read again and shows it.
        assert screen.sheet.measure("M1").entry.value == 11.5


async def test_a_p_after_the_figure_marks_it_provisional_as_help_says(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await open_review(pilot, NEXT)
        await pilot.press("m", "enter")
        await pilot.pause()
        dialog = pilot.app.screen
        await pilot.press(*"87,000p")
        await pilot.pause()
        assert dialog.query_one("#actual-provisional").value is True  # ticked as it is typed
        await pilot.press("enter")
        await settle(pilot)
        actual = reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1").entry
        assert (actual.value, actual.provisional) == (87000, True)


async def test_a_figure_typed_in_the_same_read_as_enter_lands_in_the_dialog(sample_db):
    from textual import events

    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await open_review(pilot, NEXT)
        await pilot.press("m")
        await pilot.pause()
        for key, char in [("enter", "\r"), *((c, c) for c in "42.5p")]:
            pilot.app.post_message(events.Key(key, char))
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ActualScreen), dialog  # "p" did not publish, nor "." do anything else
        assert dialog.query_one("#actual-value", Input).value == "42.5p"


async def test_actual_dialog_refuses_a_non_number_and_escape_cancels(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await open_review(pilot, NEXT)
        await pilot.press("m", "enter")
        await pilot.pause()
        await pilot.press(*"lots", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ActualScreen)
        dialog = pilot.app.screen
        assert "number" in str(dialog.query_one("#actual-error", Static).render())
        await pilot.press("escape")  # what was typed is not thrown away without asking
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert pilot.app.screen is dialog and dialog.query_one("#actual-value", Input).value == "lots"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1").entry is None


async def test_escape_closes_an_untouched_actual_dialog_at_once(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await open_review(pilot, NEXT)
        await pilot.press("m", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ActualScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)


async def test_publish_with_blockers_refuses_with_a_message(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("a", "p")  # amber with no commentary
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert saved is not None and saved.status is ReviewStatus.DRAFT  # the draft is kept, not published
        assert "Cannot publish SP-01" in "\n".join(str(n.title) for n in pilot.app._notifications)
        assert "needs commentary" in _messages(pilot.app)
        assert "needs commentary" in _text(screen, "#rv-blockers")
        # Pressed again with nothing changed: refused straight from the sheet, no write.
        await pilot.press("p")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", NEXT).version == saved.version


async def test_publish_a_clean_review(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("g", "p")
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert saved.status is ReviewStatus.PUBLISHED
        assert saved.fields.published_by == USER
        assert screen.sheet.editable is False
        assert screen.query_one("#rv-commentary", TextArea).read_only
        # Read-only now: a rating key changes nothing and says why.
        await pilot.press("r")
        await settle(pilot)
        assert screen.overall is Rag.GREEN
        assert reviews.get_review(sample_db, "SP-01", NEXT).rag is Rag.GREEN


async def test_reopen_asks_for_a_reason_and_is_audited(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert reviews.get_review(sample_db, "SP-01", LATEST).is_published
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReasonScreen)
        await pilot.press("enter")  # an empty reason is refused
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReasonScreen)
        await pilot.press(*"Fuel figure corrected", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        review = reviews.get_review(sample_db, "SP-01", LATEST)
        assert review.status is ReviewStatus.DRAFT
        entries = list(history_page(sample_db, "SP-01").entries)
        reopen = [e for e in entries if e.action == "reopen"]
        assert reopen and reopen[0].new == "Fuel figure corrected" and reopen[0].actor == USER
        assert screen.sheet.editable


async def test_reopen_cancelled_changes_nothing(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", LATEST).is_published


async def test_n_steps_to_the_next_unreviewed_and_j_k_step(sample_db):
    reviews.save_review(sample_db, "SP-02", NEXT, {"rag": "green"}, expected_version=None, actor="t")
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        assert screen.current_code == "SP-01"
        await pilot.press("n")
        await settle(pilot)
        assert screen.current_code == "SP-03"  # SP-02 is reviewed already
        assert screen.sheet.project_code == "SP-03"
        assert "SP-03" in _text(screen, "#rv-title")
        await pilot.press("k")
        await settle(pilot)
        assert screen.current_code == "SP-02"
        await pilot.press("j", "j")
        await settle(pilot)
        assert screen.current_code == "SP-04"


async def test_leaving_a_project_saves_its_changes(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("r", "n")
        await settle(pilot)
        assert screen.current_code == "SP-02"
        assert reviews.get_review(sample_db, "SP-01", NEXT).rag is Rag.RED


async def test_c_steps_to_a_changed_rag(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        changed = [e.code for e in reviews.review_queue(sample_db, LATEST) if e.rag_changed]
        assert changed
        await pilot.press("c")
        await settle(pilot)
        expected = next((c for c in changed if c != "SP-01"), changed[0])
        assert screen.current_code == expected


async def test_published_review_hides_publish_and_shows_reopen(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.check_action("reopen", ()) is True
        assert screen.check_action("save", ()) is False and screen.check_action("publish", ()) is False
        await pilot.press("n")  # the one without a review: SP-13, closed, in its post-project benefits review
        await settle(pilot)
        assert screen.current_code == "SP-13"
        assert "Post-project benefits review" in _text(screen, "#rv-title")


async def test_a_rag_key_on_a_published_review_says_how_to_change_it(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.sheet.review.is_published
        rag = screen.overall
        for key in ("r", "t"):
            pilot.app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert "published: press o to re-open" in _messages(pilot.app), key
        assert screen.overall is rag


async def test_at_80_by_24_the_measures_figures_and_both_money_fields_stay_in_view(sample_db):
    from projtui.ui.widgets.measures_table import MeasuresTable

    async with review_app(sample_db).run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot)
        table = screen.query_one(MeasuresTable)
        await settle(pilot)
        assert [str(column.label) for column in table.columns.values()] == ["Code", "Measure", "Target", "Actual", "St", "Q", "Y"]
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing off to the right
        for field in ("#rv-spend", "#rv-forecast"):
            box = screen.query_one(field).region
            assert box.width >= 10 and screen.query_one("#rv-sheet").region.x <= box.x, field
        # Wide again: the unit and the status in words come back.
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert "Unit" in [str(column.label) for column in table.columns.values()]


async def _save_meeting_theirs(pilot, sample_db) -> ReviewScreen:
    """Someone else saves SP-01's review (red, their commentary and next steps) while this screen shows none; then the user rates it green, types commentary and saves."""
    screen = await open_review(pilot, NEXT)
    reviews.save_review(
        sample_db, "SP-01", NEXT, {"rag": "red", "commentary": "theirs", "next_steps": "their steps"}, expected_version=None, actor="other",
    )
    await pilot.press("g")
    screen.query_one("#rv-commentary", TextArea).focus()
    await pilot.press(*"mine", "ctrl+s")
    await settle(pilot)
    return screen


async def test_a_second_save_of_the_same_review_shows_both_versions_field_by_field(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await _save_meeting_theirs(pilot, sample_db)
        conflict = pilot.app.screen
        assert isinstance(conflict, ConflictScreen)
        table = conflict.query_one("#conflict-table", DataTable)
        rows = {key.value: [str(cell) for cell in table.get_row(key)] for key in table.rows}
        assert rows == {
            "rag": ["Overall RAG", "both", "● Green", "▲ Red"],
            "commentary": ["Commentary", "both", "mine", "theirs"],
            "next_steps": ["Next steps", "them", "—", "their steps"],
        }
        assert "someone else changed" in _text(screen, "#rv-save-status")
        assert reviews.get_review(sample_db, "SP-01", NEXT).rag is Rag.RED  # nothing overwritten unasked


async def test_back_to_editing_merges_theirs_into_what_was_typed_and_saves_over_it(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await _save_meeting_theirs(pilot, sample_db)
        await pilot.press("b")
        await settle(pilot)
        assert pilot.app.screen is screen
        # Every field the user changed is as typed; the one only they changed is theirs.
        assert screen.overall is Rag.GREEN
        assert screen.query_one("#rv-commentary", TextArea).text == "mine"
        assert screen.query_one("#rv-next-steps", TextArea).text == "their steps"
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert (saved.rag, saved.fields.commentary, saved.fields.next_steps) == (Rag.GREEN, "mine", "their steps")


async def test_keep_theirs_shows_their_review_and_overwrite_saves_mine(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await _save_meeting_theirs(pilot, sample_db)
        await pilot.press("t")
        await settle(pilot)
        assert screen.overall is Rag.RED
        assert screen.query_one("#rv-commentary", TextArea).text == "theirs"
        assert reviews.get_review(sample_db, "SP-01", NEXT).fields.commentary == "theirs"
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await pilot.app.push_screen(ReviewScreen(NEXT))
        await settle(pilot)
        screen = pilot.app.screen
        reviews.save_review(sample_db, "SP-01", NEXT, {"rag": "amber", "commentary": "theirs again"},
                            expected_version=screen.sheet.review_version, actor="other")
        screen.query_one("#rv-commentary", TextArea).focus()
        await pilot.press("end", *" and mine", "ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConflictScreen)
        await pilot.press("o")
        await settle(pilot)
        saved = reviews.get_review(sample_db, "SP-01", NEXT)
        assert (saved.rag, saved.fields.commentary) == (Rag.RED, "theirs and mine")


# -- filtering by ambition, lead and service ---------------------------------------------------


def _queue_codes(screen: ReviewScreen) -> list[str]:
    table = screen.query_one("#rv-queue", DataTable)
    return [str(table.get_row_at(row)[1]) for row in range(table.row_count)]


async def open_filter(pilot) -> ReviewFilterScreen:
    await pilot.press("f")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ReviewFilterScreen)
    return dialog


async def test_f_filters_by_ambition_and_the_counts_follow(sample_db):
    a2 = [e.code for e in reviews.review_queue(sample_db, LATEST, ambition="A2")]
    assert 1 < len(a2) < 16 and "SP-01" not in a2 and "SP-13" in a2  # SP-13: closed, post-project, not reviewed
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        dialog = await open_filter(pilot)
        # Keys only: open the ambition list, down past "any" and "linked to none" and A1 to A2, pick it, apply.
        await pilot.press("enter", "down", "down", "down", "enter")
        await pilot.pause()
        assert dialog.query_one("#rf-ambition", Select).value == "A2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert _queue_codes(screen) == a2
        assert screen.current_code == a2[0] and screen.sheet.project_code == a2[0]  # SP-01 is not listed any more
        header = _text(screen, "#rv-header")
        assert f"{len(a2) - 1} of {len(a2)} reviewed" in header
        assert "Filter: ambition A2" in header
        # F clears it: every project again.
        await pilot.press("F")
        await settle(pilot)
        assert len(_queue_codes(screen)) == 17
        assert "16 of 17 reviewed" in _text(screen, "#rv-header") and "Filter" not in _text(screen, "#rv-header")


async def test_filter_by_stage_shows_the_post_project_reviews(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        dialog = await open_filter(pilot)
        dialog.query_one("#rf-stage", Select).value = "closed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _queue_codes(screen) == ["SP-13"]
        assert "0 of 1 reviewed" in _text(screen, "#rv-header") and "stage closed" in _text(screen, "#rv-header")
        assert "Post-project benefits review" in _text(screen, "#rv-title")


async def test_filter_by_lead_and_service_and_the_dialog_remembers_it(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        dialog = await open_filter(pilot)
        dialog.query_one("#rf-lead", Select).value = "Sam Kelly"
        dialog.query_one("#rf-service", Select).value = "ICT and Digital"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _queue_codes(screen) == ["SP-12"]
        assert "0 of 1 reviewed" in _text(screen, "#rv-header")
        assert "lead Sam Kelly · service ICT and Digital" in _text(screen, "#rv-header")
        # The filter stays when the quarter changes.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert _queue_codes(screen) == ["SP-12"] and "1 of 1 reviewed" in _text(screen, "#rv-header")
        dialog = await open_filter(pilot)
        assert dialog.query_one("#rf-lead", Select).value == "Sam Kelly"
        await pilot.press("escape")  # cancel keeps the filter
        await settle(pilot)
        assert _queue_codes(screen) == ["SP-12"]
        dialog = await open_filter(pilot)
        await pilot.press("ctrl+x")  # clear all
        await settle(pilot)
        assert len(_queue_codes(screen)) == 17


async def test_a_filter_matching_nothing_says_so_and_shows_no_sheet(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await pilot.press("g")  # an unsaved change is saved before the list changes
        dialog = await open_filter(pilot)
        dialog.query_one("#rf-ambition", Select).value = "A1"
        dialog.query_one("#rf-lead", Select).value = "Sam Kelly"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reviews.get_review(sample_db, "SP-01", NEXT).rag is Rag.GREEN
        assert _queue_codes(screen) == [] and screen.sheet is None
        assert "No projects match the filter" in _text(screen, "#rv-title")
        assert "0 of 0 reviewed" in _text(screen, "#rv-header")
        assert not screen.query_one("#rv-measures").display and not screen.query_one("#rv-commentary").display
        await pilot.press("F")
        await settle(pilot)
        assert screen.sheet is not None and screen.query_one("#rv-measures").display


# -- clearing an actual ----------------------------------------------------------------------------


async def _on_measure(pilot, screen: ReviewScreen, code: str) -> None:
    table = screen.query_one("#rv-measures", DataTable)
    table.focus()
    table.move_cursor(row=[line.code for line in screen.sheet.measures].index(code))
    await pilot.pause()


async def test_delete_clears_an_actual_after_asking_and_is_audited(sample_db):
    reviews.set_actual(sample_db, "SP-01", "M1", NEXT, 12.0, expected_version=None, actor="other")
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await _on_measure(pilot, screen, "M1")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1").entry.value == 12.0
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert pilot.app.screen is screen
        line = reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1")
        assert line.entry is None and line.figures.status.value == "no_data"
        assert screen.sheet.measure("M1").entry is None  # read back
        entries = list(history_page(sample_db, "SP-01").entries)
        cleared = [e for e in entries if e.action == "delete" and e.entity == "actual"]
        assert cleared and cleared[0].old == "12.0" and cleared[0].actor == USER
        # Nothing left to clear: says so, asks nothing.
        await pilot.press("delete")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert "no actual for 2026/27 Q3 to clear" in _messages(pilot.app)


async def test_clearing_an_actual_someone_else_changed_is_refused(sample_db):
    first = reviews.set_actual(sample_db, "SP-01", "M1", NEXT, 12.0, expected_version=None, actor="other")
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        reviews.set_actual(sample_db, "SP-01", "M1", NEXT, 13.0, expected_version=first.version, actor="other")
        await _on_measure(pilot, screen, "M1")
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1").entry.value == 13.0  # theirs stays
        assert "Changed by someone else" in "\n".join(str(n.title) for n in pilot.app._notifications)
        assert screen.sheet.measure("M1").entry.value == 13.0  # reloaded


async def test_actuals_of_a_published_review_cannot_be_cleared(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)  # SP-01's 2026/27 Q2 review is published
        assert screen.sheet.measure("M1").entry is not None
        await _on_measure(pilot, screen, "M1")
        await pilot.press("delete")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert "frozen" in _messages(pilot.app)
        assert reviews.review_sheet(sample_db, "SP-01", LATEST).measure("M1").entry is not None


async def test_actual_dialog_says_when_the_target_is_a_step_on_the_way(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await _on_measure(pilot, screen, "M5")  # 37 % by 2026/27 Q4, from 33.2 % in 2023/24 Q4
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ActualScreen)
        body = "\n".join(str(w.render()) for w in pilot.app.screen.query(".dialog-body"))
        assert "target 36.68, on the way to 37 by 2026/27 Q4" in body


# -- forecasts (issue 13) ------------------------------------------------------------------------------


async def test_the_actual_dialog_takes_a_year_end_forecast_and_the_sheet_rates_it(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, NEXT)
        await _on_measure(pilot, screen, "M1")  # rounds in operation: lower is better, 12 at the year end
        assert "M1 Year-end forecast none (Enter to add)" in _text(screen, "#rv-forecasts")
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ActualScreen)
        await pilot.press(*"12")
        dialog.query_one("#actual-forecast", Input).focus()
        await pilot.press(*"lots")
        await pilot.pause()
        assert "Year-end forecast: enter a number" in str(dialog.query_one("#actual-forecast-error", Static).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is dialog  # refused beside the field, nothing saved
        await pilot.press(*["backspace"] * 4, *"13", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        figures = reviews.review_sheet(sample_db, "SP-01", NEXT).measure("M1").figures
        assert (figures.actual, figures.year_end_forecast) == (12.0, 13.0)
        await _on_measure(pilot, screen, "M1")
        line = _text(screen, "#rv-forecasts")
        assert "Year-end forecast 13 (▲ Off target)" in line
        assert "Trend 11.8 by 2026/27 Q4: ● Will meet target" in line  # one 13 among seven 12s: drifting down
        assert "year-end forecast 13" in _messages(pilot.app)


async def test_a_published_quarter_s_forecast_is_frozen_in_the_dialog(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, LATEST)
        await _on_measure(pilot, screen, "M2")  # provisional: its actual may still be corrected, not its forecast
        assert "Year-end forecast 86,800 (◆ Within tolerance)" in _text(screen, "#rv-forecasts")
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ActualScreen)
        box = dialog.query_one("#actual-forecast", Input)
        assert box.disabled and box.value == "86800"
        await pilot.press(*["backspace"] * 7, *"86950", "enter")
        await settle(pilot)
        figures = reviews.review_sheet(sample_db, "SP-01", LATEST).measure("M2").figures
        assert (figures.actual, figures.year_end_forecast) == (86950.0, 86800.0)


async def test_an_activity_measure_shows_its_trend_and_no_status(sample_db):
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, LATEST)
        await _on_measure(pilot, screen, "M7")
        line = _text(screen, "#rv-forecasts")
        assert "Trend 432.6 by 2026/27 Q4" in line and "target" not in line.lower()
        row = screen.query_one("#rv-measures", DataTable).get_row("M7")
        assert [str(cell) for cell in row[3:]] == ["—", "431", "~ Monitor", "↗", "↗"]
