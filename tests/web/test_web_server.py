"""The static server: files, injected bot URL, headers, and clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Iterator

import pytest

from bot.config import PROJECT_ROOT, load_settings
from bot.web.server import WebConfigError, WebServer, content_security_policy, make_server
from tests.support.servers import free_port
from tests.support.threads import running

BOT_URL = "http://bot.example:5005"


@pytest.fixture
def site(web_settings) -> Iterator[WebServer]:
    with running(make_server(web_settings, port=0, bot_url=BOT_URL)) as server:
        yield server


def fetch(url: str, method: str = "GET"):
    """Status, headers and body of a request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_index_gets_the_bot_url_in_the_widget_tag(site):
    status, headers, body = fetch(site.url + "/")

    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'data-bot-url="{BOT_URL}"'.encode() in body
    assert b"{{BOT_URL}}" not in body


def test_pages_are_not_cached_and_may_only_talk_to_the_bot(site):
    _, headers, _ = fetch(site.url + "/index.html")

    assert headers["Cache-Control"] == "no-store"
    assert "connect-src 'self' http://bot.example:5005" in headers["Content-Security-Policy"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/widget.js", "text/javascript; charset=utf-8"),
        ("/widget.css", "text/css; charset=utf-8"),
        ("/privacy.html", "text/html; charset=utf-8"),
        ("/favicon.svg", "image/svg+xml"),
    ],
)
def test_static_files_have_their_content_type(site, path, content_type):
    status, headers, body = fetch(site.url + path)

    assert status == 200
    assert headers["Content-Type"] == content_type
    assert body


def test_the_widget_can_be_embedded_by_other_sites(site):
    _, headers, _ = fetch(site.url + "/widget.js")

    assert headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Content-Security-Policy" not in headers


@pytest.mark.parametrize(
    "path",
    ["/missing.html", "/../server.py", "/%2e%2e/server.py", "/static/../cli.py", "//etc/passwd"],
)
def test_only_files_of_the_static_folder_are_served(site, path):
    status, _, body = fetch(site.url + path)

    assert status == 404
    assert b"def " not in body


def test_head_sends_headers_without_a_body(site):
    status, headers, body = fetch(site.url + "/", method="HEAD")

    assert status == 200
    assert int(headers["Content-Length"]) > 0
    assert body == b""


def test_the_bot_url_is_escaped_for_the_attribute(web_settings):
    with running(make_server(web_settings, port=0, bot_url='http://x:1/"><b')) as server:
        _, _, body = fetch(server.url + "/")

    assert b'data-bot-url="http://x:1/&quot;&gt;&lt;b"' in body


def test_the_configured_rasa_url_and_web_port_are_the_defaults():
    port = free_port()
    settings = load_settings({"BIND_HOST": "127.0.0.1", "WEB_PORT": str(port), "RASA_PORT": "5999"})

    server = make_server(settings)
    try:
        assert server.server_address[1] == port
        assert server.bot_url == "http://127.0.0.1:5999"
    finally:
        server.server_close()


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "localhost:5005", "ftp://bot"])
def test_a_bot_url_a_browser_cannot_use_is_refused(bad):
    with pytest.raises(WebConfigError):
        content_security_policy(bad)


def test_serve_stops_cleanly_on_sigterm():
    script = (
        "from bot.config import load_settings; from bot.web.server import serve; "
        "serve(load_settings({'BIND_HOST': '127.0.0.1'}), port=0)"
    )
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", script],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    try:
        first_line = process.stdout.readline()
        assert "Serving the demo site on http://127.0.0.1:" in first_line
        url = first_line.split(" on ")[1].split()[0]
        assert fetch(url + "/")[0] == 200

        process.send_signal(signal.SIGTERM)

        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
