"""The workspace against an outside probe: guessing, stolen cookies, forged forms, bad requests."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from bot.config import ConfigError, load_settings
from bot.workspace.app import create_app
from bot.workspace.auth import DEVICE_COOKIE, SESSION_COOKIE
from bot.workspace.context import workspace_from_settings
from bot.workspace.guards import CONTENT_SECURITY_POLICY
from bot.workspace.throttle import LoginThrottle
from tests.support.hostile import HOSTILE, send_raw
from tests.support.workspace_server import serving
from tests.workspace.conftest import PASSWORDS, csrf_of, sign_in


class ManualClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def app_client(settings, throttle=None, address="10.0.0.1") -> TestClient:
    workspace = workspace_from_settings(settings, throttle=throttle)
    return TestClient(create_app(workspace), follow_redirects=False, client=(address, 5000))


# --- headers, CSRF, roles -------------------------------------------------------------


def test_every_page_forbids_scripts_framing_and_caching(sales, leads):
    for path in ("/login", "/", f"/leads/{leads['hot']}", "/no-such-page"):
        headers = sales.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src" not in CONTENT_SECURITY_POLICY
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
        assert headers["x-content-type-options"] == "nosniff"


def test_a_form_without_the_session_token_changes_nothing(sales, leads):
    refused = sales.post(f"/leads/{leads['hot']}/status", data={"status": "won"})
    forged = sales.post(f"/leads/{leads['hot']}/status", data={"status": "won", "csrf": "x" * 64})
    assert refused.status_code == forged.status_code == 403
    assert "Form expired" in refused.text
    assert ">new<" in sales.get(f"/leads/{leads['hot']}").text


def test_the_session_cookie_is_signed_http_only_and_strict(client):
    cookies = sign_in(client, "sam").headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    assert "httponly" in session.lower() and "samesite=strict" in session.lower()
    name, _, value = session.partition(";")[0].partition("=")
    tampered = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    client.cookies.clear()
    client.cookies.set(name, tampered)
    assert client.get("/").status_code == 303


def test_sales_cannot_open_admin_pages(sales):
    for path in ("/admin/training", "/admin/models"):
        assert sales.get(path).status_code == 403


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_signing_in_never_leads_off_site(client, target):
    response = sign_in(client, "sam", next_path=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_a_disabled_account_or_new_password_signs_the_person_out(client, database_url):
    from bot.accounts.service import change_account
    from bot.db.unit_of_work import unit_of_work_factory

    sign_in(client, "sam")
    assert client.get("/").status_code == 200
    change_account(unit_of_work_factory(database_url)(), "sam", password="a brand new password")
    assert client.get("/").status_code == 303
    assert sign_in(client, "sam").status_code == 401
    assert sign_in(client, "sam", "a brand new password").status_code == 303
    change_account(unit_of_work_factory(database_url)(), "sam", active=False)
    assert client.get("/").status_code == 303
    assert sign_in(client, "sam", "a brand new password").status_code == 401


# --- login throttling: slower and slower, never locked ---------------------------------


def test_many_wrong_passwords_delay_the_right_one_only_briefly(settings, accounts):
    clock = ManualClock()
    client = app_client(settings, LoginThrottle(free_attempts=3, base_delay=1, max_delay=30,
                                                clock=clock))  # fmt: skip
    statuses = [sign_in(client, "sam", "wrong").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    refused = sign_in(client, "sam")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    assert "Wait 1 second" in refused.text
    clock.now += 1
    assert sign_in(client, "sam").status_code == 303


def test_a_browser_that_signed_in_before_is_not_slowed_by_a_guesser(settings, accounts):
    throttle = LoginThrottle(free_attempts=3, base_delay=1, max_delay=30, clock=ManualClock())
    regular, guesser = app_client(settings, throttle), app_client(settings, throttle)
    assert sign_in(regular, "sam").status_code == 303
    regular.cookies.delete(SESSION_COOKIE)
    assert DEVICE_COOKIE in regular.cookies
    for _ in range(6):
        sign_in(guesser, "sam", "wrong")
    assert sign_in(guesser, "sam").status_code == 429
    assert sign_in(regular, "sam").status_code == 303


def test_a_guess_at_one_name_does_not_slow_a_colleague(settings, accounts):
    throttle = LoginThrottle(free_attempts=3, base_delay=1, max_delay=30, clock=ManualClock())
    client = app_client(settings, throttle)
    for _ in range(6):
        sign_in(client, "sam", "wrong")
    assert sign_in(client, "ada").status_code == 303


# --- sign-out across instances and restarts ------------------------------------------------


def test_sign_out_holds_in_a_second_instance_and_after_a_restart(settings, accounts):
    first, second = app_client(settings), app_client(settings)
    sign_in(first, "sam")
    copied = dict(first.cookies)
    staying = app_client(settings)
    sign_in(staying, "ada")
    assert first.post("/logout", data={"csrf": csrf_of(first.get("/").text)}).status_code == 303
    for client in (second, app_client(settings)):  # another instance, then a restarted one
        client.cookies.update(copied)
        assert client.get("/").status_code == 303
    assert staying.get("/").status_code == 200


# --- the Secure attribute -------------------------------------------------------------------


def test_the_secure_cookies_setting_marks_every_cookie_secure(settings, accounts):
    secure = load_settings({"BOT_PROJECT_DIR": str(settings.project_dir),
                            "DATABASE_URL": settings.database_url,
                            "WORKSPACE_SECURE_COOKIES": "true"})  # fmt: skip
    client = TestClient(create_app(workspace_from_settings(secure)), base_url="https://testserver",
                        follow_redirects=False)  # fmt: skip
    cookies = sign_in(client, "sam").headers.get_list("set-cookie")
    assert {c.split("=")[0] for c in cookies} == {SESSION_COOKIE, DEVICE_COOKIE}
    assert all("secure" in c.lower() for c in cookies)


def test_a_misspelt_secure_cookies_setting_is_refused():
    with pytest.raises(ConfigError, match="WORKSPACE_SECURE_COOKIES"):
        load_settings({"WORKSPACE_SECURE_COOKIES": "ture"})


# --- hostile requests over a real socket ------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple]:
    """One real workspace for the whole corpus: starting one per request would dominate."""
    from bot.accounts.service import create_account
    from bot.db import dispose_engine, upgrade
    from bot.db.unit_of_work import unit_of_work_factory
    from tests.support.database import sqlite_url

    work = tmp_path_factory.mktemp("workspace")
    url = sqlite_url(work / "leads.db")
    upgrade(url)
    create_account(unit_of_work_factory(url)(), "sam", PASSWORDS["sam"], "sales")
    settings = load_settings({"BOT_PROJECT_DIR": str(work), "DATABASE_URL": url})
    with serving(workspace_from_settings(settings)) as base_url:
        client = TestClient(create_app(workspace_from_settings(settings)),
                            follow_redirects=False)  # fmt: skip
        sign_in(client, "sam")
        cookie = f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"
        host, port = base_url.removeprefix("http://").split(":")
        yield host, int(port), cookie
    dispose_engine(url)


@pytest.mark.parametrize("signed", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("request_bytes", [r for _, r in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_every_hostile_request_is_answered_and_the_workspace_keeps_serving(
    live, request_bytes, signed
):
    host, port, cookie = live
    if signed:  # the signed-in variant reaches the routes and the database
        with_cookie = f"Host: x\r\nCookie: {cookie}\r\n".encode()
        request_bytes = request_bytes.replace(b"Host: x\r\n", with_cookie)
    started = time.monotonic()
    status, answer = send_raw(host, port, request_bytes, half_close=False)

    assert 0 < status < 500, answer[:300]
    assert b"Traceback" not in answer
    assert time.monotonic() - started < 2
    for path, status in (("/login", 200), ("/healthz", 200)):
        probe = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        assert send_raw(host, port, probe, half_close=False)[0] == status


def test_unknown_methods_are_not_allowed(live):
    host, port, _ = live
    request = b"DELETE /leads/FM-2026-000001 HTTP/1.1\r\nHost: x\r\n\r\n"
    status, _ = send_raw(host, port, request, half_close=False)
    assert status == 405


def test_with_the_database_down_people_get_a_page_that_says_so(settings, tmp_path):
    """PostgreSQL stopped (a port nobody listens on): signing in answers 503 with words,
    never a traceback; the sign-in page and the health check still answer."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{closed}/test"
    down = load_settings({"BOT_PROJECT_DIR": str(tmp_path), "DATABASE_URL": url})
    client = TestClient(create_app(workspace_from_settings(down)), follow_redirects=False)
    assert client.get("/healthz").status_code == 200
    assert client.get("/login").status_code == 200
    refused = sign_in(client, "sam")
    assert refused.status_code == 503 and "cannot be reached right now" in refused.text
    assert "Traceback" not in refused.text
