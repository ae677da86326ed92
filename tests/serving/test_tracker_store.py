"""The resilient tracker store against a real PostgreSQL that really stops, and SQLite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.config import PROJECT_ROOT
from bot.serving import tracker_store
from bot.serving.tracker_store import ResilientSQLTrackerStore

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(autouse=True)
def retry_at_once(monkeypatch):
    """Tests do not wait out the pause after a failure."""
    monkeypatch.setattr(tracker_store, "RETRY_AFTER_SECONDS", 0.0)


def store(url: str, journal: Path) -> ResilientSQLTrackerStore:
    return ResilientSQLTrackerStore(domain=DOMAIN, host=url, journal_directory=journal)


async def say(store_: ResilientSQLTrackerStore, sender: str, text_: str) -> DialogueStateTracker:
    """One visitor turn as Rasa does it: retrieve (or create), add events, save."""
    tracker = await store_.get_or_create_tracker(sender)
    tracker.update(UserUttered(text_, {"name": "inform", "confidence": 1.0}))
    tracker.update(SlotSet("email", f"{text_}@example.com"))
    tracker.update(ActionExecuted("action_listen"))
    await store_.save(tracker)
    return tracker


def stored_texts(url: str, sender: str) -> List[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                     "ORDER BY id"), {"s": sender},
            )  # fmt: skip
            return [json.loads(data)["text"] for (data,) in rows]
    finally:
        engine.dispose()


async def test_reads_and_writes_like_rasas_store_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    first = store(url, tmp_path / "journal")
    await say(first, "visitor", "one")
    await say(first, "visitor", "two")
    again = await store(url, tmp_path / "journal").retrieve("visitor")
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["one", "two"]
    assert stored_texts(url, "visitor") == ["one", "two"]
    assert not any((tmp_path / "journal").glob("*"))


@pytest.mark.postgres
async def test_a_conversation_survives_an_outage_and_a_restart_and_is_written_once(
    postgres_cluster, tmp_path
):
    url, journal = postgres_cluster.url, tmp_path / "journal"
    serving = store(url, journal)
    await say(serving, "visitor", "before")

    postgres_cluster.stop()
    tracker = await say(serving, "visitor", "during")  # the form carries on from memory
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["before", "during"]
    assert tracker.get_slot("email") == "during@example.com"
    assert len(list(journal.glob("*.json"))) == 1

    restarted = store(url, journal)  # Rasa restarted while the database is still down
    tracker = await say(restarted, "visitor", "after restart")
    assert tracker.get_slot("email") == "after restart@example.com"
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)][-1] == "after restart"

    postgres_cluster.start()
    back = await restarted.retrieve("visitor")
    said = [e.text for e in back.events if isinstance(e, UserUttered)]
    assert said == ["before", "during", "after restart"]
    assert stored_texts(url, "visitor") == said
    assert not list(journal.glob("*.json"))
    await say(restarted, "visitor", "later")
    assert stored_texts(url, "visitor") == [*said, "later"]


@pytest.mark.postgres
async def test_starts_while_the_database_is_down(postgres_cluster, tmp_path):
    postgres_cluster.stop()
    serving = store(postgres_cluster.url, tmp_path / "journal")  # does not wait for it
    await say(serving, "early", "hello")
    postgres_cluster.start()
    await say(serving, "early", "again")
    assert stored_texts(postgres_cluster.url, "early") == ["hello", "again"]
