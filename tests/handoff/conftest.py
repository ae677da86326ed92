"""Fixtures for hand-off tests: migrated databases, lead factory, settings and receivers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.config import load_settings
from bot.db import dispose_engine, get_session_factory, upgrade
from bot.leads.services import submit_lead
from bot.leads.submission import LeadSubmission
from bot.leads.unit_of_work import unit_of_work_factory
from tests.handoff.receivers import SmtpServer, WebhookReceiver
from tests.support.database import (
    postgres_test_url,
    postgres_unreachable_reason,
    sqlite_url,
    temporary_postgres_schema,
)

SECRET = "test-webhook-secret"
HANDOFF_VARIABLES = (
    "HANDOFF_WEBHOOK_URL", "HANDOFF_WEBHOOK_SECRET", "HANDOFF_RULES", "HANDOFF_MAX_ATTEMPTS",
    "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SALES_EMAIL",
    "SLACK_WEBHOOK_URL",
)  # fmt: skip


def _sqlite(tmp_path):
    url = sqlite_url(tmp_path / "var" / "leads.db")
    upgrade(url)
    return url


@pytest.fixture
def database_url(tmp_path):
    """A migrated SQLite file: most hand-off behaviour does not depend on the backend."""
    url = _sqlite(tmp_path)
    yield url
    dispose_engine(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_database_url(request, tmp_path):
    """Both backends, for the claim, whose SQL differs between them."""
    if request.param == "sqlite":
        url = _sqlite(tmp_path)
        yield url
        dispose_engine(url)
        return
    reason = postgres_unreachable_reason(postgres_test_url())
    if reason:
        pytest.skip(reason)
    with temporary_postgres_schema(postgres_test_url()) as url:
        upgrade(url)
        yield url


@pytest.fixture
def session_factory(database_url):
    return get_session_factory(database_url)


@pytest.fixture
def uow_factory(database_url):
    return unit_of_work_factory(database_url)


def make_submission(number: int = 1, **overrides) -> LeadSubmission:
    values = dict(
        conversation_id=f"conv-{number}",
        buyer_type="healthcare",
        items=(("foot_roller", 40), ("deep_calf_massager", 20)),
        organisation="Podology Clinic <b>Nord</b>",
        name=f"Ana Costa {number}",
        email=f"ana{number}@clinic.example",
        phone="+44 20 7946 0000",
        country="GB",
        timeline="ASAP please",
        budget="5000 EUR",
        notes="Please send a catalogue.",
        consent_text="I agree that FootCare Supply may contact me about this enquiry.",
        consent_given_at=datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc),
        transcript=(
            {"sender": "user", "text": "I need rollers for my clinic", "timestamp": 1.0},
            {"sender": "bot", "text": "How many?", "timestamp": 2.0},
        ),
    )
    values.update(overrides)
    return LeadSubmission(**values)


@pytest.fixture
def submit(uow_factory):
    """Store a lead (and its outbox row, as the lead form does); returns the reference."""

    def store(number: int = 1, **overrides) -> str:
        return submit_lead(uow_factory(), make_submission(number, **overrides)).reference

    return store


@pytest.fixture
def handoff_env(database_url, tmp_path, monkeypatch):
    """Environment of a ``bot`` process on the test database with no channel configured."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_PROJECT_DIR", str(tmp_path))
    for name in HANDOFF_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def settings_for(handoff_env):
    """Settings as the dispatcher would read them, with some hand-off variables set."""

    def build(**variables):
        for name, value in variables.items():
            handoff_env.setenv(name, str(value))
        return load_settings()

    return build


@pytest.fixture
def receiver():
    with WebhookReceiver(secret=SECRET) as running:
        yield running


@pytest.fixture
def smtp_server():
    with SmtpServer() as running:
        yield running
