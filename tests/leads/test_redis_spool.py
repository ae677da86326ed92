"""With REDIS_URL set, enquiries spooled during a database outage wait in Redis, for any host.

Redis is the real server on 127.0.0.1:6379 (database 11, keys under a prefix
of the test's own, deleted afterwards); "down" is real too: a Redis URL whose
port nothing listens on, and a SQLite database under a regular file. A "host"
is a spool folder of its own with its own Redis client, as a pod would have.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import text

from bot.cli import main
from bot.db import get_engine
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import redis_spool, spool
from bot.leads.durable import QUEUED, SAVED, replay_spool, submit_lead_durably
from bot.leads.redis_spool import RedisLocation, RedisSpool, shared_spool
from bot.leads.services import export_leads, list_leads
from bot.leads.submission import clean_submission
from tests.support.database import migrated_database, sqlite_url
from tests.support.servers import free_port

pytestmark = pytest.mark.redis

REDIS_DB = 11  # a database number no other test uses
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
REFUSE_MARKER = "refuse-me"


@dataclass(frozen=True)
class Host:
    folder: Path
    shared: RedisSpool

    def submit(self, uow, submission):
        return submit_lead_durably(uow, submission, self.folder, self.shared)

    def replay(self, uow_factory):
        return replay_spool(uow_factory, self.folder, self.shared)

    def folder_files(self):
        return sorted(p.name for p in self.folder.iterdir()) if self.folder.exists() else []


@pytest.fixture
def database_url(tmp_path):
    """A migrated SQLite file: where the spool is kept does not depend on the database."""
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def down(tmp_path):
    """A unit of work factory whose SQLite database cannot be opened: a path under a file."""
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the database folder should be")
    return unit_of_work_factory(sqlite_url(blocker / "leads.db"))


@pytest.fixture
def prefix():
    """Keys of this test only; Redis is skipped, with the reason, if it is not running."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"test-{uuid.uuid4().hex}:footcare:leads"
    yield prefix
    client.delete(f"{prefix}:spool", f"{prefix}:set_aside")
    client.close()


@pytest.fixture
def make_host(tmp_path, prefix):
    def make(name: str, redis_url: str = REDIS_URL) -> Host:
        return Host(
            spool.spool_dir(tmp_path / name / "var"), RedisSpool.from_url(redis_url, prefix)
        )

    return make


@pytest.fixture
def refusing(database_url):
    """The database refuses leads whose notes hold the marker, as an unforeseen constraint would."""
    with get_engine(database_url).begin() as connection:
        connection.execute(text(f"""CREATE TRIGGER refuse BEFORE INSERT ON leads
            WHEN NEW.notes LIKE '%{REFUSE_MARKER}%'
            BEGIN SELECT RAISE(ABORT, 'value refused by the test trigger'); END"""))  # fmt: skip
    return database_url


def _dead_redis() -> str:
    return f"redis://127.0.0.1:{free_port()}/{REDIS_DB}"


def test_the_url_chooses_the_database_and_no_url_means_the_folder():
    shared = shared_spool(REDIS_URL)
    assert shared.client.connection_pool.connection_kwargs["db"] == REDIS_DB
    assert shared.spool_key == "footcare:leads:spool" and shared is shared_spool(REDIS_URL)
    assert shared_spool(None) is None


def test_outage_spools_to_redis_and_another_host_replays_it(
    make_host, down, uow_factory, make_submission
):
    a, b = make_host("a"), make_host("b")
    assert a.submit(down(), make_submission()).status == QUEUED
    newer = make_submission(items=[("foot_spa_bath", 4)])
    assert a.submit(down(), newer).status == QUEUED
    assert a.folder_files() == [] and a.shared.count() == 1  # replaced, not added
    (entry,) = b.shared.entries()
    assert redis_spool.load(entry) == clean_submission(newer)

    still_down = b.replay(down)
    assert (still_down.replayed, still_down.remaining) == ([], 1) and still_down.error

    report = b.replay(uow_factory)
    assert len(report.replayed) == 1 and report.remaining == 0 and not report.error
    assert a.shared.count() == 0
    (lead,) = export_leads(uow_factory())
    assert lead["items"] == [{"product": "foot_spa_bath", "quantity": 4}]
    assert b.replay(uow_factory).replayed == []


def test_a_resubmission_during_the_replay_is_not_deleted(
    make_host, down, uow_factory, make_submission
):
    a, b = make_host("a"), make_host("b")
    a.submit(down(), make_submission(budget="first"))

    def resubmitted_meanwhile():
        a.submit(down(), make_submission(budget="second"))  # the database is still down for a
        return uow_factory()

    report = b.replay(resubmitted_meanwhile)
    assert len(report.replayed) == 1 and report.remaining == 1
    assert redis_spool.load(a.shared.entries()[0]).budget == "second"
    assert b.replay(uow_factory).remaining == 0
    assert [lead["budget"] for lead in export_leads(uow_factory())] == ["second"]


def test_saving_discards_an_older_copy_spooled_in_redis(make_host, uow_factory, make_submission):
    a = make_host("a")
    a.shared.write(make_submission(budget="stale"))
    assert a.submit(uow_factory(), make_submission()).status == SAVED
    assert a.shared.count() == 0


def test_redis_down_and_database_down_spools_to_the_folder(
    make_host, down, uow_factory, make_submission
):
    a = make_host("a", _dead_redis())
    started = time.monotonic()
    assert a.submit(down(), make_submission()).status == QUEUED
    assert time.monotonic() - started < redis_spool.TIMEOUT_SECONDS
    assert len(a.folder_files()) == 1

    report = a.replay(uow_factory)  # Redis still down: the folder is replayed all the same
    assert len(report.replayed) == 1 and report.remaining == 0 and report.shared_error
    assert a.folder_files() == [] and len(export_leads(uow_factory())) == 1


@pytest.mark.parametrize("newest", ["folder", "redis"])
def test_replay_reads_the_folder_and_redis_oldest_first(
    make_host, uow_factory, make_submission, newest
):
    a = make_host("a")
    path = spool.write(a.folder, make_submission(budget="folder"))
    a.shared.write(make_submission(budget="redis"))
    now = time.time_ns()
    moved = now + 10**9 if newest == "folder" else now - 10**9
    os.utime(path, ns=(moved, moved))

    report = a.replay(uow_factory)
    assert len(report.replayed) == 2 and report.remaining == 0
    assert a.folder_files() == [] and a.shared.count() == 0
    assert [lead["budget"] for lead in export_leads(uow_factory())] == [newest]


def test_a_refused_enquiry_is_set_aside_in_redis_and_listed(
    refusing, make_host, down, uow_factory, make_submission, monkeypatch, tmp_path, capsys
):
    a = make_host("a")
    submission = make_submission(notes=f"please {REFUSE_MARKER}")
    a.submit(down(), submission)
    report = a.replay(uow_factory)
    assert report.remaining == 0 and len(report.replayed) == 1
    (kept,) = report.rejected
    assert isinstance(kept, RedisLocation) and kept.key == a.shared.set_aside_key
    (entry,) = a.shared.set_aside_entries()
    assert entry["notes"] == submission.notes and entry["kept_in"] == str(kept)
    assert "refused by the test trigger" in entry["set_aside"]["reason"]
    (lead,) = list_leads(uow_factory())
    assert lead["notes"].startswith("[set aside]") and str(kept) in lead["notes"]
    assert a.folder_files() == []

    monkeypatch.setattr(redis_spool, "PREFIX", a.shared.spool_key.rsplit(":", 1)[0])
    for name, value in [("DATABASE_URL", refusing), ("REDIS_URL", REDIS_URL),
                        ("BOT_PROJECT_DIR", str(tmp_path))]:  # fmt: skip
        monkeypatch.setenv(name, value)
    assert main(["leads", "list"]) == 0
    assert "1 enquiry(ies) set aside for a person in Redis" in capsys.readouterr().err
    assert main(["leads", "set-aside"]) == 0
    (printed,) = json.loads(capsys.readouterr().out)
    assert printed["notes"] == submission.notes and printed["kept_in"] == str(kept)


@pytest.mark.parametrize("damaged", [b"{not json", b'{"submission": {}}', b"\xff not UTF-8"])
def test_a_damaged_redis_entry_is_set_aside(make_host, uow_factory, make_submission, damaged):
    a = make_host("a")
    a.shared.client.hset(a.shared.spool_key, "damaged", damaged)
    a.shared.write(make_submission())
    report = a.replay(uow_factory)
    assert len(report.replayed) == 1 and report.remaining == 0
    assert report.rejected == [RedisLocation(a.shared.set_aside_key, "damaged")]
    (entry,) = a.shared.set_aside_entries()
    assert entry["raw"].encode("utf-8", "surrogateescape") == damaged
    assert "not a spooled lead" in entry["set_aside"]["reason"]


def test_bot_leads_replay_saves_what_redis_holds(
    make_host, down, database_url, make_submission, monkeypatch, tmp_path, capsys
):
    make_host("a").submit(down(), make_submission(conversation_id="queued"))
    monkeypatch.setattr(redis_spool, "PREFIX", make_host("b").shared.spool_key.rsplit(":", 1)[0])
    for name, value in [("DATABASE_URL", database_url), ("REDIS_URL", REDIS_URL),
                        ("BOT_PROJECT_DIR", str(tmp_path / "b"))]:  # fmt: skip
        monkeypatch.setenv(name, value)
    assert main(["leads", "replay"]) == 0
    out = capsys.readouterr().out
    assert "saved FM-" in out and "0 still spooled" in out
