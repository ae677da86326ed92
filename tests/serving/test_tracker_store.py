"""The resilient tracker store against a real PostgreSQL that really stops, and SQLite."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
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


def said(tracker: DialogueStateTracker) -> List[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def as_stored(tracker: DialogueStateTracker) -> List[dict]:
    return [event.as_dict() for event in tracker.events]


async def test_the_next_turn_is_served_from_memory_with_what_the_database_holds(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    serving = store(url, tmp_path / "journal")
    for text_ in ("one", "two"):
        last = await say(serving, "visitor", text_)
    remembered = await serving.retrieve("visitor")
    assert remembered is last  # not read, decoded and replayed again
    from_database = await store(url, tmp_path / "other").retrieve("visitor")
    assert as_stored(remembered) == as_stored(from_database)


async def test_turns_taken_by_another_rasa_instance_are_read_from_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    first, second = store(url, tmp_path / "j1"), store(url, tmp_path / "j2")
    await say(first, "visitor", "one")
    await say(second, "visitor", "two")
    tracker = await say(first, "visitor", "three")
    assert said(tracker) == ["one", "two", "three"]
    assert stored_texts(url, "visitor") == ["one", "two", "three"]


async def test_a_turn_that_was_never_saved_is_not_remembered(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    serving = store(url, tmp_path / "journal")
    await say(serving, "visitor", "one")
    failing_turn = await serving.retrieve("visitor")
    failing_turn.update(UserUttered("lost", {"name": "inform", "confidence": 1.0}))
    assert said(await serving.retrieve("visitor")) == ["one"]


async def test_after_a_new_session_only_that_session_is_read_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    serving = store(url, tmp_path / "journal")
    tracker = await say(serving, "visitor", "yesterday")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("today", {"name": "greet", "confidence": 1.0}))
    await serving.save(tracker)
    served = await serving.retrieve("visitor")
    from_database = await store(url, tmp_path / "other").retrieve("visitor")
    assert said(served) == said(from_database) == ["today"]
    assert as_stored(served) == as_stored(from_database)


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


@pytest.mark.postgres
async def test_two_servers_of_one_host_carry_on_each_others_conversations_in_an_outage(
    postgres_cluster, tmp_path
):
    url, journal = postgres_cluster.url, tmp_path / "journal"
    first, second = store(url, journal), store(url, journal)
    await say(first, "visitor", "one")
    postgres_cluster.stop()
    await say(first, "visitor", "two")  # kept in the journal the servers share
    await say(second, "visitor", "three")  # nginx sent this turn to the other server
    tracker = await say(first, "visitor", "four")  # and this one back: not its stale memory
    assert said(tracker) == ["one", "two", "three", "four"]

    postgres_cluster.start()
    with journal_held_by_another_process(journal):  # it is writing the journal back
        tracker = await say(first, "visitor", "five")  # not waiting, nor reading stale rows
        assert said(tracker) == ["one", "two", "three", "four", "five"]
        assert stored_texts(url, "visitor") == ["one"]
    await first.retrieve("visitor")
    await second.retrieve("visitor")
    assert stored_texts(url, "visitor") == ["one", "two", "three", "four", "five"], "once each"
    tracker = await say(second, "visitor", "six")
    assert stored_texts(url, "visitor") == said(tracker)


@contextlib.contextmanager
def journal_held_by_another_process(journal: Path):
    """Another Rasa server writing the journal back: it holds the journal's lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(journal / ".lock")], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == b"locked"
        yield
    finally:
        holder.kill()
        holder.wait()


HOLD_LOCK = """
import fcntl, sys, time
lock = open(sys.argv[1], "a")
fcntl.flock(lock, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""
