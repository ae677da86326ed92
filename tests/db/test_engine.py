"""The engine factory: cached per URL, SQLite tuned for concurrent writers."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.db import dispose_engine, get_engine
from tests.support.database import sqlite_url


def test_engine_is_cached_per_url(tmp_path):
    url = sqlite_url(tmp_path / "a.db")
    assert get_engine(url) is get_engine(url)
    dispose_engine(url)


def test_sqlite_creates_folder_and_sets_pragmas(tmp_path):
    url = sqlite_url(tmp_path / "nested" / "var" / "leads.db")
    with get_engine(url).connect() as connection:
        pragma = {
            name: connection.execute(text("PRAGMA " + name)).scalar()
            for name in ("foreign_keys", "journal_mode", "busy_timeout")
        }
    assert (tmp_path / "nested" / "var" / "leads.db").exists()
    assert pragma == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 30000}
    dispose_engine(url)


def test_engines_are_future_style(tmp_path):
    url = sqlite_url(tmp_path / "f.db")
    assert get_engine(url)._is_future
    dispose_engine(url)


def test_unopenable_sqlite_path_fails_on_connect_not_on_creation(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    url = sqlite_url(blocker / "leads.db")
    engine = get_engine(url)  # must not raise: nothing happens until first use
    with pytest.raises(OperationalError):
        engine.connect()
    dispose_engine(url)


@pytest.mark.postgres
def test_postgres_engine_pings_pooled_connections(postgres_url):
    engine = get_engine(postgres_url)
    assert engine.pool._pre_ping
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
