"""What the project's small standard-library HTTP servers have in common.

The demo site (``bot.web.server``) runs as its own process, started by
``bot web`` and stopped by the runner or a process manager with SIGTERM. It
needs to finish open requests and close its socket on that signal rather than
die mid-answer, and refuses malformed or hostile requests
(:class:`GuardedRequestHandler`). Routes, headers and files stay in the
server's module.
"""

from __future__ import annotations

import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Tuple
from urllib.parse import unquote_to_bytes

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
MAX_TARGET_CHARS = 2048  # what browsers and proxies reliably carry; no page needs more
MAX_SEGMENT_BYTES = 255  # the longest file name common file systems allow
REQUEST_TIMEOUT = 30  # seconds a client may take to send its request before it is dropped


class LocalHTTPServer(ThreadingHTTPServer):
    """A threaded server that can say where a browser on this machine reaches it."""

    daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{host}:{port}"


def serve_until_stopped(server: ThreadingHTTPServer, thread_name: str, banner: str) -> None:
    """Serve until SIGINT or SIGTERM, then finish open requests and close the socket.

    ``banner`` says where the server is; it is flushed at once so that it shows
    up even when the output goes to a pipe or a log file.
    """
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
    worker = threading.Thread(target=server.serve_forever, name=thread_name, daemon=True)
    worker.start()
    print(banner, flush=True)
    try:
        # A timed wait keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        worker.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class GuardedRequestHandler(BaseHTTPRequestHandler):
    """Answers a malformed or hostile request with a 4xx before any route sees it.

    Left to itself the standard library answers a garbled request line without a
    status line (it takes it for HTTP/0.9), an unknown method with 501, and lets a
    path the file system refuses (a NUL byte, a 300-character name) raise inside a
    route, which closes the connection with no answer at all. Subclasses list the
    methods they serve in ``methods`` and define ``do_<METHOD>`` for each.
    """

    methods: Tuple[str, ...] = ("GET", "HEAD")
    default_request_version = "HTTP/1.0"  # so even a refusal starts with a status line
    timeout = REQUEST_TIMEOUT

    def parse_request(self) -> bool:
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        if len(line.split()) != 3:  # garbage, a blank line or HTTP/0.9 ("GET /")
            self.requestline, self.command = line[:200], None
            self.request_version = self.default_request_version
            self.send_error(HTTPStatus.BAD_REQUEST, "bad request line")
            return False
        if not super().parse_request():
            return False
        if self.command not in self.methods:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
            return False
        problem = target_problem(self.path)
        if problem is not None:
            self.send_error(*problem)
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A short plain-text error that never echoes the request, with ``Allow`` on 405."""
        status = HTTPStatus(code)
        self.log_error("code %d, message %s", status.value, message or status.phrase)
        body = f"{status.value} {status.phrase}\n".encode("ascii")
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", ", ".join(self.methods))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def target_problem(target: str) -> Tuple[HTTPStatus, str] | None:
    """Why a request target is refused before routing, or ``None`` when it is acceptable.

    No file or route of these servers has a name that needs more, so refusing
    early costs nothing and keeps NUL bytes and over-long names away from the
    file system and the database.
    """
    if len(target) > MAX_TARGET_CHARS:
        return HTTPStatus.REQUEST_URI_TOO_LONG, "request target too long"
    if not target.isascii():
        return HTTPStatus.BAD_REQUEST, "raw non-ASCII byte in the request target"
    path, _, query = target.partition("?")
    raw_path = unquote_to_bytes(path)
    if any(byte < 0x20 or byte == 0x7F for byte in raw_path) or b"\x00" in unquote_to_bytes(query):
        return HTTPStatus.BAD_REQUEST, "control character in the request target"
    try:
        raw_path.decode("utf-8")
    except UnicodeDecodeError:
        return HTTPStatus.BAD_REQUEST, "path is not UTF-8"
    if any(len(segment) > MAX_SEGMENT_BYTES for segment in raw_path.split(b"/")):
        return HTTPStatus.BAD_REQUEST, "path segment too long"
    return None
