"""Where `projtui serve` listens, and which pages may open its sessions: its addresses, checked before it serves."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

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


def exposed(host: str, public: str, *, tls: bool = False) -> bool:
    """Is the server reachable beyond this machine with nothing encrypting the way (neither its own TLS nor https)?"""
    return host not in LOOPBACK and not tls and not public.startswith("https://")


def public_url(host: str, port: int, *, tls: bool = False) -> str:
    """The address a browser uses to reach a server listening on host:port.

    textual-serve writes this into the page for the websocket to connect back
    to, so a wildcard host (0.0.0.0, ::) becomes this machine's name, and an
    IPv6 address gets its brackets.
    """
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    if ":" in host:
        host = f"[{host}]"
    return f"{'https' if tls else 'http'}://{host}:{port}"


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


def is_loopback(host: str) -> bool:
    """Does a server on `host` listen on this machine alone?"""
    return host in LOOPBACK
