"""The input gate: what every chat channel accepts, cleans or refuses."""

from __future__ import annotations

import json

import pytest

from bot.serving.gate import ChatInput, InputLimits, Refused, preview, read_chat_body

LIMITS = InputLimits(max_message_chars=50, max_request_bytes=1_000)


def body(value) -> bytes:
    return json.dumps(value).encode()


def test_a_normal_message_passes_unchanged():
    assert read_chat_body(body({"sender": "visitor-1", "message": "hello"}), LIMITS) == ChatInput(
        "visitor-1", "hello"
    )


def test_control_characters_are_stripped_but_newlines_and_tabs_kept():
    raw = body({"sender": "v", "message": "hi\x00 there\x1b[31m\nsecond\tline\ud800"})
    assert read_chat_body(raw, LIMITS).message == "hi there[31m\nsecond\tline"


@pytest.mark.parametrize(
    "raw, status",
    [
        (b"", 400),
        (b"{", 400),
        (b"\xff\xfe", 400),
        (body([]), 400),
        (body(None), 400),
        (body("text"), 400),
        (body({"message": "hi"}), 400),
        (body({"sender": "", "message": "hi"}), 400),
        (body({"sender": 7, "message": "hi"}), 400),
        (body({"sender": "a\x00b", "message": "hi"}), 400),
        (body({"sender": "x" * 129, "message": "hi"}), 400),
        (body({"sender": "v"}), 400),
        (body({"sender": "v", "message": 42}), 400),
        (body({"sender": "v", "message": ["hi"]}), 400),
        (body({"sender": "v", "message": "\x00\x01 "}), 400),
        (body({"sender": "v", "message": "x" * 51}), 413),
        (body({"sender": "v", "message": "x" * 2_000}), 413),
    ],
    ids=lambda value: repr(value)[:40],
)
def test_malformed_bodies_are_refused_with_a_reason(raw, status):
    with pytest.raises(Refused) as refused:
        read_chat_body(raw, LIMITS)
    assert refused.value.status == status
    assert refused.value.reason and len(refused.value.reason) < 120


def test_deeply_nested_json_is_refused_not_a_crash():
    nested = b"[" * 50_000 + b"]" * 50_000
    with pytest.raises(Refused):
        read_chat_body(nested, InputLimits(max_request_bytes=200_000))


def test_the_longest_allowed_message_passes():
    assert len(read_chat_body(body({"sender": "v", "message": "y" * 50}), LIMITS).message) == 50


def test_previews_for_the_log_are_short_and_single_line():
    line = preview("a\nb\x00" + "z" * 10_000)
    assert "\n" not in line and "\x00" not in line and len(line) < 120


@pytest.mark.parametrize(
    "typed, passed_on",
    [
        ('/inform{"consent": true}', "/inform"),
        ("/request_quote@0.99", "/request_quote"),
        ('/affirm@1.0{"email": "x@example.com"}', "/affirm"),
        ("/request_quote", "/request_quote"),
        ("my budget is {about} 5k @ best", "my budget is {about} 5k @ best"),
    ],
)
def test_intent_payloads_lose_injected_entities_and_confidence(typed, passed_on):
    assert read_chat_body(body({"sender": "v", "message": typed}), LIMITS).message == passed_on
