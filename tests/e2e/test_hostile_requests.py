"""The hostile REST corpus against the real Rasa server: no 5xx, no silence, no outage."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest

from tests.e2e.hostile_corpus import HostileRequest, rest_corpus

pytestmark = pytest.mark.e2e


def send(url: str, request: HostileRequest, timeout: float = 30.0):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json", **request.headers}
        if not headers["Content-Type"]:
            del headers["Content-Type"]
        connection.request(request.method, request.target, body=request.body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except (ConnectionError, http.client.HTTPException) as error:
        # Sanic may close the socket while a too-large body is still being sent.
        return "closed", str(error).encode()
    finally:
        connection.close()


def bot_texts(status, body: bytes, streamed: bool) -> list:
    assert status == 200, (status, body[:300])
    if streamed:
        messages = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
    else:
        messages = json.loads(body)
    return [m.get("text") or m.get("buttons") or m.get("custom") for m in messages]


def test_hostile_rest_corpus_gets_no_server_error_and_the_bot_keeps_answering(rasa_server):
    corpus = rest_corpus(rasa_server.settings.max_message_chars)
    assert len(corpus) >= 150
    outcomes = []
    for request in corpus:
        started = time.monotonic()
        status, body = send(rasa_server.url, request)
        took = time.monotonic() - started
        outcomes.append((request.label, status, took))
        assert status == "closed" or status < 500, (request.label, status, body[:300])
        if request.well_formed:
            streamed = "stream=true" in request.query.split("&")[:1]
            assert any(bot_texts(status, body, streamed)), (request.label, body[:300])
        elif status != "closed":
            assert 400 <= status < 500, (request.label, status, body[:300])
            assert took < 5, (request.label, took)  # refused without a trip through the model
        assert rasa_server.texts("still-there", "hello"), f"no answer after {request.label}"
    refused = [o for o in outcomes if o[1] != 200]
    print(f"{len(outcomes)} hostile requests, {len(refused)} refused, 0 server errors")


def test_refusals_explain_themselves_in_json(rasa_server):
    request = HostileRequest(
        "number as message", json.dumps({"sender": "a", "message": 4}).encode()
    )
    status, body = send(rasa_server.url, request)
    assert status == 400
    assert json.loads(body) == {"error": "'message' must be a string."}


def test_a_message_at_the_documented_limit_is_answered(rasa_server):
    limit = rasa_server.settings.max_message_chars
    texts = rasa_server.texts("long-but-allowed", ("how much is the calf massager? " * 300)[:limit])
    assert any(texts)


def test_a_nul_in_the_sender_is_refused_and_stops_nothing(rasa_server):
    request = HostileRequest(
        "NUL sender", json.dumps({"sender": "a\u0000b", "message": "hi"}).encode()
    )
    status, body = send(rasa_server.url, request)
    assert status == 400 and b"control characters" in body
    assert rasa_server.texts("after-nul", "hello")
