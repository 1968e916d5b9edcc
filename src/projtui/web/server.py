"""The app in a web browser: textual-serve's server, behind a login, stopping promptly, refusing what it should.

Each browser tab is a websocket session running its own ``python -m
projtui`` process. Kept out of ``cli.py`` so the command stays a thin
front; imported only by ``projtui serve``.

Unless started with --no-login, every page but the login page and its
assets asks for a login session (`logins.Sessions`, a random token in an
HttpOnly, SameSite=Strict cookie): the app page redirects to the login
page, the websocket is refused (401). The password is checked by
`services.users.authenticate`; failures are throttled (`logins.Throttle`).
A session's app process acts as the user who logged in: the server sets
PROJTUI_LOGIN (and PROJTUI_READ_ONLY for --read-only) in the environment
of its own child, never from anything the browser sends. In PostgreSQL team
mode (`people`) it sets PROJTUI_DB_ROLE too, so the child's every
transaction acts as that person's role and the database's grants and
row-level security judge them, not the server's role; a login the server may
not act as is refused at the login page.

A browser sends the page's origin with every websocket it opens, so a web
page from anywhere else, open in the user's own browser, could otherwise
drive the app on 127.0.0.1: such a socket, or login, is refused (403). Each
session is an app process (about 40 MB), so their number is capped (503
when full).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from projtui.settings.location import DB_ROLE_VAR, LOGIN_VAR, READ_ONLY_VAR
from projtui.web.addresses import origin_allowed
from projtui.web.logins import Sessions, Throttle

if TYPE_CHECKING:
    import ssl

    from projtui.services.opening import Database

HERE = Path(__file__).parent
COOKIE = "projtui_session"
log = logging.getLogger("textual-serve")


class SessionApp(AppService):
    """One tab's app process, told who acts in it (and whether it may write) through its own environment."""

    def __init__(self, *args, acting: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.acting = acting

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return super()._build_environment(width, height) | self.acting


class BrowserServer(Server):
    """textual-serve's server with a login, ending every open session as soon as it is told to stop.

    `db` is the portfolio whose users log in; None serves without a login
    (--no-login: each session acts as whoever runs the server). With `people`
    (PostgreSQL team mode, `services.team.serve_as_people`) each session acts
    in the database as its user's own role.

    On SIGINT/SIGTERM aiohttp waits for running handlers before it cancels
    them, and a session's websocket handler only returns when its tab
    closes: with a tab open, the server hung for 20 s or more. Cancelling
    the handler is textual-serve's own way to end a session (it tells the
    app to quit, waits for the process, then closes the socket).
    """

    def __init__(
        self,
        *args,
        max_sessions: int,
        db: Database | None,
        read_only: bool = False,
        people: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        sessions: Sessions | None = None,
        throttle: Throttle | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, templates_path=HERE / "templates", **kwargs)
        self.max_sessions = max_sessions
        self.db = db
        self.read_only = read_only
        self.people = people
        self.ssl_context = ssl_context
        self.logins = sessions or Sessions()
        self.throttle = throttle or Throttle()
        self._sessions: dict[asyncio.Task, str | None] = {}  # each tab's handler, and its login token

    @property
    def secure(self) -> bool:
        """Whether browsers reach the server over TLS (its own, or a proxy's), so the cookie may say Secure."""
        return self.ssl_context is not None or self.public_url.startswith("https://")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.add_routes([
            web.get("/login", self.handle_login_page, name="login"),
            web.post("/login", self.handle_login),
            web.post("/logout", self.handle_logout, name="logout"),
            web.static("/fonts", HERE / "fonts", name="fonts"),
        ])
        # The app page offers "Log out" when its session ends, if there is a login to end.
        aiohttp_jinja2.get_env(app).globals["logged_in"] = self.db is not None
        return app

    def _token(self, request: web.Request) -> str | None:
        return request.cookies.get(COOKIE)

    def visitor(self, request: web.Request) -> str | None:
        """Who sent `request`: the login of its valid session, or None (with --no-login, the empty string)."""
        if self.db is None:
            return ""
        return self.logins.login_of(self._token(request))

    # -- pages ------------------------------------------------------------------------------------------

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.visitor(request) is None:
            raise web.HTTPSeeOther(location="login")
        return await super().handle_index(request)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        if self.visitor(request) is None:
            return web.Response(status=401, text="Log in first.\n")
        return await super().handle_download(request)

    async def handle_login_page(self, request: web.Request) -> web.StreamResponse:
        if self.db is None or self.visitor(request) is not None:
            raise web.HTTPSeeOther(location=".")
        note = "You are logged out." if "out" in request.query else None
        return self._login_page(request, note=note)

    def _login_page(self, request: web.Request, *, login: str = "", problem: str | None = None, note: str | None = None, status: int = 200):
        context = {"title": self.title, "login": login, "problem": problem, "note": note}
        return aiohttp_jinja2.render_template("login.html", request, context, status=status)

    async def handle_login(self, request: web.Request) -> web.StreamResponse:
        from projtui.services.team import may_serve
        from projtui.services.users import authenticate

        if self.db is None:
            raise web.HTTPSeeOther(location=".")
        if not origin_allowed(request.headers.get("Origin"), self.public_url):
            return web.Response(status=403, text=f"projtui takes logins from its own page at {self.public_url} only.\n")
        form = await request.post()
        login, password = str(form.get("login", "")).strip(), str(form.get("password", ""))
        address = request.remote or ""
        wait = self.throttle.wait(address, login)
        if wait > 0:
            problem = f"Too many failed logins: wait {_duration(wait)} and try again."
            return self._login_page(request, login=login, problem=problem, status=429)
        user = await asyncio.to_thread(authenticate, self.db, login, password) if login and password else None
        if user is None:
            self.throttle.failed(address, login)
            print(f"projtui serve: a failed login for {login!r} from {address}", file=sys.stderr, flush=True)
            return self._login_page(request, login=login, problem="Wrong login or password.", status=401)
        self.throttle.succeeded(address, login)
        if self.people and not await asyncio.to_thread(may_serve, self.db, user.login):
            problem = (
                f"{user.login} has no PostgreSQL role this server may act as, so cannot use this portfolio here: "
                "ask its owner to run `projtui team enable` again."
            )
            return self._login_page(request, login=login, problem=problem, status=403)
        self.logins.end(self._token(request))  # a new token at each login: one planted before it is worth nothing
        response = _see_other(".")
        response.set_cookie(COOKIE, self.logins.start(user.login), path="/", httponly=True, samesite="Strict", secure=self.secure)
        return response

    async def handle_logout(self, request: web.Request) -> web.StreamResponse:
        token = self._token(request)
        self.logins.end(token)
        for session, of in list(self._sessions.items()):
            if token is not None and of == token:
                session.cancel()  # that login's open tabs end with it
        response = _see_other("login?out")
        response.del_cookie(COOKIE, path="/")
        return response

    # -- sessions ---------------------------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        from projtui.services.acting import current_user

        origin = request.headers.get("Origin")
        if not origin_allowed(origin, self.public_url):
            print(f"projtui serve: refused a session from the foreign origin {origin!r}", file=sys.stderr, flush=True)
            return web.Response(status=403, text=f"projtui serves pages from {self.public_url} only.\n")
        login = self.visitor(request)
        if login is None:
            return web.Response(status=401, text="Log in first: open the page again.\n")
        if login:  # still a user, and enabled, since they logged in
            user = await asyncio.to_thread(current_user, self.db, login)
            if user is None or not user.active:
                self.logins.end(self._token(request))
                return web.Response(status=403, text=f"{login} may no longer use this portfolio.\n")
        if len(self._sessions) >= self.max_sessions:
            print(f"projtui serve: refused a session: all {self.max_sessions} are in use (--max-sessions)", file=sys.stderr, flush=True)
            return web.Response(
                status=503, text=f"All {self.max_sessions} projtui sessions are in use: close another tab and reload this one.\n"
            )
        session = asyncio.current_task()
        assert session is not None  # aiohttp runs every handler in a task
        self._sessions[session] = self._token(request)
        try:
            return await self._run_session(request, self._acting(login))
        finally:
            self._sessions.pop(session, None)

    def _acting(self, login: str) -> dict[str, str]:
        """What the session's app process is told: who acts (when logged in), as which database role, and whether it may write."""
        acting = {LOGIN_VAR: login} if login else {}
        if login and self.people:
            acting[DB_ROLE_VAR] = login  # team mode: a login is its PostgreSQL role's name (store/team.py)
        if self.read_only:
            acting[READ_ONLY_VAR] = "1"
        return acting

    async def _run_session(self, request: web.Request, acting: dict[str, str]) -> web.WebSocketResponse:
        """textual-serve 1.1.3's `Server.handle_websocket`, starting a `SessionApp` rather than its own AppService."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = SessionApp(
                self.command,
                acting=acting,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        await super().on_shutdown(app)
        sessions = list(self._sessions)
        for session in sessions:
            session.cancel()
        # Each app process has exited once its session task is done.
        await asyncio.gather(*sessions, return_exceptions=True)

    def serve(self, debug: bool = False) -> None:
        """textual-serve's `Server.serve`, over TLS when given a certificate."""
        self.debug = debug
        self.initialize_logging()
        try:
            loop = asyncio.get_event_loop()
        except Exception:  # noqa: BLE001 - as textual-serve: no loop yet in this thread
            loop = asyncio.new_event_loop()
        loop.add_signal_handler(signal.SIGINT, self.request_exit)
        loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(), host=self.host, port=self.port, ssl_context=self.ssl_context,
            handle_signals=False, loop=loop, print=lambda *args: None,
        )


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.999)
    return f"{whole} seconds" if whole < 120 else f"{(whole + 59) // 60} minutes"


def _see_other(location: str) -> web.Response:
    """A redirect that carries a cookie (aiohttp wants an HTTPSeeOther raised, and then its cookies are lost)."""
    return web.Response(status=303, headers={"Location": location})
