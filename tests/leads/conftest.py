"""Fixtures for lead tests: a migrated database per backend and a submission factory."""

import pytest

from bot.db.unit_of_work import unit_of_work_factory
from tests.support.database import BACKENDS, migrated_database
from tests.support.submissions import lead_submission


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    """A migrated, empty database: a temporary SQLite file or a throw-away PostgreSQL schema."""
    with migrated_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def uow_factory(database_url):
    return unit_of_work_factory(database_url)


@pytest.fixture
def make_submission():
    """Build a valid submission; keyword arguments override any field."""
    return lead_submission
