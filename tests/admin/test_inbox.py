"""The inbox: visitors' messages from the tracker store, unseen and least confident first."""

from __future__ import annotations

import json

import pytest

from bot.admin.inbox import build_inbox, parse_since
from bot.cli import main
from bot.config import PROJECT_ROOT
from tests.admin.conftest import use_project
from tests.admin.events import bot, user, write_events


@pytest.fixture
def tracker(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    write_events(url, {
        "a": [user("hello", "greet", 0.99), bot("Hi!"),
              user("Ahoy there", "nlu_fallback", 0.4), bot("Sorry?"), bot("Try again."),
              user("/restart", "restart", 1.0),
              user("what's reflexology then", "faq", 0.7, "reflexology"), bot("Reflex...")],
        "b": [user("ahoy  there!", "greet", 0.55), bot("Hello!"),
              user("how much for a pallet", "ask_commercial", 0.62), bot("Prices vary.")],
    })  # fmt: skip
    return url


def test_rows_are_unseen_folded_and_worst_first(tracker):
    rows = build_inbox(tracker, PROJECT_ROOT)
    assert [r.text for r in rows] == [
        "Ahoy there",
        "how much for a pallet",
        "what's reflexology then",
    ]
    ahoy = rows[0]
    assert (ahoy.intent, ahoy.count, ahoy.answers) == ("nlu_fallback", 2, ["Sorry?", "Try again."])
    assert ahoy.suggestion == "greet"
    assert rows[2].intent == "faq/reflexology"


def test_filters(tracker):
    assert [r.text for r in build_inbox(tracker, PROJECT_ROOT, intent="faq")] == [
        "what's reflexology then"
    ]
    assert len(build_inbox(tracker, PROJECT_ROOT, max_confidence=0.6)) == 1
    assert build_inbox(tracker, PROJECT_ROOT, since=parse_since("2030-01-01")) == []
    assert parse_since("7d", now=1_000_000.0) == 1_000_000.0 - 7 * 86400
    with pytest.raises(ValueError, match="--since"):
        parse_since("last tuesday")


def test_an_empty_store_gives_an_empty_inbox(tmp_path):
    assert build_inbox(f"sqlite:///{tmp_path / 'none.db'}", PROJECT_ROOT) == []


def test_inbox_command_prints_json_and_a_table(tracker, project, monkeypatch, capsys):
    use_project(monkeypatch, project, tracker)
    assert main(["admin", "inbox", "--json", "--max-confidence", "0.65"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["text"], r["count"]) for r in rows] == [
        ("Ahoy there", 2),
        ("how much for a pallet", 1),
    ]
    assert main(["admin", "inbox"]) == 0
    table = capsys.readouterr().out
    assert "nlu_fallback" in table and "Sorry? / Try again." in table


@pytest.mark.e2e
def test_inbox_of_a_real_conversation(rasa_server):
    """Chat through the REST channel; the inbox reads Rasa's own tracker store."""
    sender = "admin-inbox-visitor"
    for text in ["hello", "zxqv blorf wibble", "Zxqv blorf wibble!", "/restart",
                 "do you sell umbrellas for giraffes"]:  # fmt: skip
        rasa_server.chat(sender, text)
    rows = build_inbox(rasa_server.settings.tracker_store_url, PROJECT_ROOT)
    mine = {r.text.lower().rstrip("!"): r for r in rows}
    assert "hello" not in mine and "/restart" not in mine
    gibberish = mine["zxqv blorf wibble"]
    assert gibberish.count == 2 and gibberish.answers
    assert "do you sell umbrellas for giraffes" in mine
    confidences = [(r.intent != "nlu_fallback", r.confidence) for r in rows]
    assert confidences == sorted(confidences)
