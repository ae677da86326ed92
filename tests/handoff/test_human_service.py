"""``request_handoff`` and friends on SQLite and PostgreSQL: one open request per
conversation, written in the same transaction as its outbox notification."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.db import get_engine, get_session_factory
from bot.db.unit_of_work import SqlAlchemyUnitOfWork, unit_of_work_factory
from bot.handoff.hours import load_hours
from bot.handoff.human import (
    HANDOFF_KIND,
    HandoffNotFound,
    HandoffSubmission,
    InvalidHandoffRequest,
    close_request,
    get_request,
    open_requests,
    request_handoff,
)
from bot.handoff.models import HandoffRequest, Notification

HOURS = load_hours()
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
FRIDAY_NIGHT = datetime(2026, 11, 27, 22, 0, tzinfo=timezone.utc)


@pytest.fixture
def uow_factory(any_database_url):
    return unit_of_work_factory(any_database_url)


def ask(conversation_id="conv-1", **overrides) -> HandoffSubmission:
    values = dict(
        conversation_id=conversation_id,
        name="Ana Costa",
        email="ana@clinic.example",
        phone="+44 20 7946 0000",
        reason="Can I talk to a person about a bulk order?",
        transcript=(
            {"sender": "user", "text": "I need 40 rollers", "timestamp": 1.0},
            {"sender": "user", "text": "Can I talk to a person?",
             "timestamp": datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)},
        ),
    )  # fmt: skip
    values.update(overrides)
    return HandoffSubmission(**values)


def rows(url, model):
    with get_session_factory(url)() as session:
        return session.execute(select(model).order_by(model.id)).scalars().all()


def test_a_request_and_its_notification_are_stored_together(uow_factory, any_database_url):
    receipt = request_handoff(uow_factory(), ask(lead_reference="FM-2026-000007"), HOURS,
                              now=TUESDAY_MORNING)  # fmt: skip
    assert receipt.created and receipt.reference == "HO-2026-000001"
    assert receipt.expected_reply.startswith("A member of our sales team will reply")
    [row] = rows(any_database_url, HandoffRequest)
    assert (row.status, row.name, row.lead_reference) == ("open", "Ana Costa", "FM-2026-000007")
    assert row.created_at == TUESDAY_MORNING and row.closed_at is None
    assert row.transcript[1]["timestamp"] == "2026-11-24T10:00:00+00:00"
    [notification] = rows(any_database_url, Notification)
    assert (notification.lead_reference, notification.kind) == (receipt.reference, HANDOFF_KIND)
    assert notification.status == "pending" and notification.payload["email"] == row.email
    assert "transcript" not in notification.payload  # read from the request at delivery


def test_asking_again_updates_the_open_request(uow_factory, any_database_url):
    first = request_handoff(uow_factory(), ask(), HOURS, now=TUESDAY_MORNING)
    again = request_handoff(uow_factory(), ask(email="ana@new.example", reason=None,
                            transcript=({"sender": "user", "text": "hello?"},)),
                            HOURS, now=FRIDAY_NIGHT)  # fmt: skip
    assert (again.reference, again.created) == (first.reference, False)
    assert again.expected_reply.endswith("expect a reply on Monday morning.")
    request = get_request(uow_factory(), first.reference)
    assert request["email"] == "ana@new.example"
    assert request["reason"] == "Can I talk to a person about a bulk order?"  # kept
    assert request["transcript"] == [{"sender": "user", "text": "hello?", "timestamp": None}]
    assert len(rows(any_database_url, HandoffRequest)) == 1
    [notification] = rows(any_database_url, Notification)
    assert notification.payload["email"] == "ana@new.example"


def test_after_closing_a_new_ask_opens_a_new_request(uow_factory):
    first = request_handoff(uow_factory(), ask(), HOURS)
    other = request_handoff(uow_factory(), ask("conv-2", name="Bo"), HOURS)
    closed = close_request(uow_factory(), first.reference, now=FRIDAY_NIGHT)
    assert closed["status"] == "closed" and closed["closed_at"] == FRIDAY_NIGHT.isoformat()
    assert [r["reference"] for r in open_requests(uow_factory())] == [other.reference]
    again = request_handoff(uow_factory(), ask(), HOURS)
    assert again.created and again.reference not in (first.reference, other.reference)
    assert [r["reference"] for r in open_requests(uow_factory())] == [
        other.reference, again.reference]  # fmt: skip
    with pytest.raises(InvalidHandoffRequest, match="already closed"):
        close_request(uow_factory(), first.reference)
    with pytest.raises(HandoffNotFound):
        close_request(uow_factory(), "HO-2026-999999")


def test_concurrent_asks_of_one_conversation_make_one_request(uow_factory, any_database_url):
    def one(i):
        return request_handoff(uow_factory(), ask(reason=f"ask {i}"), HOURS)

    with ThreadPoolExecutor(max_workers=8) as pool:
        receipts = list(pool.map(one, range(8)))
    assert len({r.reference for r in receipts}) == 1 and sum(r.created for r in receipts) == 1
    with get_engine(any_database_url).connect() as connection:
        for model in (HandoffRequest, Notification):
            assert connection.execute(select(func.count()).select_from(model)).scalar() == 1


class BrokenOutboxUnitOfWork(SqlAlchemyUnitOfWork):
    """Every outbox row it writes breaks a CHECK constraint."""

    def __enter__(self):
        super().__enter__()
        add = self.notifications.add
        self.notifications.add = lambda *key, **values: add(*key, **{**values, "status": "bogus"})
        return self


def test_no_request_is_stored_without_its_notification(any_database_url):
    uow = BrokenOutboxUnitOfWork(get_session_factory(any_database_url))
    with pytest.raises(IntegrityError, match="(?i)check"):
        request_handoff(uow, ask(), HOURS)
    assert rows(any_database_url, HandoffRequest) == []
    assert rows(any_database_url, Notification) == []


def test_the_database_refuses_a_second_open_request_of_a_conversation(any_database_url):
    def row(status):
        return HandoffRequest(conversation_id="conv-1", name="A", email="a@b.example",
                              transcript=[], status=status)  # fmt: skip

    factory = get_session_factory(any_database_url)
    with factory.begin() as session:
        session.add_all([row("closed"), row("closed"), row("open")])
    with pytest.raises(IntegrityError), factory.begin() as session:
        session.add(row("open"))


def test_a_dead_notification_is_revived_by_a_new_ask_a_delivered_one_is_not(
    uow_factory, any_database_url
):
    reference = request_handoff(uow_factory(), ask(), HOURS).reference
    factory = get_session_factory(any_database_url)
    for status, expected in (("dead", "pending"), ("delivered", "delivered")):
        with factory.begin() as session:
            session.execute(update(Notification).values(status=status, attempts=8))
        request_handoff(uow_factory(), ask(), HOURS)
        [notification] = rows(any_database_url, Notification)
        assert notification.status == expected and notification.lead_reference == reference
    assert notification.attempts == 8  # delivered: left exactly as it was


@pytest.mark.parametrize(
    "overrides, message",
    [
        (dict(name="  "), "name is required"),
        (dict(email=None), "email is required"),
        (dict(email="ana at clinic"), "does not look like an e-mail address"),
        (dict(conversation_id=""), "conversation_id"),
        (dict(reason=42), "reason must be text"),
        (dict(transcript=("hello",)), "transcript line must be a mapping"),
    ],
)
def test_invalid_requests_are_refused(uow_factory, overrides, message):
    with pytest.raises(InvalidHandoffRequest, match=message):
        request_handoff(uow_factory(), ask(**overrides), HOURS)


def test_now_must_be_aware(uow_factory):
    with pytest.raises(InvalidHandoffRequest, match="aware"):
        request_handoff(uow_factory(), ask(), HOURS, now=datetime(2026, 11, 24, 10, 0))


def test_a_long_conversation_is_shortened_for_storage_never_refused(uow_factory, any_database_url):
    long_id = "visitor-" + "x" * 400
    chat = [{"sender": "user", "text": "word " * 6_000, "timestamp": float(i)} for i in range(300)]
    receipt = request_handoff(uow_factory(), ask(long_id, reason="r" * 30_000, transcript=chat),
                              HOURS, now=TUESDAY_MORNING)  # fmt: skip
    [row] = rows(any_database_url, HandoffRequest)
    assert receipt.created and len(row.conversation_id) <= 255
    assert row.conversation_id.startswith("visitor-xxx") and "shortened" in row.reason
    assert len(row.transcript) < 300 and any("left out" in m["text"] for m in row.transcript)
    again = request_handoff(uow_factory(), ask(long_id), HOURS, now=TUESDAY_MORNING)
    assert again.reference == receipt.reference and not again.created
