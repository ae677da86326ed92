"""An enquiry submitted while PostgreSQL is really stopped is kept and written once it is back.

The stack runs with the default production settings: ``DATABASE_URL`` on
PostgreSQL and no ``TRACKER_STORE_URL``, so the leads and every conversation
live in the same database and both disappear when it stops. The test runs its
own throw-away PostgreSQL cluster, so it can stop and start the server without
touching the one other tests share. The stack runs from a copy of the project
made of symlinks with its own ``var/``, so the spool the action server writes
is the test's, not the developer's.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Iterator, List

import pytest
from sqlalchemy import select, text

from bot import processes
from bot.db import get_session_factory
from bot.handoff.models import Notification
from bot.leads import spool
from tests.enquiry import REFERENCE, Visitor, up_to_the_summary
from tests.support.database import postgres_unreachable_reason
from tests.support.servers import RunningStack, Stack, project_copy, stack_settings

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

HONEST_QUEUED_REPLY = "your enquiry is saved and will reach our sales team"


@pytest.fixture
def durable_stack(postgres_cluster, trained_model, tmp_path) -> Iterator[RunningStack]:
    """Rasa and action servers keeping leads and conversations in the private cluster."""
    project = project_copy(tmp_path / "project")
    settings = stack_settings(tmp_path, BOT_PROJECT_DIR=str(project),
                              DATABASE_URL=postgres_cluster.url, TRACKER_STORE_URL="")  # fmt: skip
    assert settings.var_dir == project / "var"
    assert settings.tracker_store_url == postgres_cluster.url  # the default: one database
    stack = Stack(settings, trained_model, tmp_path)  # start() migrates the database
    try:
        yield stack.start()
    finally:
        stack.stop()


def dispatch_once(stack: RunningStack) -> subprocess.CompletedProcess:
    """``bot handoff dispatch --once`` exactly as ``make run`` starts the dispatcher."""
    spec = processes.dispatcher(stack.settings)
    return subprocess.run(spec.command + ["--once"], cwd=stack.settings.project_dir,
                          env=spec.env, capture_output=True, text=True, timeout=120)  # fmt: skip


def notifications(database_url: str, reference: str) -> List[Notification]:
    with get_session_factory(database_url)() as session:
        query = select(Notification).where(Notification.lead_reference == reference)
        return list(session.execute(query).scalars())


def test_enquiry_sent_while_postgres_is_stopped_is_saved_once_it_is_back(
    durable_stack, postgres_cluster
):
    visitor = Visitor(durable_stack)
    up_to_the_summary(visitor)
    spooled = spool.spool_path(spool.spool_dir(durable_stack.settings.var_dir), visitor.sender)

    postgres_cluster.stop()
    assert postgres_unreachable_reason(postgres_cluster.url)
    reply = visitor.say("Submit", expect=HONEST_QUEUED_REPLY)
    assert not REFERENCE.search(reply) and "reference number yet" in reply
    assert spool.load(spooled).submission.email == "jo@example.com"

    still_down = dispatch_once(durable_stack)
    assert "1 lead(s) still spooled" in still_down.stderr, still_down.stdout + still_down.stderr
    assert spooled.exists(), "a dispatcher pass while the database is down must keep the lead"

    postgres_cluster.start()
    back = dispatch_once(durable_stack)
    assert back.returncode == 0, back.stdout + back.stderr
    assert back.stdout.strip() == "saved: 1", back.stdout + back.stderr
    assert not spooled.exists()

    lead = visitor.lead()
    assert (lead["organisation"], lead["name"], lead["email"]) == (
        "Sunrise Spa & Wellness", "Jo Bloggs", "jo@example.com",
    )  # fmt: skip
    assert (lead["phone"], lead["country"], lead["notes"]) == (
        "+44 20 7946 0000", "Germany", "please deliver to the back entrance",
    )  # fmt: skip
    assert lead["items"] == [{"product": "whole_leg_massager", "quantity": 30}]
    assert lead["consents"][0]["granted"] is True
    assert lead["transcript"][0]["text"].startswith("we'd like to order 30 whole leg")
    (notification,) = notifications(durable_stack.settings.database_url, lead["reference"])
    assert notification.status == "pending"  # no channel configured: waits for one

    # The conversation kept while the database was down reaches it by itself, once.
    deadline = time.monotonic() + 15
    while "Submit" not in stored_visitor_messages(postgres_cluster.url, visitor.sender):
        assert time.monotonic() < deadline, "the conversation never reached the database"
        time.sleep(0.5)
    assert visitor.say("thank you")
    said = stored_visitor_messages(postgres_cluster.url, visitor.sender)
    assert said.count("Submit") == 1 and said[-1] == "thank you", "\n".join(said)


def stored_visitor_messages(database_url: str, sender: str) -> List[str]:
    """What the visitor said, as Rasa's tracker store holds it in the database."""
    with get_session_factory(database_url)() as session:
        rows = session.execute(
            text("SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' "
                 "ORDER BY id"),
            {"sender": sender},
        )  # fmt: skip
        return [json.loads(data)["text"] for (data,) in rows]
