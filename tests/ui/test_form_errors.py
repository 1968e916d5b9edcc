"""A form whose save fails in a way nobody expected stays open and says so; the app keeps running."""

from __future__ import annotations

from textual.app import App

from projtui.ui.screens.item_form import ReasonScreen


def _broken_save(fields, _version):
    raise RuntimeError("database is locked")


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[object] = []

    def on_mount(self) -> None:
        screen = ReasonScreen("Why?")
        screen.save_function = _broken_save
        self.push_screen(screen, self.answers.append)


async def test_an_unexpected_error_while_saving_shows_a_notice_and_keeps_the_app():
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*"because", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReasonScreen)
        assert not app.screen.saving
        assert "database is locked" in str(app.screen.query_one("#form-message").render())
        assert any("database is locked" in n.message for n in app._notifications)
        assert app.is_running and app.answers == []
