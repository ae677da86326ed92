"""The database engine of the tracker store: quick to give up on a dead server, quick on SQLite."""

from __future__ import annotations

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs, is_postgresql_url

CONNECT_TIMEOUT_SECONDS = 3


def tracker_engine(url: str) -> sa.engine.Engine:
    """An engine for ``url`` as Rasa would make it, plus a connect timeout for PostgreSQL
    (a visitor never waits long on a dead server) and, for a SQLite file, kept-open
    connections in WAL mode."""
    engine_kwargs = create_engine_kwargs(url)
    if is_postgresql_url(url):
        connect_args = engine_kwargs.setdefault("connect_args", {})
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        # Keep connections open (SQLAlchemy 1.4 opens one per session for SQLite files).
        engine_kwargs.update(poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=4)
    engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _write_ahead_log)
    return engine


def _write_ahead_log(connection, _record) -> None:
    """SQLite in WAL mode: readers never wait for a writer, and a commit needs no fsync.

    A crash of the process loses nothing; a power cut can lose the last turns,
    never the file. Enquiries live in another database (``DATABASE_URL``).
    """
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
