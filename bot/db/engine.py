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
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 5

_engines: Dict[str, Engine] = {}
_sessions: Dict[str, sessionmaker] = {}
_lock = threading.Lock()


class DatabaseUnreachable(Exception):
    """No connection to the database could be opened.

    The message says which database (host and port, or file), why, and what to
    check, and never contains the password, so a command can print it as is.
    """

    def __init__(self, database_url: str, error: BaseException) -> None:
        url = make_url(database_url)
        reason = _reason(error, url.password)
        if url.get_backend_name() == "sqlite":
            what = f"cannot open the SQLite database {url.database} ({reason})"
            check = "that its folder exists and is writable and that DATABASE_URL is right"
        else:
            what = f"cannot connect to the {_describe(url)} ({reason})"
            check = "that the server is running there and that DATABASE_URL is right"
        super().__init__(f"{what}; check {check}")


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


def connect(database_url: str) -> Connection:
    """A connection from the cached engine, or :class:`DatabaseUnreachable`."""
    try:
        return get_engine(database_url).connect()
    except OperationalError as error:
        raise DatabaseUnreachable(database_url, error) from error


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


def _describe(url: URL) -> str:
    backend = {"postgresql": "PostgreSQL"}.get(url.get_backend_name(), url.get_backend_name())
    where = f"{url.host or 'localhost'}:{url.port}" if url.port else url.host or "localhost"
    return f"{backend} database {url.database!r} at {where}"


def _reason(error: BaseException, password: str | None) -> str:
    """The driver's own words, less the parts that repeat the address, and never the password."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    reason = lines[0].rsplit(": ", 1)[-1].strip() if lines else type(error).__name__
    return reason.replace(password, "***") if password else reason
