"""The app in a web browser: textual-serve's server, stopping promptly, refusing what it should.

Each browser tab is a websocket session running its own ``python -m
projtui`` process. Kept out of ``cli.py`` so the command stays a thin
front; imported only by ``projtui serve``.

A browser sends the page's origin with every websocket it opens, so a web
page from anywhere else, open in the user's own browser, could otherwise
drive the app on 127.0.0.1: such a socket is refused (403). Each session is
an app process (about 40 MB), so their number is capped (503 when full).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server


class BrowserServer(Server):
    """textual-serve's server, ending every open session as soon as it is told to stop.

    On SIGINT/SIGTERM aiohttp waits for running handlers before it cancels
    them, and a session's websocket handler only returns when its tab
    closes: with a tab open, the server hung for 20 s or more. Cancelling
    the handler is textual-serve's own way to end a session (it tells the
    app to quit, waits for the process, then closes the socket).
    """

    def __init__(self, *args, max_sessions: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_sessions = max_sessions
        self._sessions: set[asyncio.Task] = set()

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, self.public_url):
            print(f"projtui serve: refused a session from the foreign origin {origin!r}", file=sys.stderr, flush=True)
            return web.Response(status=403, text=f"projtui serves pages from {self.public_url} only.\n")
        if len(self._sessions) >= self.max_sessions:
            print(f"projtui serve: refused a session: all {self.max_sessions} are in use (--max-sessions)", file=sys.stderr, flush=True)
            return web.Response(
                status=503, text=f"All {self.max_sessions} projtui sessions are in use: close another tab and reload this one.\n"
            )
        session = asyncio.current_task()
        assert session is not None  # aiohttp runs every handler in a task
        self._sessions.add(session)
        try:
            return await super().handle_websocket(request)
        finally:
            self._sessions.discard(session)

    async def on_shutdown(self, app: web.Application) -> None:
        await super().on_shutdown(app)
        sessions = list(self._sessions)
        for session in sessions:
            session.cancel()
        # Each app process has exited once its session task is done.
        await asyncio.gather(*sessions, return_exceptions=True)


LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def origin_allowed(origin: str | None, public: str) -> bool:
    """May a websocket from a page of `origin` drive the server that browsers reach at `public`?

    Only the server's own pages may. On loopback, `localhost`, `127.0.0.1` and
    `[::1]` at the same port are one place, so a user may type any of them.
    A client that sends no origin is not a browser, so no web page is behind it.
    """
    if origin is None:
        return True
    theirs, ours = urlsplit(origin), urlsplit(public)
    if (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc):
        return True
    return (
        theirs.scheme == ours.scheme
        and theirs.port == ours.port
        and theirs.hostname in LOOPBACK
        and ours.hostname in LOOPBACK
    )


def exposed(host: str, public: str) -> bool:
    """Is the server reachable beyond this machine with nothing encrypting the way (no https)?"""
    return host not in LOOPBACK and not public.startswith("https://")


def public_url(host: str, port: int) -> str:
    """The address a browser uses to reach a server listening on host:port.

    textual-serve writes this into the page for the websocket to connect back
    to, so a wildcard host (0.0.0.0, ::) becomes this machine's name, and an
    IPv6 address gets its brackets.
    """
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def listen_problem(host: str, port: int) -> str | None:
    """Why a server could not listen on host:port, or None if it can.

    Binds and releases every address the server would bind, the way
    asyncio does (SO_REUSEADDR, IPv6 sockets IPv6-only), so a taken port is
    reported before anything is served or written.
    """
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        for family, _, _, _, address in addresses:
            socket.create_server(address, family=family).close()
    except OSError as exc:
        # A bind error's message names the address again; its errno says just why. A
        # lookup error (socket.gaierror) has its own negative codes and says why itself.
        reason = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else exc.strerror or str(exc)
        return reason.lower()
    return None
