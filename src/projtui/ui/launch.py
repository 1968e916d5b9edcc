"""Start the terminal app on an open portfolio (called by `projtui` and `projtui demo`)."""

from __future__ import annotations

import tomllib

from projtui import config
from projtui.config import Settings
from projtui.services.opening import Database


def user_keymap() -> dict[str, str]:
    """`[keymap]` in config.toml: binding id -> keys, e.g. `"portfolio.filter" = "ctrl+f"`."""
    path = config.config_dir() / "config.toml"
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}  # load_settings has already said what is wrong with the file
    keymap = raw.get("keymap", {})
    return {str(k): str(v) for k, v in keymap.items()} if isinstance(keymap, dict) else {}


def open_app(url: str) -> None:
    """`projtui` with no command: open the portfolio at `url` (creating it), offering the sample when empty."""
    from projtui.services.opening import open_portfolio

    run_app(open_portfolio(url, create=True), settings=config.load_settings(), offer_sample=True)


def run_app(db: Database, *, settings: Settings, offer_sample: bool) -> None:
    """Run the app until the user quits; `offer_sample` offers the sample portfolio when the database is empty."""
    from projtui.ui.app import ProjtuiApp

    ProjtuiApp(db, settings, offer_sample=offer_sample, keymap=user_keymap()).run()
