"""Who a screen or widget acts as, and on which portfolio: the app's own, read where it is used."""

from __future__ import annotations

from typing import Any


class Acting:
    """A mixin for screens and widgets that read the portfolio and write as the logged-in user.

    Read from the app each time rather than kept, so a widget made before it is
    mounted (and tests that swap the database) always see the current ones.
    """

    @property
    def _db(self: Any) -> Any:
        return self.app.db

    @property
    def _actor(self: Any) -> str:
        return self.app.login
