"""The inbox against an outside probe, over real HTTP: guessing, stolen cookies, bad requests."""

from __future__ import annotations

import time
from typing import Iterator

import pytest

from bot.config import ConfigError, load_settings
from bot.db import dispose_engine, upgrade
from bot.sales.server import COOKIE, DEVICE_COOKIE, InboxServer
from bot.sales.startup import make_server
from bot.sales.throttle import LoginThrottle
from tests.sales.conftest import PASSWORD
from tests.sales.hostile import HOSTILE, send_raw
from tests.sales.support import InboxClient, ManualClock
from tests.support.database import sqlite_url
from tests.support.threads import running

OTHER_ADDRESS = "127.0.0.2"  # another client on this machine: all of 127/8 is loopback


def sign_in(client: InboxClient, password: str = PASSWORD):
    return client.post("/login", {"password": password, "next": "/"})


def sign_out(client: InboxClient):
    return client.post("/logout", {"csrf": client.get("/").csrf()})


# --- login throttling: slower and slower, never locked -------------------------------


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def throttled(inbox_settings, clock) -> Iterator[InboxServer]:
    """The inbox with the production delays (1 s doubling to 30 s) on a hand-moved clock."""
    throttle = LoginThrottle(free_attempts=3, base_delay=1, max_delay=30, clock=clock)
    with running(make_server(inbox_settings, port=0, throttle=throttle)) as server:
        yield server


def test_many_wrong_passwords_delay_the_right_one_only_briefly(throttled, clock):
    attacker = InboxClient(throttled.url)
    statuses = [sign_in(attacker, f"guess {n}").status for n in range(12)]
    assert statuses == [401] * 4 + [429] * 8  # three free, one more, then wait

    refused = sign_in(attacker)
    assert (refused.status, refused.headers["retry-after"]) == (429, "1")
    assert "Wait 1 second" in refused.body and attacker.cookie is None

    colleague = InboxClient(throttled.url, source=OTHER_ADDRESS)
    assert sign_in(colleague).status == 303  # another address is not slowed down at all

    clock.advance(1)
    assert sign_in(attacker).status == 303  # the right password works once the wait is over
    assert attacker.get("/").status == 200


def test_the_delay_doubles_up_to_thirty_seconds(throttled, clock):
    guesser = InboxClient(throttled.url)
    assert [sign_in(guesser, "wrong").status for _ in range(3)] == [401] * 3
    waits = []
    for _ in range(8):
        assert sign_in(guesser, "wrong").status == 401
        waits.append(int(sign_in(guesser, "wrong").headers["retry-after"]))
        clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]
    assert sign_in(guesser).status == 303  # even after 11 wrong ones in a row


def test_a_browser_that_signed_in_before_is_not_slowed_by_a_guesser_at_its_address(throttled):
    """Behind a reverse proxy everyone shares one address; the device mark tells them apart."""
    colleague = InboxClient(throttled.url)
    marked = sign_in(colleague)
    device = next(c for c in marked.cookies if c.startswith(DEVICE_COOKIE + "="))
    assert "Path=/login" in device and "HttpOnly" in device and "SameSite=Strict" in device
    sign_out(colleague)

    guesser = InboxClient(throttled.url)  # same address, no mark
    for _ in range(8):
        sign_in(guesser, "wrong")
    assert sign_in(guesser).status == 429
    assert sign_in(colleague).status == 303

    forger = InboxClient(throttled.url)
    forger.jar[DEVICE_COOKIE] = ("made-up.c2lnbmF0dXJl", "/login")
    assert sign_in(forger).status == 429  # a forged mark counts for the address


def test_with_a_tiny_real_delay_the_right_password_works_after_waiting(inbox_settings):
    throttle = LoginThrottle(free_attempts=2, base_delay=0.1, max_delay=0.3)
    with running(make_server(inbox_settings, port=0, throttle=throttle)) as inbox:
        client = InboxClient(inbox.url)
        statuses = {sign_in(client, "wrong").status for _ in range(10)}
        assert statuses == {401, 429}
        time.sleep(0.35)
        assert sign_in(client).status == 303


def test_the_throttle_forgets_old_addresses(inbox_settings, clock):
    throttle = LoginThrottle(forget_after=60, max_keys=2, clock=clock)
    with running(make_server(inbox_settings, port=0, throttle=throttle)) as inbox:
        for source in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
            sign_in(InboxClient(inbox.url, source=source), "wrong")
        assert len(throttle) == 2
        clock.advance(61)
        sign_in(InboxClient(inbox.url), "wrong")
        assert len(throttle) == 1


# --- signing out ends the session on the server ---------------------------------------


def test_a_copied_cookie_is_refused_after_logout(signed_in, inbox, leads):
    copied = signed_in.cookie
    csrf = signed_in.get("/").csrf()
    other = InboxClient(inbox.url)
    sign_in(other)
    assert sign_out(signed_in).status == 303

    thief = InboxClient(inbox.url)
    thief.cookie = copied
    page = thief.get("/")
    assert (page.status, page.location) == (303, "/login?next=/")
    assert thief.get(f"/leads/{leads['hot']}").status == 303
    change = thief.post(f"/leads/{leads['hot']}/status", {"csrf": csrf, "status": "won"})
    assert (change.status, change.location) == (303, "/login")
    assert other.get("/").status == 200  # only the session that signed out ended


def test_logout_holds_in_a_second_instance_and_after_a_restart(inbox_settings, leads):
    one, two = make_server(inbox_settings, port=0), make_server(inbox_settings, port=0)
    with running(one) as first, running(two) as second:
        leaving, staying = InboxClient(first.url), InboxClient(first.url)
        sign_in(leaving)
        sign_in(staying)
        copied = leaving.cookie
        sign_out(leaving)
        assert fetch_with(second, copied).status == 303
        assert fetch_with(second, staying.cookie).status == 200
    with running(make_server(inbox_settings, port=0)) as restarted:
        assert fetch_with(restarted, copied).status == 303
        assert fetch_with(restarted, staying.cookie).status == 200


def fetch_with(server: InboxServer, cookie: str):
    client = InboxClient(server.url)
    client.cookie = cookie
    return client.get("/")


# --- the Secure attribute --------------------------------------------------------------


def secure_settings(inbox_settings, value: str):
    env = {
        "BOT_PROJECT_DIR": str(inbox_settings.project_dir),
        "BIND_HOST": "127.0.0.1",
        "DATABASE_URL": inbox_settings.database_url,
        "SALES_INBOX_PASSWORD_HASH": inbox_settings.sales_inbox_password_hash,
        "SALES_INBOX_SECURE_COOKIES": value,
    }
    return load_settings(env)


def test_secure_cookies_setting_marks_every_cookie_secure(inbox_settings):
    with running(make_server(secure_settings(inbox_settings, "true"), port=0)) as inbox:
        client = InboxClient(inbox.url)
        cookies = sign_in(client).cookies
        assert {c.split("=")[0] for c in cookies} == {COOKIE, DEVICE_COOKIE}
        assert all(c.endswith("; Secure") for c in cookies)
        assert sign_out(client).cookies[0].endswith("Max-Age=0; HttpOnly; SameSite=Strict; Secure")


def test_without_the_setting_only_a_tls_proxy_makes_cookies_secure(client):
    assert not any("Secure" in c for c in sign_in(client).cookies)
    proxied = client.post("/login", {"password": PASSWORD}, {"X-Forwarded-Proto": "https"})
    assert all("; Secure" in c for c in proxied.cookies)


@pytest.mark.parametrize(
    "raw, expected", [("", False), ("false", False), ("0", False), ("true", True),
                      ("TRUE", True), ("1", True), ("yes", True), ("on", True)],
)  # fmt: skip
def test_secure_cookies_setting_is_parsed(raw, expected):
    assert load_settings({"SALES_INBOX_SECURE_COOKIES": raw}).sales_inbox_secure_cookies is expected


def test_a_misspelt_secure_cookies_setting_is_refused():
    with pytest.raises(ConfigError, match="SALES_INBOX_SECURE_COOKIES"):
        load_settings({"SALES_INBOX_SECURE_COOKIES": "ture"})


# --- hostile requests --------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_inbox(tmp_path_factory, password_hash) -> Iterator[InboxServer]:
    """One inbox for the whole corpus: starting one per request would dominate the run."""
    work = tmp_path_factory.mktemp("inbox")
    url = sqlite_url(work / "var" / "leads.db")
    upgrade(url)
    env = {"BOT_PROJECT_DIR": str(work), "DATABASE_URL": url, "BIND_HOST": "127.0.0.1"}
    settings = load_settings(dict(env, SALES_INBOX_PASSWORD_HASH=password_hash))
    with running(make_server(settings, port=0)) as server:
        yield server
    dispose_engine(url)


@pytest.fixture(scope="module")
def session_cookie(shared_inbox) -> str:
    client = InboxClient(shared_inbox.url)
    assert sign_in(client).status == 303
    return client.cookie


@pytest.mark.parametrize("signed", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("request_bytes", [r for _, r in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_every_hostile_request_is_answered_and_the_inbox_keeps_serving(
    shared_inbox, session_cookie, request_bytes, signed
):
    host, port = shared_inbox.server_address[:2]
    if signed:  # the signed-in variant reaches the routes and the database
        request_bytes = request_bytes.replace(
            b"Host: x\r\n", f"Cookie: {session_cookie}\r\n".encode()
        )
    started = time.monotonic()
    status, answer = send_raw(host, port, request_bytes)

    assert 0 < status < 500, answer[:300]
    assert time.monotonic() - started < 2
    assert send_raw(host, port, b"GET /login HTTP/1.1\r\n\r\n")[0] in (200, 303)
    assert send_raw(host, port, b"GET /healthz HTTP/1.1\r\n\r\n")[0] == 200


def test_head_is_answered_without_a_body(shared_inbox, session_cookie):
    host, port = shared_inbox.server_address[:2]
    request = f"HEAD / HTTP/1.1\r\nCookie: {session_cookie}\r\n\r\n".encode()
    status, answer = send_raw(host, port, request)
    assert status == 200
    headers, _, body = answer.partition(b"\r\n\r\n")
    assert b"Content-Length: " in headers and body == b""


def test_unknown_methods_are_not_allowed(shared_inbox):
    host, port = shared_inbox.server_address[:2]
    status, answer = send_raw(host, port, b"DELETE /leads/FM-2026-000001 HTTP/1.1\r\n\r\n")
    assert status == 405 and b"Allow: GET, HEAD, POST\r\n" in answer
