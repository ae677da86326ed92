"""A tiny HTTP client for the inbox tests: keeps its cookie, never follows redirects.

Redirects are what the tests look at (login required, post-redirect-get), so
``http.client`` is used directly rather than ``urllib``, which follows them.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import threading
from dataclasses import dataclass
from typing import Dict, Iterator
from urllib.parse import urlencode, urlsplit


@contextlib.contextmanager
def running(server) -> Iterator:
    """Serve ``server`` on a background thread for the duration of the block."""
    worker = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    worker.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        worker.join(timeout=5)


@dataclass
class Response:
    status: int
    headers: Dict[str, str]
    body: str

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    def csrf(self) -> str:
        """The CSRF token of the first form on the page."""
        match = re.search(r'name="csrf" value="([^"]+)"', self.body)
        assert match, "no CSRF token on the page"
        return match.group(1)


class InboxClient:
    """One browser's worth of state: the session cookie, if any."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookie: str | None = None

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, form: Dict[str, str]) -> Response:
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self._request("POST", path, body, headers)

    def _request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Response:
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        connection = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(
                raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.read().decode()
            )
        finally:
            connection.close()
        set_cookie = response.headers.get("set-cookie")
        if set_cookie:
            pair = set_cookie.split(";", 1)[0]
            self.cookie = pair if pair.split("=", 1)[1] else None
        return response
