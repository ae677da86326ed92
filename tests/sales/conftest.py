"""Fixtures for the sales inbox: a migrated SQLite database with leads, and the inbox on it.

The leads are saved through ``submit_lead`` like the bot saves them, so the
inbox reads exactly what a real conversation leaves behind.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator

import pytest
from sqlalchemy import update

from bot.config import Settings, load_settings
from bot.db import get_session_factory
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.hours import load_hours
from bot.handoff.human import HandoffSubmission, request_handoff
from bot.leads.models import Lead
from bot.leads.services import submit_lead
from bot.leads.submission import LeadSubmission
from bot.sales.passwords import hash_password
from bot.sales.server import InboxServer
from bot.sales.startup import make_server
from tests.sales.support import InboxClient
from tests.support.database import migrated_database
from tests.support.submissions import chat, lead_submission
from tests.support.threads import running

PASSWORD = "Sole-Care 2026!"
ATTACK = "<script>alert('x')</script>"
OLD_LEAD_CREATED = datetime(2025, 1, 10, 9, 30, tzinfo=timezone.utc)
_CHAT = [
    ("user", "Hi, we need foot rollers for our spa"),
    ("bot", "Happy to help! How many do you need?"),
    ("user", "About 20 rollers and 5 calf massagers"),
    ("bot", "Thanks! Your reference is on its way."),
]
TRANSCRIPT = chat(*_CHAT)  # as the lead action stores it
# Overrides of the default (hot spa) submission, by the role each lead plays in the tests.
LEADS = {
    "old": dict(buyer_type="healthcare", name="Dr Lena Vogt", organisation="Praxis Vogt",
                email="lv@praxis.example", country="DE"),
    "hot": {},
    "warm": dict(buyer_type="reseller", name="Tom Berg", organisation="Nordic Wellness AB",
                 items=(("foot_roller", 60),), email="tom@nordic.example", phone=None,
                 timeline=None, budget=None, notes="Distributor for Sweden."),
    "cold": dict(buyer_type="personal", name=ATTACK, organisation=None,
                 items=(("foot_roller", 2),), email="me@home.example", phone=None,
                 timeline=None, budget=None, notes=f"Note {ATTACK}"),
}  # fmt: skip


@pytest.fixture(scope="session")
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def inbox_settings(database_url, password_hash, tmp_path) -> Settings:
    return load_settings(
        {
            "BOT_PROJECT_DIR": str(tmp_path),
            "BIND_HOST": "127.0.0.1",
            "DATABASE_URL": database_url,
            "SALES_INBOX_PASSWORD_HASH": password_hash,
        }
    )


def submission(conversation_id: str, **overrides) -> LeadSubmission:
    return lead_submission(**{"conversation_id": conversation_id, "transcript": TRANSCRIPT,
                              **overrides})  # fmt: skip


@pytest.fixture
def leads(database_url) -> Dict[str, str]:
    """Four leads by role: hot spa, warm reseller, cold personal (an XSS attempt), old clinic."""
    uow = unit_of_work_factory(database_url)
    created = {
        role: submit_lead(uow(), submission(f"c-{role}", **overrides))
        for role, overrides in LEADS.items()
    }
    session = get_session_factory(database_url)()
    with session.begin():
        session.execute(
            update(Lead)
            .where(Lead.reference == created["old"].reference)
            .values(created_at=OLD_LEAD_CREATED)
        )
    session.close()
    return {role: receipt.reference for role, receipt in created.items()}


@pytest.fixture
def inbox(inbox_settings) -> Iterator[InboxServer]:
    with running(make_server(inbox_settings, port=0)) as server:
        yield server


@pytest.fixture
def client(inbox) -> InboxClient:
    return InboxClient(inbox.url)


@pytest.fixture
def signed_in(client) -> InboxClient:
    response = client.post("/login", {"password": PASSWORD, "next": "/"})
    assert response.status == 303, response.body
    return client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(__file__).resolve().parents[2] / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def person_request(database_url) -> str:
    """A visitor who asked to talk to a person mid-conversation; returns its reference."""
    request = HandoffSubmission(
        conversation_id="c-talk", name="Mia Roth", email="mia@physio.example",
        reason="Can I talk to someone about bulk pricing?",
        transcript=chat(("user", "Can I talk to someone about bulk pricing?"),
                        ("bot", "Of course. What's your name?")),
    )  # fmt: skip
    return request_handoff(unit_of_work_factory(database_url)(), request, load_hours()).reference
