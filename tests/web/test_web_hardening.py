"""The demo site under hostile requests: every one answered, nothing outside static/ served."""

from __future__ import annotations

import http.client
import socket
import time
from typing import Iterator

import pytest

from bot.web.server import STATIC_DIR, StaticHandler, WebServer, make_server
from tests.support.hostile import HOSTILE, send_raw
from tests.support.threads import running

# Text that would only appear if a file outside the static folder were served.
OUTSIDE = [b"root:", b"def ", b"import ", b"[tool.pytest"]


@pytest.fixture(scope="module")
def site(web_settings) -> Iterator[WebServer]:
    with running(make_server(web_settings, port=0, bot_url="http://bot.example:5005")) as server:
        yield server


def get_index(site: WebServer) -> int:
    host, port = site.server_address[:2]
    return send_raw(host, port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")[0]


def test_the_corpus_is_big_enough():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("request_bytes", [r for _, r in HOSTILE], ids=[n for n, _ in HOSTILE])
def test_every_hostile_request_is_answered_and_the_site_keeps_serving(site, request_bytes):
    host, port = site.server_address[:2]
    started = time.monotonic()
    status, answer = send_raw(host, port, request_bytes)

    assert 0 < status < 500, answer[:200]
    assert time.monotonic() - started < 2  # answered at once, not after a timeout
    assert not any(marker in answer for marker in OUTSIDE)
    assert get_index(site) == 200


@pytest.mark.parametrize(
    "target",
    ["/%00", "/" + "a" * 256, "/" + "a" * 300 + "/b", "/%ff%fe", "/x%0d%0aSet-Cookie:%20a=b"],
)
def test_nul_bytes_long_names_and_broken_escapes_are_bad_requests(site, target):
    host, port = site.server_address[:2]
    status, answer = send_raw(host, port, f"GET {target} HTTP/1.1\r\n\r\n".encode())

    assert status == 400
    assert b"Set-Cookie" not in answer
    assert answer.endswith(b"\r\n\r\n400 Bad Request\n")  # plain text, nothing echoed back


@pytest.mark.parametrize(
    "target",
    ["/..%2f..%2fetc/passwd", "/%2e%2e/", "/%2e%2e/server.py", "/..%2fcli.py", "/../__init__.py"],
)
def test_traversal_finds_nothing(site, target):
    host, port = site.server_address[:2]
    status, answer = send_raw(host, port, f"GET {target} HTTP/1.1\r\n\r\n".encode())

    assert status == 404
    assert not any(marker in answer for marker in OUTSIDE)


def test_long_addresses_are_refused_as_too_long(site):
    host, port = site.server_address[:2]
    for size in (8 * 1024, 100 * 1024):
        status, _ = send_raw(host, port, b"GET /" + b"a" * size + b" HTTP/1.1\r\n\r\n")
        assert status == 414


def test_unknown_methods_are_not_allowed_and_say_what_is(site):
    connection = http.client.HTTPConnection(*site.server_address[:2], timeout=5)
    try:
        connection.request("DELETE", "/index.html")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()

    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"


def test_garbled_request_lines_get_a_status_line(site):
    """The standard library would answer these as HTTP/0.9: a body with no status at all."""
    host, port = site.server_address[:2]
    for request in (b"GET /\r\n\r\n", b"hello\r\n\r\n", b"\r\n\r\n"):
        status, answer = send_raw(host, port, request)
        assert status == 400, answer[:100]
        assert b"<html" not in answer.lower()


def test_http_2_request_line_is_told_the_version_is_not_supported(site):
    """The one 5xx on purpose: 505 is the answer HTTP defines, and serving goes on."""
    host, port = site.server_address[:2]
    assert send_raw(host, port, b"GET / HTTP/2.0\r\n\r\n")[0] == 505
    assert get_index(site) == 200


def test_a_client_that_stops_mid_request_is_dropped(site, monkeypatch):
    """A half-sent request does not hold a thread for ever (slowloris)."""
    assert 0 < StaticHandler.timeout <= 60
    monkeypatch.setattr(StaticHandler, "timeout", 0.3)
    with socket.create_connection(site.server_address[:2], timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # no blank line: never ends
        started = time.monotonic()
        assert connection.recv(1024) == b""  # closed by the server, without an answer
    assert time.monotonic() - started < 3
    assert get_index(site) == 200


def test_files_of_the_static_folder_are_still_served(site):
    host, port = site.server_address[:2]
    for path in STATIC_DIR.iterdir():
        if path.is_file() and len(path.name) < 255:
            assert send_raw(host, port, f"GET /{path.name} HTTP/1.1\r\n\r\n".encode())[0] == 200
