"""Fixtures for the workspace: a migrated SQLite database with accounts, leads and a
request to talk to a person, and the real application on it through Starlette's
test client (no socket; the browser tests start uvicorn instead).

Leads and requests are saved through the same services the bot uses, so the
pages read exactly what a real conversation leaves behind.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Dict, Iterator

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from bot.accounts.service import create_account
from bot.config import Settings, load_settings
from bot.db import get_session_factory
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.hours import load_hours
from bot.handoff.human import HandoffSubmission, request_handoff
from bot.leads.models import Lead
from bot.leads.services import submit_lead
from bot.leads.submission import LeadSubmission
from bot.workspace.app import create_app
from bot.workspace.context import Workspace, workspace_from_settings
from bot.workspace.throttle import LoginThrottle
from tests.support.database import migrated_database
from tests.support.submissions import chat, lead_submission

PASSWORDS = {"sam": "Sole-Care 2026 sales", "ada": "Sole-Care 2026 admin"}
ATTACK = "<script>alert('x')</script>"
OLD_LEAD_CREATED = datetime(2025, 1, 10, 9, 30, tzinfo=timezone.utc)
TRANSCRIPT = chat(
    ("user", "Hi, we need foot rollers for our spa"),
    ("bot", "Happy to help! How many do you need?"),
    ("user", "About 20 rollers and 5 calf massagers"),
    ("bot", "Thanks! Your reference is on its way."),
)  # as the lead action stores it
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


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return load_settings({"BOT_PROJECT_DIR": str(tmp_path), "BIND_HOST": "127.0.0.1",
                          "DATABASE_URL": database_url})  # fmt: skip


@pytest.fixture
def accounts(database_url) -> Dict[str, str]:
    """A sales person (sam) and an admin (ada); returns their passwords by user name."""
    uow = unit_of_work_factory(database_url)
    create_account(uow(), "sam", PASSWORDS["sam"], "sales", "Sam Sales")
    create_account(uow(), "ada", PASSWORDS["ada"], "admin", "Ada Admin")
    return dict(PASSWORDS)


@pytest.fixture
def workspace(settings, accounts) -> Workspace:
    # Tiny delays, so the throttle tests wait milliseconds, not seconds.
    throttle = LoginThrottle(free_attempts=3, base_delay=0.2, max_delay=0.4)
    return workspace_from_settings(settings, throttle=throttle)


@pytest.fixture
def client(workspace) -> Iterator[TestClient]:
    with TestClient(create_app(workspace), base_url="http://testserver",
                    follow_redirects=False) as test_client:  # fmt: skip
        yield test_client


def sign_in(client: TestClient, username: str, password: str | None = None, next_path="/"):
    """Sign ``username`` in; returns the response (303 on success)."""
    return client.post("/login", data={"username": username, "next": next_path,
                                       "password": password or PASSWORDS[username]})  # fmt: skip


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def sales(client) -> TestClient:
    assert sign_in(client, "sam").status_code == 303
    return client


@pytest.fixture
def admin(client) -> TestClient:
    assert sign_in(client, "ada").status_code == 303
    return client


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
def person_request(database_url) -> str:
    """A visitor who asked to talk to a person mid-conversation; returns its reference."""
    request = HandoffSubmission(
        conversation_id="c-talk", name="Mia Roth", email="mia@physio.example",
        reason="Can I talk to someone about bulk pricing?",
        transcript=chat(("user", "Can I talk to someone about bulk pricing?"),
                        ("bot", "Of course. What's your name?")),
    )  # fmt: skip
    return request_handoff(unit_of_work_factory(database_url)(), request, load_hours()).reference
