"""Who is logged in to `projtui serve`, and how long a login that keeps failing must wait.

Both live in the server's memory only: a restart logs everyone out, and
forgets past failures, which is the safe way round for the one and harmless
for the other. The clock is passed in so tests can move time without waiting.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]

IDLE_LIMIT = 12 * 3600.0  # a session unused this long (seconds) must log in again
FREE_FAILURES = 5  # failed attempts before the first wait
FIRST_WAIT = 30.0  # seconds, doubled with each further failure
LONGEST_WAIT = 3600.0
_KEPT = 10_000  # failure records kept at most: an attacker choosing logins cannot fill the memory


@dataclass
class LoggedIn:
    login: str
    seen: float


class Sessions:
    """Login sessions by their random token (the cookie's value)."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._by_token: dict[str, LoggedIn] = {}

    def start(self, login: str) -> str:
        token = secrets.token_urlsafe(32)
        self._by_token[token] = LoggedIn(login, self._clock())
        return token

    def login_of(self, token: str | None) -> str | None:
        """Whose session `token` is, or None (unknown, ended or idle too long); using it keeps it alive."""
        found = self._by_token.get(token) if token else None
        if found is None:
            return None
        now = self._clock()
        if now - found.seen > IDLE_LIMIT:
            del self._by_token[token]  # type: ignore[arg-type]  # found, so token is a str
            return None
        found.seen = now
        return found.login

    def end(self, token: str | None) -> None:
        if token:
            self._by_token.pop(token, None)


@dataclass
class _Failures:
    count: int
    until: float  # no attempt is checked before this time


class Throttle:
    """Failed logins, per client address and per login: after FREE_FAILURES, each waits twice as long as the last."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[tuple[str, str], _Failures] = {}

    def wait(self, address: str, login: str) -> float:
        """Seconds before an attempt from `address` for `login` may be checked (0: now)."""
        now = self._clock()
        return max([0.0, *(found.until - now for found in map(self._failures.get, _keys(address, login)) if found)])

    def failed(self, address: str, login: str) -> None:
        now = self._clock()
        if len(self._failures) >= _KEPT:
            self._failures = {key: found for key, found in self._failures.items() if found.until > now}
        for key in _keys(address, login):
            found = self._failures.setdefault(key, _Failures(0, now))
            found.count += 1
            if found.count >= FREE_FAILURES:
                found.until = now + min(FIRST_WAIT * 2 ** (found.count - FREE_FAILURES), LONGEST_WAIT)

    def succeeded(self, address: str, login: str) -> None:
        for key in _keys(address, login):
            self._failures.pop(key, None)


def _keys(address: str, login: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("address", address), ("login", login.casefold())
