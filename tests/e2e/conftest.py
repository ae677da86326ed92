"""A second Rasa stack whose leads database is the local PostgreSQL (a throw-away schema)."""

from __future__ import annotations

import pytest

from bot.db.testing import (
    postgres_test_url,
    postgres_unreachable_reason,
    temporary_postgres_schema,
)
from tests.servers import Stack, stack_settings


@pytest.fixture(scope="session")
def postgres_rasa_server(trained_model, tmp_path_factory):
    """The real Rasa and action servers saving leads to PostgreSQL; skips if it is down."""
    base_url = postgres_test_url()
    reason = postgres_unreachable_reason(base_url)
    if reason:
        pytest.skip(reason)
    work_dir = tmp_path_factory.mktemp("postgres-stack")
    with temporary_postgres_schema(base_url) as database_url:
        settings = stack_settings(work_dir, DATABASE_URL=database_url)
        stack = Stack(settings, trained_model, work_dir)
        try:
            yield stack.start()
        finally:
            stack.stop()
