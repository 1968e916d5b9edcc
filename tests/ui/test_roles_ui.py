"""A save the database does not take (a role that may not, another writer holding it) is told why; the app runs on and what was typed stays."""

from __future__ import annotations

from support import notifications, open_review, review_app, settle
from textual.widgets import TextArea

from projtui.domain.quarter import Quarter
from projtui.services import reviews, users

Q3 = Quarter(2026, 3)  # nothing saved yet in the sample


async def test_a_viewers_save_is_refused_with_the_role_it_needs_and_the_app_runs_on(sample_db, monkeypatch):
    users.add_user(sample_db, "vic", display_name="Vic Viewer", actor="setup")
    monkeypatch.setenv("PROJTUI_LOGIN", "vic")
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot, Q3)
        await pilot.press("a")
        screen.query_one("#rv-commentary", TextArea).text = "Supplier delay"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.is_running and pilot.app.screen is screen
        assert ("SP-01 not saved", "vic is a viewer: saving a draft review needs the performance officer role, "
                "or project lead on a project they lead, own or are named to edit") in notifications(pilot.app)
        assert screen.query_one("#rv-commentary", TextArea).text == "Supplier delay"  # kept, to try again
    assert reviews.get_review(sample_db, "SP-01", Q3) is None


async def test_the_header_names_who_acts_and_says_read_only(sample_db, monkeypatch):
    from projtui.domain.roles import Role
    from projtui.services.opening import open_portfolio
    from projtui.ui.widgets.acting_header import ActingUser

    users.add_user(sample_db, "jo", display_name="Jo [b]Bloggs[/b]", role=Role.PROJECT_LEAD, actor="setup")
    monkeypatch.setenv("PROJTUI_LOGIN", "jo")
    async with review_app(sample_db).run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = pilot.app.screen.query_one(ActingUser)
        assert str(shown.render()) == "Jo [b]Bloggs[/b] · project lead"  # a name is never markup
        await open_review(pilot, Q3)  # and on every screen
        assert str(pilot.app.screen.query_one(ActingUser).render()) == "Jo [b]Bloggs[/b] · project lead"

    read_only = open_portfolio(sample_db.url, read_only=True)
    try:
        async with review_app(read_only).run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert str(pilot.app.screen.query_one(ActingUser).render()) == "Jo [b]Bloggs[/b] · project lead · read-only"
    finally:
        read_only.dispose()
