"""Hostile requests that every HTTP server of ours must answer, sent over raw sockets.

Shared by ``tests/web/test_web_hardening.py`` (the demo site, on
``bot.http_serving.GuardedRequestHandler``) and
``tests/workspace/test_hardening.py`` (the workspace, on uvicorn). Raw
sockets, because ``http.client`` refuses to send most of these.
"""

from __future__ import annotations

import re
import socket
from typing import List, Tuple

# (what it tries, the raw bytes) -- every one must get a status line below 500.
HOSTILE: List[Tuple[str, bytes]] = [
    (name, request if b"\r\n\r\n" in request else request + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    for name, request in [
        ("NUL byte", b"GET /%00"),
        ("NUL before a suffix", b"GET /index.html%00.txt"),
        ("NUL in the query", b"GET /?next=%00"),
        ("segment of 256", b"GET /" + b"a" * 256),
        ("segment of 300 then more", b"GET /" + b"b" * 300 + b"/index.html"),
        ("encoded slashes up", b"GET /..%2f..%2fetc/passwd"),
        ("encoded dots", b"GET /%2e%2e/"),
        ("encoded dots to a file", b"GET /%2e%2e/%2e%2e/etc/passwd"),
        ("mixed dots", b"GET /.%2e/server.py"),
        ("double encoded", b"GET /%252e%252e/server.py"),
        ("backslashes", b"GET /..%5c..%5cserver.py"),
        ("raw dots", b"GET /../../../../etc/passwd"),
        ("dots inside", b"GET /static/../../cli.py"),
        ("double slash", b"GET //etc/passwd"),
        ("relative target", b"GET ../../etc/passwd"),
        ("8 KB of segments", b"GET /" + b"a/" * 4096),
        ("8 KB query", b"GET /?q=" + b"x" * 8192),
        ("100 KB target", b"GET /" + b"a" * 100_000),
        ("invalid UTF-8", b"GET /%ff%fe"),
        ("overlong UTF-8 slash", b"GET /%c0%af"),
        ("truncated UTF-8", b"GET /%e2%82"),
        ("broken escape", b"GET /%zz%"),
        ("raw non-ASCII byte", b"GET /\xff\xfe"),
        ("raw control byte", b"GET /a\x01b"),
        ("header injection", b"GET /%0d%0aSet-Cookie:%20x=1"),
        ("absolute form", b"GET http://evil.example/"),
        ("asterisk", b"OPTIONS *"),
        ("HEAD", b"HEAD /"),
        ("unknown method", b"FOO /"),
        ("lower-case method", b"get /"),
        ("DELETE", b"DELETE /"),
        ("PUT", b"PUT /index.html"),
        ("TRACE", b"TRACE /"),
        ("garbage", b"hello\r\n\r\n"),
        ("blank line", b"\r\n\r\n"),
        ("HTTP/0.9", b"GET /\r\n\r\n"),
        ("four words", b"GET / HTTP/1.1 extra\r\n\r\n"),
        ("bad version", b"GET / FTP/1.0\r\n\r\n"),
        ("garbled version", b"GET / HTTP/1.x\r\n\r\n"),
        ("TLS hello on plain HTTP", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n"),
        ("header line of 70 KB", b"GET / HTTP/1.1\r\nX-A: " + b"a" * 70_000 + b"\r\n\r\n"),
        ("150 headers", b"GET / HTTP/1.1\r\n" + b"X-A: a\r\n" * 150 + b"\r\n"),
        ("bad Content-Length", b"POST /login HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
        ("huge Content-Length", b"POST /login HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"),
    ]
]

STATUS_LINE = re.compile(rb"^HTTP/1\.[01] ([0-9]{3}) ")


def send_raw(host: str, port: int, request: bytes, timeout: float = 5.0,
             half_close: bool = True) -> Tuple[int, bytes]:  # fmt: skip
    """Send ``request`` as is, then read the whole answer; its status and raw bytes.

    The status is 0 when the server closed the connection without a status line.
    ``half_close`` says "nothing more is coming" after the request; asyncio
    servers (uvicorn) take that for a client gone and drop the answer, so for
    them the answer is read up to its announced length instead.
    """
    with socket.create_connection((host, port), timeout=timeout) as connection:
        try:
            connection.sendall(request)
            if half_close:
                connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server answered a huge request early and hung up: read what it said
        answer = b""
        try:
            while not _complete(answer, request) and (chunk := connection.recv(65536)):
                answer += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    match = STATUS_LINE.match(answer)
    return (int(match.group(1)) if match else 0), answer


def _complete(answer: bytes, request: bytes) -> bool:
    """Whether ``answer`` holds a whole response (headers only, for HEAD)."""
    head, found, body = answer.partition(b"\r\n\r\n")
    if found and request.startswith(b"HEAD "):
        return True
    length = re.search(rb"(?im)^content-length: *([0-9]+)", head)
    return bool(found and length and len(body) >= int(length.group(1)))
