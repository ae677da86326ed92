"""Fixtures for lead tests: a migrated database per backend and a submission factory."""

from datetime import datetime, timezone

import pytest

from bot.db import dispose_engine, upgrade
from bot.leads.submission import LeadSubmission
from bot.leads.unit_of_work import unit_of_work_factory
from tests.support.database import (
    postgres_test_url,
    postgres_unreachable_reason,
    sqlite_url,
    temporary_postgres_schema,
)

CONSENT = "I agree that SoleCare Supply may contact me about this enquiry."


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A migrated, empty database: a temporary SQLite file or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "var" / "leads.db")
        upgrade(url)
        yield url
        dispose_engine(url)
        return
    base = postgres_test_url()
    reason = postgres_unreachable_reason(base)
    if reason:
        pytest.skip(reason)
    with temporary_postgres_schema(base) as url:
        upgrade(url)
        yield url


@pytest.fixture
def uow_factory(database_url):
    return unit_of_work_factory(database_url)


@pytest.fixture
def make_submission():
    """Build a valid submission; keyword arguments override any field."""

    def make(**overrides) -> LeadSubmission:
        values = dict(
            conversation_id="conv-1",
            buyer_type="spa_wellness",
            items=(("foot_roller", 20), ("deep_calf_massager", 5)),
            organisation="Serenity Spa Ltd",
            name="Ana Costa",
            email="ana@serenity.example",
            phone="+44 20 7946 0000",
            country="GB",
            timeline="next quarter",
            budget="5000 EUR",
            notes="Please send a catalogue.",
            consent_text=CONSENT,
            consent_given_at=datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc),
            transcript=(
                {"sender": "user", "text": "I need rollers", "timestamp": 1767268800.0},
                {"sender": "bot", "text": "How many?", "timestamp": 1767268801.5},
            ),
        )
        values.update(overrides)
        return LeadSubmission(**values)

    return make
