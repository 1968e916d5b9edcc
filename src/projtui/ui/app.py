"""The application shell: database and settings, title, theme, help and the command palette.

Screens reach the portfolio through `app.db` and write as `app.login` (`config.login_name`),
whose role the services check; every screen's header names them (`app.acting`).
The portfolio is the first screen; `a` there opens the golden thread.
A theme chosen in the app (command palette, ctrl+t) is saved to config.toml.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import WorkerCancelled, WorkerFailed

from projtui import config
from projtui.config import Settings
from projtui.services.opening import Database
from projtui.settings.location import env_var
from projtui.ui.commands import BindingCommands
from projtui.ui.held_keys import HeldKeys
from projtui.ui.live_refresh import LiveRefresh
from projtui.ui.screens.dialog import HELP_BINDING
from projtui.ui.worker_failures import WorkerFailures

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"
# One theme write at a time, each of the theme shown then: the last to run leaves the latest choice.
_SAVING_THEME = threading.Lock()


def _portfolio_screen():
    from projtui.ui.screens.portfolio import PortfolioScreen

    return PortfolioScreen()


class ProjtuiApp(HeldKeys, LiveRefresh, WorkerFailures, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "projtui"
    COMMANDS: ClassVar = App.COMMANDS | {BindingCommands}
    # A mode, not get_default_screen(): Textual loads a screen's CSS_PATH only for modes and pushed screens.
    MODES: ClassVar = {"portfolio": lambda: _portfolio_screen()}
    DEFAULT_MODE: ClassVar[str] = "portfolio"

    acting: reactive[str] = reactive("")  # who acts, as the header names them (`services.acting.acting_label`)

    BINDINGS: ClassVar = [
        replace(HELP_BINDING, action="help"),  # the keys dialogs use too
        Binding("ctrl+t", "toggle_theme", "Light/dark", id="app.theme", show=False),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, show=False),
    ]

    def __init__(self, db: Database, settings: Settings, *, offer_sample: bool = False) -> None:
        super().__init__()
        self.db = db
        self.login = config.login_name()  # who acts, as the CLI's commands do; settings.user is only a name
        self.offer_sample = offer_sample
        self.title = "projtui"
        self.sub_title = db.display_name
        if settings.theme:  # the settings model checked it is one of Textual's
            self.theme = settings.theme
        self.settings = replace(settings, theme=self.theme)  # what is saved is only a change from this
        if settings.keymap:
            self.set_keymap(dict(settings.keymap))

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        self._read_title()
        self.watch_for_others()

    # -- the theme, saved when it changes --------------------------------------------------------------

    def _theme_chosen(self, theme: Theme) -> None:
        if theme.name != self.settings.theme:
            self.settings = replace(self.settings, theme=theme.name)
            self._save_theme()

    @work(thread=True, group="app-theme", exit_on_error=False)
    def _save_theme(self) -> None:
        from projtui.settings.theme_file import save_theme

        path = config.config_file()
        try:
            with _SAVING_THEME:
                save_theme(path, self.theme)
        except Exception as exc:  # noqa: BLE001 - an unwritable or since-broken file must not end the session
            self.notify(f"{path}: {exc}", title="Theme not saved", severity="warning", markup=False)
            return
        if self.settings.sources.get("theme") == "environment":
            self.notify(f"Saved to {path}, but {env_var('theme')} is set and chooses the theme at start-up.", title="Theme", markup=False)

    # -- the portfolio's name, and the welcome on a new database ------------------------

    @work(thread=True, exclusive=True, group="app-title", exit_on_error=False)
    def _read_title(self) -> None:
        from projtui.services import portfolio
        from projtui.services.acting import acting_label

        try:
            acting = acting_label(self.db, self.login)
            title = portfolio.portfolio_title(self.db)
            empty = self.offer_sample and portfolio.total_projects(self.db) == 0 and not portfolio.list_ambitions(self.db)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.notify(str(exc), title="Could not read the portfolio", severity="error", markup=False)
            return
        self.call_from_thread(self._show_title, title, acting, empty)

    def _show_title(self, title: str | None, acting: str, empty: bool) -> None:
        self.sub_title = title or self.db.display_name
        self.acting = acting
        if empty:
            self._offer_sample()

    def _offer_sample(self) -> None:
        from projtui.ui.screens.welcome import ImportFileScreen, WelcomeScreen

        def imported(what: str | None) -> None:
            if what is not None:
                self.notify(what, title="Imported", markup=False)
                self._after_sample()

        def chosen(answer: str | None) -> None:
            if answer == "sample":
                self._load_sample()
            elif answer == "project":
                new_project = getattr(self.screen, "action_new_project", None)
                if new_project is not None:
                    new_project()
            elif answer == "ambitions":
                golden_thread = getattr(self.screen, "open_golden_thread", None)
                if golden_thread is not None:
                    golden_thread(add_ambition=True)
            elif answer == "import":
                self.push_screen(ImportFileScreen(classes="dialog-screen"), imported)

        self.push_screen(WelcomeScreen(self.db.display_name), chosen)

    @work(thread=True, exclusive=True, group="app-sample", exit_on_error=False)
    def _load_sample(self) -> None:
        from projtui.services.transfer import load_sample

        try:
            load_sample(self.db, actor=self.login)
        except Exception as exc:  # noqa: BLE001
            self.notify(str(exc), title="Could not load the sample", severity="error", markup=False)
            return
        self.notify("The sample portfolio is loaded.", title="Sample loaded", markup=False)
        self.call_from_thread(self._after_sample)

    def _after_sample(self) -> None:
        self._read_title()
        screen = self.screen
        reload = getattr(screen, "action_reload", None)
        if reload is not None:
            reload()

    # -- actions --------------------------------------------------------------------------------------

    def action_help(self) -> None:
        from projtui.ui.screens.help import HelpScreen, key_groups

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        title = getattr(screen, "HELP_TITLE", "") or screen.title or type(screen).__name__
        notes = getattr(screen, "HELP_NOTES", ())
        self.push_screen(HelpScreen(title, key_groups(self, screen), notes))

    async def action_quit(self) -> None:
        """ctrl+q: quit at once, unless a screen on the stack holds unsaved changes; then ask first."""
        from projtui.ui.screens.unsaved import (
            SAVE,
            QuitScreen,
            SavesChanges,
            unsaved_on,
        )

        if isinstance(self.screen, QuitScreen):
            return  # already asking
        held = unsaved_on(self.screen_stack)
        if not held:
            self.exit()
            return
        # Saving from here waits for one screen's own save; with several, each is saved where it is.
        savable = held[0][0] if len(held) == 1 and isinstance(held[0][0], SavesChanges) else None

        def answered(answer: bool | str | None) -> None:
            if answer is True:
                self.exit()
            elif answer == SAVE and savable is not None:
                self._save_then_quit(savable)

        self.push_screen(QuitScreen([what for _, what in held], can_save=savable is not None), answered)

    @work(exclusive=True, group="app-quit", exit_on_error=False)
    async def _save_then_quit(self, screen: Screen) -> None:
        from projtui.ui.screens.unsaved import unsaved_on

        if not screen.save_changes():  # type: ignore[attr-defined]
            return  # the screen shows why (the fields to fix, or a message)
        for worker in [w for w in self.workers if w.node is screen and not w.is_finished]:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass  # the screen reports its own failures; what is still unsaved is checked below
        held = unsaved_on(self.screen_stack)
        if held:
            self.notify(f"Not quit: your changes to {held[0][1]} are not saved yet.", title="Still open", severity="warning", markup=False)
        else:
            self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME
