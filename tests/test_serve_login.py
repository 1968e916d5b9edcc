"""`projtui serve`'s login, through aiohttp's test client: the page, the cookie, the throttle and what is refused.

The real server class on a real port; only the browser is replaced by aiohttp's
client. What the app process does with its login is the browser test's part
(tests/test_serve_browser.py).
"""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from projtui.domain.roles import Role
from projtui.services import users
from projtui.services.opening import open_portfolio
from projtui.settings.location import DB_ROLE_VAR, LOGIN_VAR, READ_ONLY_VAR
from projtui.web.logins import FIRST_WAIT, FREE_FAILURES, IDLE_LIMIT, Sessions, Throttle
from projtui.web.server import COOKIE, BrowserServer, SessionApp

SECRET = "correct horse battery"


class Clock:
    """Time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(tmp_path):
    database = open_portfolio(f"sqlite:///{tmp_path / 'p.db'}", create=True)
    users.claim_first_admin(database, "root")
    users.add_user(database, "jo", display_name="Jo <b>Bloggs</b>", role=Role.PERFORMANCE_OFFICER, password=SECRET, actor="root")
    yield database
    database.dispose()


@pytest.fixture
def clock():
    return Clock()


async def _client(db, clock, **options) -> TestClient:
    options.setdefault("public_url", "http://127.0.0.1:8000")
    server = BrowserServer(
        "true", host="127.0.0.1", port=8000, title="projtui", max_sessions=2, db=db,
        sessions=Sessions(clock), throttle=Throttle(clock), **options,
    )
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    client.projtui = server  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def client(db, clock):
    client = await _client(db, clock)
    yield client
    await client.close()


async def _log_in(client: TestClient, login: str = "jo", password: str = SECRET, **headers):
    return await client.post("/login", data={"login": login, "password": password}, headers=headers, allow_redirects=False)


async def test_the_app_page_sends_a_stranger_to_the_login_page(client):
    page = await client.get("/", allow_redirects=False)
    assert (page.status, page.headers["Location"]) == (303, "login")
    login = await client.get("/login")
    assert login.status == 200
    text = await login.text()
    assert '<form method="post" action="login">' in text and 'type="password"' in text
    assert "http" not in re.sub(r'<meta[^>]*>', "", text)  # no external resource: fonts come from the package


async def test_a_right_password_sets_a_strict_httponly_session_cookie_and_opens_the_app(client):
    answer = await _log_in(client)
    assert (answer.status, answer.headers["Location"]) == (303, ".")
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert flags == {"httponly", "path", "samesite"}  # not Secure: this server is plain http
    assert "Path=/" in cookie and "SameSite=Strict" in cookie
    page = await client.get("/", allow_redirects=False)  # the client's jar sends the cookie back
    assert page.status == 200
    text = await page.text()
    assert "fonts.googleapis" not in text and 'url("fonts/roboto-mono-latin-400-normal.woff2")' in text
    assert '<form method="post" action="logout">' in text  # offered when the session ends
    font = await client.get("/fonts/roboto-mono-latin-400-normal.woff2")
    assert font.status == 200 and (await font.read())[:4] == b"wOF2"
    assert (await client.get("/fonts/LICENSE-roboto-mono.txt")).status == 200


async def test_the_cookie_is_secure_when_browsers_come_over_https(db, clock):
    client = await _client(db, clock, public_url="https://projtui.council.example")
    try:
        cookie = (await _log_in(client)).headers["Set-Cookie"]
    finally:
        await client.close()
    assert "Secure" in cookie.split("; ") and "HttpOnly" in cookie


async def test_a_wrong_password_shows_one_message_and_sets_no_cookie(client):
    answer = await _log_in(client, password="wrong horse battery")
    assert answer.status == 401 and "Set-Cookie" not in answer.headers
    text = await answer.text()
    assert "Wrong login or password." in text
    assert 'value="jo"' in text  # the login stays typed in
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_the_login_page_escapes_what_was_typed(client):
    answer = await _log_in(client, login='"><script>alert(1)</script>', password="whatever it is")
    text = await answer.text()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_failed_logins_wait_longer_and_longer_then_the_right_one_gets_in(client, clock):
    for _ in range(FREE_FAILURES):
        assert (await _log_in(client, password="wrong horse battery")).status == 401
    refused = await _log_in(client)  # even the right password waits now
    assert refused.status == 429 and "Set-Cookie" not in refused.headers
    assert "Too many failed logins: wait 30 seconds and try again." in await refused.text()
    clock.now += FIRST_WAIT
    assert (await _log_in(client, password="wrong horse battery")).status == 401
    doubled = await _log_in(client)
    assert "wait 60 seconds" in await doubled.text()
    clock.now += 2 * FIRST_WAIT
    assert (await _log_in(client)).status == 303
    assert (await _log_in(client, password="wrong horse battery")).status == 401  # a success forgives the past


async def test_the_throttle_counts_per_address_and_per_login(clock):
    throttle = Throttle(clock)
    for _ in range(FREE_FAILURES):
        throttle.failed("10.0.0.1", "jo")
    assert throttle.wait("10.0.0.1", "someone-else") == FIRST_WAIT  # the address waits, whatever login it tries
    assert throttle.wait("10.0.0.2", "JO") == FIRST_WAIT  # and so does the login, from anywhere
    assert throttle.wait("10.0.0.2", "pat") == 0


async def test_a_login_from_a_foreign_page_is_refused(client):
    answer = await _log_in(client, Origin="https://evil.example")
    assert answer.status == 403 and "Set-Cookie" not in answer.headers


async def test_the_session_socket_is_refused_without_a_session_and_from_a_foreign_origin(client):
    no_session = await client.get("/ws", headers={"Origin": "http://127.0.0.1:8000"})
    assert no_session.status == 401
    await _log_in(client)
    foreign = await client.get("/ws", headers={"Origin": "https://evil.example"})
    assert foreign.status == 403
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({COOKIE: "made-up"})
    assert (await client.get("/ws")).status == 401


async def test_a_user_disabled_since_logging_in_opens_no_more_sessions(client, db):
    await _log_in(client)
    users.set_active(db, "jo", False, actor="root")
    refused = await client.get("/ws")
    assert refused.status == 403 and "jo may no longer use this portfolio" in await refused.text()
    assert (await client.get("/", allow_redirects=False)).status == 303  # and the session is over


async def test_logging_out_ends_the_session(client):
    await _log_in(client)
    out = await client.post("/logout", allow_redirects=False)
    assert (out.status, out.headers["Location"]) == (303, "login?out")
    assert (await client.get("/", allow_redirects=False)).status == 303
    assert "You are logged out." in await (await client.get("/login?out")).text()


async def test_an_idle_session_expires(client, clock):
    await _log_in(client)
    clock.now += IDLE_LIMIT + 1
    assert (await client.get("/", allow_redirects=False)).status == 303


async def test_downloads_need_a_session_too(client):
    assert (await client.get("/download/anything")).status == 401


def test_each_session_s_app_acts_as_its_user_and_read_only_is_passed_on(db):
    def server(read_only: bool) -> BrowserServer:
        return BrowserServer("true", public_url="http://127.0.0.1:8000", max_sessions=1, db=db, read_only=read_only)

    def environment(acting):
        app = SessionApp("true", acting=acting, write_bytes=None, write_str=None, close=None, download_manager=None)
        return app._build_environment(80, 24)

    writing = environment(server(False)._acting("jo"))
    assert writing[LOGIN_VAR] == "jo" and READ_ONLY_VAR not in writing
    assert writing["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"  # textual-serve's own environment kept
    reading = environment(server(True)._acting("jo"))
    assert (reading[LOGIN_VAR], reading[READ_ONLY_VAR]) == ("jo", "1")
    assert DB_ROLE_VAR not in writing  # not in team mode: the app connects as the server does
    people = BrowserServer("true", public_url="http://127.0.0.1:8000", max_sessions=1, db=db, people=True)
    assert environment(people._acting("jo"))[DB_ROLE_VAR] == "jo"  # tests/test_team_mode.py: what the database does with it


def test_the_session_s_app_opens_its_database_as_its_environment_says(db, monkeypatch):
    from projtui.ui import launch

    opened = []
    monkeypatch.setattr(launch, "run_app", lambda database, **_: opened.append(database))
    monkeypatch.setenv(DB_ROLE_VAR, "jo")
    monkeypatch.setenv(READ_ONLY_VAR, "1")
    launch.open_app(db.url)
    assert (opened[0].role, opened[0].read_only) == ("jo", True)
    opened[0].dispose()
