"""A small static server for the demo site and the chat widget.

It serves ``bot/web/static/`` and writes the Rasa URL the widget should talk to
into the HTML pages (the ``{{BOT_URL}}`` placeholder in the script tag), so the
same files work on a laptop and behind a real domain. The Content-Security-Policy
of the pages allows ``connect-src`` to exactly that bot origin. Malformed and
hostile requests are refused by :class:`bot.http_serving.GuardedRequestHandler`.
"""

from __future__ import annotations

import html
import logging
from http import HTTPStatus
from pathlib import Path
from typing import Tuple
from urllib.parse import unquote, urlsplit

from bot.config import Settings
from bot.http_serving import GuardedRequestHandler, LocalHTTPServer, serve_until_stopped

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
BOT_URL_PLACEHOLDER = "{{BOT_URL}}"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class WebConfigError(ValueError):
    """The bot URL given to the web server cannot be used by a browser."""


def bot_origin(bot_url: str) -> str:
    """The ``scheme://host[:port]`` a browser will connect to for ``bot_url``."""
    parts = urlsplit(bot_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WebConfigError(f"The bot URL must be an http(s) URL, got {bot_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(bot_url: str) -> str:
    """The policy for the demo pages: own scripts and styles only, chat to the bot only.

    Images may come from any http(s) host because bot replies can carry image URLs.
    """
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' https: http:",
            f"connect-src 'self' {bot_origin(bot_url)}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


class WebServer(LocalHTTPServer):
    """The HTTP server plus what its handlers need to know."""

    def __init__(self, address: Tuple[str, int], bot_url: str, static_dir: Path = STATIC_DIR):
        self.bot_url = bot_url.rstrip("/")
        self.csp = content_security_policy(self.bot_url)
        self.static_dir = static_dir.resolve()
        super().__init__(address, StaticHandler)


class StaticHandler(GuardedRequestHandler):
    """GET/HEAD for the files in the static directory, nothing else."""

    server: WebServer
    methods = ("GET", "HEAD")
    server_version = "SoleCareWeb"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve(include_body=True)

    def do_HEAD(self) -> None:
        self._serve(include_body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    def _serve(self, include_body: bool) -> None:
        path = self._resolve(self.path)
        try:
            body = None if path is None else path.read_bytes()
        except OSError as error:  # e.g. a file without read permission
            log.warning("cannot read %s: %s", path, error)
            body = None
        if body is None:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", ".txt", include_body)
            return
        if path.suffix == ".html":
            body = self._inject_bot_url(body)
        self._send(HTTPStatus.OK, body, path.suffix, include_body)

    def _resolve(self, raw_path: str) -> Path | None:
        """Map a request path to a file inside the static directory, or ``None``.

        A name the file system refuses (too long, say) is simply not a file here.
        """
        name = unquote(urlsplit(raw_path).path).lstrip("/") or "index.html"
        try:
            candidate = (self.server.static_dir / name).resolve()
            inside = self.server.static_dir in candidate.parents
            return candidate if inside and candidate.is_file() else None
        except (OSError, ValueError):
            return None

    def _inject_bot_url(self, body: bytes) -> bytes:
        escaped = html.escape(self.server.bot_url, quote=True)
        return body.replace(BOT_URL_PLACEHOLDER.encode(), escaped.encode())

    def _send(self, status: HTTPStatus, body: bytes, suffix: str, include_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPES.get(suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        for name, value in COMMON_HEADERS.items():
            self.send_header(name, value)
        if suffix == ".html":
            # Pages carry the injected bot URL, so a cached copy could point at an old bot.
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", self.server.csp)
        else:
            self.send_header("Cache-Control", "no-cache")
            # The widget is embedded by other sites' pages.
            self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
        self.end_headers()
        if include_body:
            self.wfile.write(body)


def make_server(
    settings: Settings, port: int | None = None, bot_url: str | None = None
) -> WebServer:
    """A bound but not yet serving server; ``port=0`` picks a free port (for tests)."""
    chosen_port = settings.web_port if port is None else port
    return WebServer((settings.bind_host, chosen_port), bot_url or settings.rasa_url)


def serve(settings: Settings, port: int | None = None, bot_url: str | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then finish open requests and close the socket."""
    server = make_server(settings, port=port, bot_url=bot_url)
    banner = f"Serving the demo site on {server.url} (chat widget talks to {server.bot_url})"
    serve_until_stopped(server, "web-server", banner)
    print("Web server stopped.")
