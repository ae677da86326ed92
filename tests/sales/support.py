"""A tiny HTTP client for the inbox tests: keeps its cookie, never follows redirects.

Redirects are what the tests look at (login required, post-redirect-get), so
``http.client`` is used directly rather than ``urllib``, which follows them.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from typing import Dict, List, Tuple
from urllib.parse import urlencode, urlsplit

SESSION_COOKIE = "sales_inbox_session"


class ManualClock:
    """A clock the test moves by hand, for the login throttle."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Response:
    status: int
    headers: Dict[str, str]  # the last one of a repeated header
    body: str
    cookies: List[str] = field(default_factory=list)  # every Set-Cookie, in order

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    def csrf(self) -> str:
        """The CSRF token of the first form on the page."""
        match = re.search(r'name="csrf" value="([^"]+)"', self.body)
        assert match, "no CSRF token on the page"
        return match.group(1)


class InboxClient:
    """One browser's worth of state: its cookies, sent back wherever they were set.

    ``source`` is the local address to connect from: 127.0.0.2 is another
    client address on the same machine (Linux routes all of 127/8 to loopback).
    """

    def __init__(self, base_url: str, source: str | None = None) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.source: Tuple[str, int] | None = (source, 0) if source else None
        self.jar: Dict[str, Tuple[str, str]] = {}  # name -> (value, path)

    @property
    def cookie(self) -> str | None:
        """The session cookie as ``name=value``, the thing an attacker would copy."""
        if SESSION_COOKIE not in self.jar:
            return None
        return f"{SESSION_COOKIE}={self.jar[SESSION_COOKIE][0]}"

    @cookie.setter
    def cookie(self, pair: str | None) -> None:
        self.jar.pop(SESSION_COOKIE, None)
        if pair:
            name, _, value = pair.partition("=")
            self.jar[name] = (value, "/")

    def get(self, path: str) -> Response:
        return self._request("GET", path)

    def post(self, path: str, form: Dict[str, str], headers=None) -> Response:
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self._request("POST", path, body, headers)

    def _request(self, method: str, path: str, body: bytes | None = None, headers=None) -> Response:
        headers = dict(headers or {})
        sent = [f"{name}={value}" for name, (value, scope) in self.jar.items()
                if path.split("?")[0].startswith(scope)]  # fmt: skip
        if sent:
            headers["Cookie"] = "; ".join(sent)
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=10, source_address=self.source
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(
                raw.status,
                {k.lower(): v for k, v in raw.getheaders()},
                raw.read().decode(),
                [v for k, v in raw.getheaders() if k.lower() == "set-cookie"],
            )
        finally:
            connection.close()
        for set_cookie in response.cookies:
            self._keep(set_cookie)
        return response

    def _keep(self, set_cookie: str) -> None:
        pair, *attributes = (part.strip() for part in set_cookie.split(";"))
        name, _, value = pair.partition("=")
        scope = next((a[5:] for a in attributes if a.lower().startswith("path=")), "/")
        if value:
            self.jar[name] = (value, scope)
        else:
            self.jar.pop(name, None)
