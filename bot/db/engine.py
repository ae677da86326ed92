"""Engines and session factories, created on first use and cached per URL.

The action server and the CLI may write the same SQLite file at once, so
SQLite connections get WAL (readers never block the writer), a busy timeout
(writers wait instead of failing) and foreign keys (off by default in SQLite).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Dict

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 5

_engines: Dict[str, Engine] = {}
_sessions: Dict[str, sessionmaker] = {}
_lock = threading.Lock()


def get_engine(database_url: str) -> Engine:
    """The process-wide engine for ``database_url`` (one connection pool per URL)."""
    with _lock:
        engine = _engines.get(database_url)
        if engine is None:
            engine = _engines[database_url] = _create_engine(database_url)
        return engine


def get_session_factory(database_url: str) -> sessionmaker:
    """A ``sessionmaker`` bound to the cached engine; each unit of work opens one session."""
    engine = get_engine(database_url)
    with _lock:
        factory = _sessions.get(database_url)
        if factory is None:
            factory = _sessions[database_url] = sessionmaker(
                bind=engine, future=True, expire_on_commit=False
            )
        return factory


def dispose_engine(database_url: str) -> None:
    """Close the pooled connections of one URL (tests, and before dropping a schema)."""
    with _lock:
        _sessions.pop(database_url, None)
        engine = _engines.pop(database_url, None)
    if engine is not None:
        engine.dispose()


def _create_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _create_sqlite_engine(database_url)
    connect_args = {}
    if url.get_driver_name() in ("psycopg2", "") and "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    return create_engine(database_url, future=True, pool_pre_ping=True, connect_args=connect_args)


def _create_sqlite_engine(database_url: str) -> Engine:
    database = make_url(database_url).database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory:
        _make_parent_folder(Path(database))
    # pysqlite's ``timeout`` is SQLite's busy timeout: wait for the writer's lock.
    engine = create_engine(
        database_url, future=True, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    )
    event.listen(engine, "connect", _sqlite_pragmas(wal=not in_memory))
    return engine


def _make_parent_folder(path: Path) -> None:
    """Create the folder of the database file; if that fails, let SQLite report it.

    An unusable path must surface as the driver's ``OperationalError`` on
    connect, the error callers already treat as "database unavailable".
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        log.warning("cannot create the folder of %s: %s", path, error)


def _sqlite_pragmas(wal: bool):
    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    return on_connect
