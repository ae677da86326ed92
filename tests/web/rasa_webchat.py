"""The community widget ``rasa-webchat`` from npm, on a test page served by the browser itself.

The bundle is fetched once with ``npm pack`` (the tarball only, no dependencies:
``lib/index.js`` is a self-contained UMD build with React and socket.io-client 3)
and cached under ``var/test-npm/``.

The page is not served by an HTTP server: Playwright answers the requests for
its origin inside the browser. Chromium still treats the page as loaded from
that origin and sends it as ``Origin`` to Rasa's socket.io channel, so the test
can use the origin Rasa allows (``http://127.0.0.1:<TEST_WEB_PORT>``) without
binding that port, which the demo site of the other web tests holds for the
whole session.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.config import PROJECT_ROOT

VERSION = "1.0.1"
CACHE_DIR = PROJECT_ROOT / "var" / "test-npm"
BUNDLE_PATH = "/rasa-webchat.js"

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>rasa-webchat test page</title></head>
<body>
<h1>Foot-massage shop</h1>
<div id="webchat"></div>
<script src="{bundle}"></script>
<script>
  WebChat.default({config}, document.getElementById("webchat"));
</script>
</body>
</html>
"""


def webchat_bundle(cache_dir: Path = CACHE_DIR, version: str = VERSION) -> Path:
    """``lib/index.js`` of ``rasa-webchat@version``, fetched with npm unless cached.

    Skips when npm is missing; fails when npm is there but cannot fetch the package.
    """
    bundle = cache_dir / f"rasa-webchat-{version}.js"
    if bundle.exists():
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("the rasa-webchat test needs npm to fetch the widget (apt-get install npm)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    # A private folder per run: other engineers may fetch the same package at the same time.
    with tempfile.TemporaryDirectory(dir=cache_dir) as work:
        tarball = _npm_pack(npm, f"rasa-webchat@{version}", Path(work))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/lib/index.js")
            assert member is not None, f"{tarball.name} has no package/lib/index.js"
            partial = Path(work) / bundle.name
            partial.write_bytes(member.read())
        partial.replace(bundle)
    return bundle


def _npm_pack(npm: str, spec: str, folder: Path) -> Path:
    result = subprocess.run(
        [npm, "pack", spec, "--json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-2000:]
        pytest.fail(f"npm pack {spec} failed ({result.returncode}):\n{output}")
    return folder / json.loads(result.stdout)[0]["filename"]


def page_html(socket_url: str) -> str:
    """A page that mounts the widget, configured as the rasa-webchat README shows."""
    config = {
        "socketUrl": socket_url,
        "socketPath": "/socket.io/",
        "initPayload": "/greet",
        "title": "Foot-massage shop",
        "params": {"storage": "session"},
        # Rules need Botfront's server; without them the widget is shown before
        # session_confirm, so a refused connection is visible to the test.
        "withRules": False,
        "hideWhenNotConnected": False,
    }
    return PAGE.format(bundle=BUNDLE_PATH, config=json.dumps(config))


def serve_page(context, origin: str, socket_url: str, bundle: Path) -> str:
    """Answer requests for ``origin`` in ``context`` with the widget page; return its URL.

    Requests to Rasa (``socket_url``) go to the network untouched; every other
    host (the widget's web fonts) is refused, so the test needs no internet.
    """
    page_url = origin + "/"
    script = bundle.read_bytes()
    html = page_html(socket_url)

    def answer(route) -> None:
        url = route.request.url
        if url == page_url:
            route.fulfill(status=200, content_type="text/html", body=html)
        elif url == origin + BUNDLE_PATH:
            route.fulfill(status=200, content_type="application/javascript", body=script)
        elif url.startswith(page_url):
            route.fulfill(status=404, content_type="text/plain", body="not found")
        else:
            route.abort()

    context.route(lambda url: not url.startswith(socket_url), answer)
    # Chromium takes a page answered by Playwright for a public one, and a public
    # page needs the visitor's leave to reach a loopback address such as Rasa's.
    context.grant_permissions(["local-network-access"], origin=origin)
    return page_url


# Speaks just enough of the engine.io 4 / socket.io 5 protocol to join the
# default namespace: "0" is the handshake, "40" connects, "44" is a refusal.
SOCKETIO_PROBE = """url => new Promise(resolve => {
  const socket = new WebSocket(url);
  const done = outcome => { clearTimeout(timer); socket.close(); resolve(outcome); };
  const timer = setTimeout(() => done("timeout"), 10000);
  socket.onmessage = ({data}) => {
    if (data.startsWith("40")) done("connected");
    else if (data.startsWith("44")) done("refused");
    else if (data.startsWith("0")) socket.send("40");
    else if (data === "2") socket.send("3");
  };
  socket.onerror = () => done("refused");
  socket.onclose = () => done("refused");
})"""


def socketio_over_websocket(page, socket_url: str) -> str:
    """Connect to socket.io from ``page`` over a bare WebSocket: "connected" or "refused".

    Browsers apply no CORS to WebSockets, so only the server's Origin check can
    keep a foreign page from talking to the bot this way.
    """
    url = "ws" + socket_url[len("http") :] + "/socket.io/?EIO=4&transport=websocket"
    return page.evaluate(SOCKETIO_PROBE, url)


def foreign_origin(allowed: tuple) -> str:
    """An origin on the host of the first allowed one, on a port none of them uses."""
    parts = urlsplit(allowed[0])
    port = parts.port or 80
    while True:
        port += 1
        candidate = f"{parts.scheme}://{parts.hostname}:{port}"
        if candidate not in allowed:
            return candidate


class Webchat:
    """What a visitor sees and does in rasa-webchat 1.x (its ``rw-`` class names)."""

    def __init__(self, page) -> None:
        self.page = page
        self.launcher = page.locator(".rw-launcher")
        self.input = page.locator("textarea.rw-new-message")
        self.connecting = page.locator(".rw-loading")
        # The typing indicator ("...") is drawn as a bot message too.
        self.bot_messages = page.locator(".rw-message:not(.rw-typing-indication) .rw-response")
        self.visitor_messages = page.locator(".rw-message .rw-client")

    def open(self, url: str) -> Webchat:
        from playwright.sync_api import expect

        self.page.goto(url)
        expect(self.launcher).to_be_visible()
        self.launcher.click()
        expect(self.input).to_be_visible()
        return self

    def send(self, text: str) -> None:
        from playwright.sync_api import expect

        expect(self.input).to_be_enabled()
        self.input.fill(text)
        self.input.press("Enter")
