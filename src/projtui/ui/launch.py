"""Start the terminal app on an open portfolio (called by `projtui` and `projtui demo`)."""

from __future__ import annotations

from projtui import config
from projtui.config import Settings
from projtui.services.opening import Database


def open_app(url: str) -> None:
    """`projtui` with no command: open the portfolio at `url` (creating it), offering the sample when empty.

    A session `projtui serve --read-only` starts opens it read-only (`settings.location.read_only`); one
    `projtui serve` starts in PostgreSQL team mode acts in the database as its user (`settings.location.db_role`).
    """
    from projtui.services.opening import open_portfolio
    from projtui.settings.location import db_role, read_only

    settings = config.load_settings()  # from the cache the caller's choice of database just filled
    run_app(open_portfolio(url, create=True, read_only=read_only(), role=db_role()), settings=settings, offer_sample=True)


def run_app(db: Database, *, settings: Settings, offer_sample: bool) -> None:
    """Run the app until the user quits; `offer_sample` offers the sample portfolio when the database is empty."""
    from projtui.ui.app import ProjtuiApp

    ProjtuiApp(db, settings, offer_sample=offer_sample).run()
