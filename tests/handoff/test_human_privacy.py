"""Erasure of "talk to a person" requests: personal data goes, counts and dates stay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.handoff.hours import load_hours
from bot.handoff.human import HandoffSubmission, get_request, open_requests, request_handoff
from bot.handoff.human.privacy import ERASED_NOTE, forget_requests, purge_requests
from bot.handoff.human.service import add_note, assign, request_details
from bot.handoff.models import Notification

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


def _ask(uow_factory, conversation_id, email, now=NOW) -> str:
    submission = HandoffSubmission(
        conversation_id=conversation_id, name="Ana", email=email, phone="+44 1", reason="call me",
        transcript=({"sender": "user", "text": "I am Ana, call me"},),
    )  # fmt: skip
    return request_handoff(uow_factory(), submission, load_hours(), now).reference


def _notification(session_factory, reference):
    with session_factory() as session:
        query = select(Notification).where(Notification.lead_reference == reference)
        return session.execute(query).scalar_one()


def test_forget_erases_the_requests_of_an_address(uow_factory, session_factory):
    forgotten = _ask(uow_factory, "conv-1", "Ana@Clinic.example")
    kept = _ask(uow_factory, "conv-2", "bo@clinic.example")
    assert forget_requests(uow_factory(), "ana@clinic.EXAMPLE") == [forgotten]
    request = get_request(uow_factory(), forgotten)
    erased = [request[k] for k in ("name", "email", "phone", "reason", "transcript")]
    assert erased == [None, None, None, None, []]
    assert request["status"] == "closed" and request["conversation_id"].startswith("erased-")
    notification = _notification(session_factory, forgotten)
    assert (notification.status, notification.last_error) == ("dead", ERASED_NOTE)
    assert notification.payload["email"] is None
    assert [r["reference"] for r in open_requests(uow_factory())] == [kept]
    assert _notification(session_factory, kept).status == "pending"
    # The conversation may ask again later: the erased request no longer blocks it.
    assert _ask(uow_factory, "conv-1", "ana@clinic.example") not in (forgotten, kept)


def test_forget_erases_what_sales_wrote_about_the_person(uow_factory):
    reference = _ask(uow_factory, "conv-3", "ana@clinic.example")
    add_note(uow_factory(), reference, "Ana Lind prefers calls after 5pm", author="sam")
    assign(uow_factory(), reference, "sam", author="sam")
    forget_requests(uow_factory(), "ana@clinic.example")
    history = request_details(uow_factory(), reference)["history"]
    assert [entry["note"] for entry in history] == [ERASED_NOTE, ERASED_NOTE]
    assert [entry["author"] for entry in history] == ["sam", "sam"]  # who did what stays


def test_purge_erases_old_requests_only_and_has_a_dry_run(uow_factory, session_factory):
    old = _ask(uow_factory, "conv-1", "a@x.example", now=NOW - timedelta(days=200))
    recent = _ask(uow_factory, "conv-2", "b@x.example")
    cutoff = NOW - timedelta(days=180)
    assert purge_requests(uow_factory(), cutoff, dry_run=True) == [old]
    assert get_request(uow_factory(), old)["email"] == "a@x.example"
    assert purge_requests(uow_factory(), cutoff) == [old]
    assert purge_requests(uow_factory(), cutoff) == []  # already erased
    assert get_request(uow_factory(), old)["email"] is None
    assert get_request(uow_factory(), recent)["email"] == "b@x.example"
