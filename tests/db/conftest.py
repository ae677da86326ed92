"""Fixtures for database tests: each test gets an empty database on each backend."""

from contextlib import contextmanager

import pytest

from bot.db import dispose_engine
from tests.support.database import (
    postgres_test_url,
    postgres_unreachable_reason,
    sqlite_url,
    temporary_postgres_schema,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path):
    """An unmigrated database: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "var" / "leads.db")
        yield url
        dispose_engine(url)
        return
    with _postgres_schema() as url:
        yield url


@pytest.fixture
def postgres_url():
    """An empty PostgreSQL schema, for tests of PostgreSQL-only behaviour."""
    with _postgres_schema() as url:
        yield url


@contextmanager
def _postgres_schema():
    base = postgres_test_url()
    reason = postgres_unreachable_reason(base)
    if reason:
        pytest.skip(reason)
    with temporary_postgres_schema(base) as url:
        yield url
