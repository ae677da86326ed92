"""The conversation skeleton, through the REST channel of the real Rasa server."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from tests.support.servers import first_buttons, reply_texts

pytestmark = pytest.mark.e2e


def new_sender() -> str:
    return f"test-{uuid.uuid4()}"


@pytest.mark.parametrize("message", ["hello", "Hi there!", "good morning"])
def test_greeting_is_answered_with_an_introduction(rasa_server, message):
    reply = reply_texts(rasa_server.chat(new_sender(), message)).lower()
    assert any(word in reply for word in ("hello", "hi there", "welcome"))
    assert "quote" in reply


def test_goodbye_and_thanks(rasa_server):
    sender = new_sender()
    thanks_reply = reply_texts(rasa_server.chat(sender, "thanks a lot")).lower()
    assert any(w in thanks_reply for w in ("welcome", "pleasure", "glad")), thanks_reply
    goodbye_reply = reply_texts(rasa_server.chat(sender, "bye")).lower()
    assert any(w in goodbye_reply for w in ("bye", "take care", "stopping by")), goodbye_reply


def test_bot_admits_being_a_bot(rasa_server):
    reply = reply_texts(rasa_server.chat(new_sender(), "am I talking to a real person?"))
    assert "not a person" in reply or "chatbot" in reply


def test_capabilities_offer_buttons_that_work(rasa_server):
    sender = new_sender()
    messages = rasa_server.chat(sender, "what can you do?")
    buttons = first_buttons(messages)
    assert buttons and all(b["title"] and b["payload"] for b in buttons)
    assert rasa_server.chat(sender, buttons[0]["payload"]), "a button's payload gets an answer"


@pytest.mark.parametrize(
    "message", ["what's the weather in Paris tomorrow", "write me a poem about cats"]
)
def test_out_of_scope_is_refused_honestly(rasa_server, message):
    reply = reply_texts(rasa_server.chat(new_sender(), message)).lower()
    assert any(
        p in reply
        for p in ("outside what i can help", "can't help with that", "not something i know")
    )
    assert "product" in reply or "massage" in reply


def test_gibberish_gets_an_honest_fallback_with_a_hint(rasa_server):
    reply = reply_texts(rasa_server.chat(new_sender(), "qwrtz plmk vvxq")).lower()
    honest = ("didn't get that", "not sure i understood", "outside", "not something i know")
    assert any(phrase in reply for phrase in honest), reply
    assert "product" in reply or "massage" in reply


def test_restart_starts_over(rasa_server):
    sender = new_sender()
    rasa_server.chat(sender, "hello")
    assert "start over" in reply_texts(rasa_server.chat(sender, "/restart")).lower()


def test_conversation_is_stored_in_the_sql_tracker_store(rasa_server):
    sender = new_sender()
    rasa_server.chat(sender, "hello")
    rasa_server.chat(sender, "are you a bot?")
    database = rasa_server.settings.tracker_store_url[len("sqlite:///") :]
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    kinds = [row[0] for row in rows]
    assert kinds.count("user") == 2
    assert kinds.count("bot") >= 2
