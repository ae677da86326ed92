"""Fixtures for hand-off tests: migrated databases, lead factory, settings and receivers."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.db import get_session_factory
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads.services import submit_lead
from bot.leads.submission import LeadSubmission
from tests.handoff.receivers import SmtpServer, WebhookReceiver
from tests.support.database import BACKENDS, migrated_database
from tests.support.submissions import chat, lead_submission

SECRET = "test-webhook-secret"
HANDOFF_VARIABLES = (
    "HANDOFF_WEBHOOK_URL", "HANDOFF_WEBHOOK_SECRET", "HANDOFF_RULES", "HANDOFF_MAX_ATTEMPTS",
    "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SALES_EMAIL",
    "SLACK_WEBHOOK_URL",
)  # fmt: skip


@pytest.fixture
def database_url(tmp_path):
    """A migrated SQLite file: most hand-off behaviour does not depend on the backend."""
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def any_database_url(request, tmp_path):
    """Both backends, for the claim, whose SQL differs between them."""
    with migrated_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def session_factory(database_url):
    return get_session_factory(database_url)


@pytest.fixture
def uow_factory(database_url):
    return unit_of_work_factory(database_url)


def make_submission(number: int = 1, **overrides) -> LeadSubmission:
    """A clinic's enquiry, numbered so that several differ; with markup to be escaped."""
    values = dict(
        conversation_id=f"conv-{number}",
        buyer_type="healthcare",
        items=(("foot_roller", 40), ("deep_calf_massager", 20)),
        organisation="Podology Clinic <b>Nord</b>",
        name=f"Ana Costa {number}",
        email=f"ana{number}@clinic.example",
        timeline="ASAP please",
        transcript=chat(("user", "I need rollers for my clinic"), ("bot", "How many?")),
    )
    values.update(overrides)
    return lead_submission(**values)


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
