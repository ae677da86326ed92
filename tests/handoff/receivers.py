"""Real local receivers for hand-off tests: an HTTP webhook endpoint and an SMTP server.

The HTTP receiver behaves like a CRM that deduplicates on ``Idempotency-Key``
and checks the signature; it can fail or stall its first requests on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

from aiosmtpd.controller import Controller

from tests.support.servers import free_port


class WebhookReceiver:
    """Answers 503 to the first ``fail_first`` requests; ``stall_first`` hang first.

    With a ``secret``, requests without its signature get 401; without, none is checked.
    """

    def __init__(
        self, secret: str | None = None, fail_first: int = 0, stall_first: int = 0
    ) -> None:
        self.secret, self.fail_first, self.stall_first = secret, fail_first, stall_first
        self.requests: List[Dict[str, Any]] = []  # every request, in arrival order
        self.accepted: Dict[str, Dict[str, Any]] = {}  # idempotency key -> first body
        self.release = threading.Event()  # lets stalled requests finish (with a 503)
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/leads"

    def __enter__(self) -> WebhookReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def signature_valid(self, request: Dict[str, Any]) -> bool:
        expected = hmac.new(self.secret.encode(), request["raw"], hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, request["headers"].get("x-signature-sha256", ""))

    def wait_for(self, predicate, timeout: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return False

    def _answer(self, request: Dict[str, Any]) -> int:
        with self.lock:
            self.requests.append(request)
            number = len(self.requests)
        if number <= self.stall_first:
            self.release.wait(60)
            return 503
        if number <= self.stall_first + self.fail_first:
            return 503
        if self.secret is not None and not self.signature_valid(request):
            return 401
        with self.lock:
            key = request["headers"].get("idempotency-key", f"request-{number}")
            self.accepted.setdefault(key, request["json"])
        return 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                request = {"headers": headers, "raw": raw, "json": json.loads(raw)}
                status = receiver._answer(request)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        return Handler


class SmtpSink:
    """aiosmtpd's handler interface: keep every message that arrives."""

    def __init__(self) -> None:
        self.envelopes: List[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a free local port, running in this process."""

    def __init__(self) -> None:
        self.sink = SmtpSink()
        self.port = free_port()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.controller.stop()
