"""Hostile requests for the Rasa server's chat channels, each labelled.

A well-formed request (a JSON object with a printable sender and a message
within the limit) must be answered with a non-empty reply; every other one
with a 4xx and a short reason. None may get a 5xx, hang, or stop the server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List

WEBHOOK = "/webhooks/rest/webhook"


@dataclass(frozen=True)
class HostileRequest:
    label: str
    body: bytes
    well_formed: bool = False
    query: str = ""
    method: str = "POST"
    path: str = WEBHOOK
    headers: Dict[str, str] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.path + ("?" + self.query if self.query else "")


PAYLOADS = [
    "{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "${jndi:ldap://127.0.0.1/a}",
    "'; DROP TABLE leads; --", "\" OR 1=1 --", "1; SELECT pg_sleep(10)", "admin'--",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "../../../../etc/passwd", "%00", "%s%s%s%s%n", "\\x00", "C:\\Windows\\win.ini",
    "/restart", "/greet", "/session_start", "/nlu_fallback", '/request_quote{"email":"x"}',
    "/action_submit_lead", '/inform{"consent": true}', "/stop", "/", "//", "/" * 300,
    "🦶💆‍♀️🦶", "مرحبا، هل لديكم أجهزة تدليك؟", "足底按摩器多少钱", "Привет", "ﷺ" * 50,
    "\u200b\u200b\u200bhello", "\u202eolleh", "hello\n\nworld", "\t\thi", "a" * 5_000,
    "how much " * 500, "?" * 1_000, "x", "0", "-1", "1e309", "NaN", "null", "true",
    '{"message": "nested"}', "[[[[[]]]]]", "select * from events", "?stream=true",
]  # fmt: skip

WRONG_VALUES: List[Any] = [None, 0, 1.5, True, False, [], ["hi"], {}, {"text": "hi"}, ""]
BAD_SENDERS: List[Any] = [
    *WRONG_VALUES, " ", "a\u0000b", "\x1b[31mred", "bell\u0007", "x" * 129, "y" * 10_000,
    "new\nline", "\ud800", "tab\there",
]  # fmt: skip
CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                 "application/json; charset=latin-1", "", "image/png"]  # fmt: skip


def as_json(value: Any) -> bytes:
    return json.dumps(value).encode()


def chat(sender: Any, message: Any, **extra: Any) -> bytes:
    return as_json({"sender": sender, "message": message, **extra})


def rest_corpus(max_message_chars: int) -> List[HostileRequest]:
    requests: List[HostileRequest] = []
    for index, text in enumerate(PAYLOADS):
        requests.append(HostileRequest(f"payload {text[:30]!r}", chat(f"h-{index}", text), True))
    for index, text in enumerate(PAYLOADS[:25]):
        body = chat(f"s-{index}", text)
        requests.append(HostileRequest(f"streamed {text[:30]!r}", body, True, "stream=true"))
    for value in WRONG_VALUES:
        body = chat("wrong", value)
        requests.append(HostileRequest(f"message {value!r}", body))
        requests.append(HostileRequest(f"streamed message {value!r}", body, query="stream=true"))
    for sender in BAD_SENDERS:
        requests.append(HostileRequest(f"sender {str(sender)[:30]!r}", chat(sender, "hi")))
    for content_type in CONTENT_TYPES:
        headers = {"Content-Type": content_type}
        requests.append(HostileRequest(f"as {content_type!r}", chat("ct", "hi"), True,
                                       headers=headers))  # fmt: skip
        requests.append(HostileRequest(f"form body as {content_type!r}", b"sender=a&message=hi",
                                       headers=headers))  # fmt: skip
    over = max_message_chars + 1
    malformed = [
        b"", b"{", b"}", b"[]", b"null", b"42", b'"text"', b"{'sender': 'a'}", b"\xff\xfe\x00",
        b"[" * 20_000 + b"]" * 20_000, b'{"sender": "a", "message": "hi"', b"<xml/>",
        b'{"sender": "a", "message": "hi"}garbage', b"\x00" * 100,
        chat("a", "\u0000\u0001\u0002"), chat("a", "x" * over), chat("a", "x" * 60_000),
        chat("a", "x" * 1_000_000), chat("a", "x" * 10_000_000),
        chat("a", "hi", metadata="x" * 300_000), as_json([{"sender": "a", "message": "hi"}]),
    ]  # fmt: skip
    for raw in malformed:
        requests.append(HostileRequest(f"malformed {raw[:24]!r} ({len(raw)} bytes)", raw))
    requests += [
        HostileRequest("NUL inside the message", chat("nul-text", "hello\u0000 there"), True),
        HostileRequest("terminal escapes", chat("ctl", "\x1b[2Jhello"), True),
        HostileRequest("extra fields", chat("extra", "hi", input_channel="x" * 1000), True),
        HostileRequest("stream=maybe", chat("sv", "hi"), True, "stream=maybe"),
        HostileRequest("stream twice", chat("sv2", "hi"), True, "stream=true&stream=false"),
        HostileRequest("GET on the webhook", b"", method="GET"),
        HostileRequest("PUT on the webhook", chat("put", "hi"), method="PUT"),
        HostileRequest("DELETE on the webhook", b"", method="DELETE"),
        HostileRequest("unknown channel", chat("u", "hi"), path="/webhooks/nope/webhook"),
        HostileRequest("dot segments", chat("d", "hi"), path="/webhooks/rest/../rest/webhook"),
        HostileRequest("encoded NUL in path", chat("n", "hi"), path="/webhooks/rest/%00"),
        HostileRequest("long path", b"", method="GET", path="/" + "a" * 5_000),
        HostileRequest("huge header", chat("hh", "hi"), True, headers={"X-Filler": "z" * 7_000}),
        HostileRequest("bogus socket.io poll", b"", method="GET", path="/socket.io/",
                       query="EIO=99&transport=carrier-pigeon"),
        HostileRequest("socket.io without query", b"", method="GET", path="/socket.io/"),
        HostileRequest("socket.io garbage post", b"\x00\xff" * 50, path="/socket.io/",
                       query="EIO=4&transport=polling&sid=nope"),
    ]  # fmt: skip
    return requests
