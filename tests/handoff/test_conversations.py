"""Forgetting a person also deletes their chat from Rasa's tracker store."""

from __future__ import annotations

import sqlite3

from bot.cli import main

EVENTS_TABLE = (
    "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT)"
)  # the columns of Rasa 3.6's SQLTrackerStore


def tracker_store(path, conversations):
    with sqlite3.connect(path) as connection:
        connection.execute(EVENTS_TABLE)
        for sender in conversations:
            connection.execute(
                "INSERT INTO events (sender_id, type_name, data) VALUES (?, 'user', ?)",
                (sender, '{"text": "my email is ana@clinic.example"}'),
            )


def senders(path):
    with sqlite3.connect(path) as connection:
        return sorted(row[0] for row in connection.execute("SELECT sender_id FROM events"))


def test_forget_deletes_the_visitors_conversations_from_the_tracker_store(
    submit, handoff_env, tmp_path, monkeypatch, capsys
):
    submit(1, email="ana@clinic.example")
    submit(2, email="someone@else.example")
    database = tmp_path / "tracker.db"
    tracker_store(database, ["conv-1", "conv-1", "conv-2", "unrelated"])
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{database}")

    assert main(["leads", "forget", "ANA@clinic.example"]) == 0
    assert "erased 2 stored chat event(s) of 1 conversation(s)" in capsys.readouterr().out
    assert senders(database) == ["conv-2", "unrelated"]
