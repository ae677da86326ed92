"""Real databases for tests: a temporary SQLite file or a throw-away PostgreSQL schema.

Shared by the tests of every package that stores data (and by ``make
bench-cluster``). Several test runs may use the same PostgreSQL database at
once, so each gets its own schema, selected through the connection's
``search_path`` and dropped afterwards.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema

from bot.db import upgrade
from bot.db.engine import dispose_engine

DEFAULT_TEST_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_test_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL


def postgres_unreachable_reason(url: str) -> str | None:
    """Why PostgreSQL at ``url`` cannot be used, or ``None`` if its port answers."""
    parsed = make_url(url)
    host, port = parsed.host or "127.0.0.1", parsed.port or 5432
    try:
        with socket.create_connection((host, port), timeout=1):
            return None
    except OSError as error:
        return f"PostgreSQL not reachable at {host}:{port} ({error}); set TEST_POSTGRES_URL"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


@contextmanager
def temporary_postgres_schema(base_url: str) -> Iterator[str]:
    """Yield a URL whose connections use a fresh, empty schema; drop it afterwards."""
    schema = "test_" + uuid.uuid4().hex[:16]
    admin = create_engine(base_url, future=True)
    url = make_url(base_url).update_query_dict({"options": "-csearch_path=" + schema})
    scoped_url = url.render_as_string(hide_password=False)
    try:
        with admin.begin() as connection:
            connection.execute(CreateSchema(schema))
        yield scoped_url
    finally:
        dispose_engine(scoped_url)
        with admin.begin() as connection:
            connection.execute(DropSchema(schema, cascade=True))
        admin.dispose()


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@contextmanager
def migrated_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of ``backend``: a SQLite file in ``tmp_path``, or a
    throw-away PostgreSQL schema (the test is skipped when PostgreSQL is unreachable)."""
    if backend == "sqlite":
        url = sqlite_url(tmp_path / "var" / "leads.db")
        upgrade(url)
        try:
            yield url
        finally:
            dispose_engine(url)
        return
    base = postgres_test_url()
    reason = postgres_unreachable_reason(base)
    if reason:
        pytest.skip(reason)
    with temporary_postgres_schema(base) as url:
        upgrade(url)
        yield url
