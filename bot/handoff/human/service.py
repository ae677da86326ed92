"""Service functions of "talk to a person", each one unit of work.

The request and its outbox notification are written in one transaction, so
sales hears about every stored ask and about no unstored one: both go through
the unit of work's repositories (``uow.handoffs``, ``uow.notifications``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from bot.db.base import utcnow
from bot.handoff.hours import BusinessHours, expected_reply
from bot.handoff.human.request import (
    HandoffNotFound,
    HandoffReceipt,
    HandoffSubmission,
    InvalidHandoffRequest,
    clean_submission,
)
from bot.handoff.models import HandoffHistory, HandoffRequest
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads.records import history_entries, iso
from bot.leads.unit_of_work import retry_on_conflict

HANDOFF_KIND = "handoff"  # notifications.kind; the row's lead_reference holds HO-...


def format_reference(year: int, number: int) -> str:
    """``HO-2026-000123``: unique because the number is the row's primary key."""
    return f"HO-{year}-{number:06d}"


def request_handoff(
    uow: AbstractUnitOfWork,
    request: HandoffSubmission,
    hours: BusinessHours,
    now: datetime | None = None,
) -> HandoffReceipt:
    """Store a visitor's ask for a person and queue the notification to sales.

    Asking again while a request of the conversation is open updates that
    request (contact details, reason, transcript) instead of adding one. As
    for leads, correctness comes from a unique index, not from the lookup: if
    a concurrent ask inserted first, the insert fails, the transaction rolls
    back and the next attempt updates the request the other one created.
    """
    request = clean_submission(request)
    now = _aware(now)
    reply = expected_reply(now, hours)
    return retry_on_conflict(lambda: _save(uow, request, now, reply))


def _save(
    uow: AbstractUnitOfWork, request: HandoffSubmission, now: datetime, reply: str
) -> HandoffReceipt:
    with uow:
        row = uow.handoffs.open_for_conversation(request.conversation_id)
        created = row is None
        if created:
            row = HandoffRequest(conversation_id=request.conversation_id, status="open",
                                 transcript=[], created_at=now)  # fmt: skip
        _copy(row, request, now)
        if created:
            uow.handoffs.add(row)
            row.reference = format_reference(now.astimezone(timezone.utc).year, row.id)
        _enqueue_notification(uow, row)
        receipt = HandoffReceipt(reference=row.reference, expected_reply=reply, created=created)
        uow.commit()
    return receipt


def _copy(row: HandoffRequest, request: HandoffSubmission, now: datetime) -> None:
    """The latest contact details win; an ask without reason or transcript keeps the old."""
    row.name, row.email, row.updated_at = request.name, request.email, now
    row.phone = request.phone or row.phone
    row.lead_reference = request.lead_reference or row.lead_reference
    row.reason = request.reason or row.reason
    if request.transcript:
        row.transcript = list(request.transcript)


def _enqueue_notification(uow: AbstractUnitOfWork, row: HandoffRequest) -> None:
    """One notification per request, keyed by its reference.

    A still pending one just gets the new payload (the dispatcher reads the
    request as it is at delivery anyway). A delivered one is left alone:
    receivers deduplicate on the key, so sending it again would be dropped;
    sales sees the update in ``bot handoff requests``. A dead one is revived,
    because the visitor asking again is worth another try.
    """
    now = utcnow()  # the outbox runs on the real clock, whatever ``now`` the caller passed
    payload = handoff_record(row, transcript=False)
    notification = uow.notifications.get(row.reference, HANDOFF_KIND)
    if notification is None:
        uow.notifications.add(row.reference, HANDOFF_KIND, payload=payload, status="pending",
                              attempts=0, next_attempt_at=now, created_at=now,
                              updated_at=now)  # fmt: skip
        return
    if notification.status == "delivered":
        return
    notification.payload, notification.updated_at = payload, now
    if notification.status == "dead":
        notification.status, notification.attempts = "pending", 0
        notification.next_attempt_at, notification.last_error = now, None


def close_request(
    uow: AbstractUnitOfWork,
    reference: str,
    now: datetime | None = None,
    author: str | None = None,
    note: str | None = None,
) -> Dict[str, Any]:
    """Mark a request as dealt with; the conversation may then open a new one."""
    now = _aware(now)
    with uow:
        row = _existing(uow, reference, for_update=True)
        if row.status == "closed":
            raise InvalidHandoffRequest(f"{reference} is already closed")
        _remember(row, "closed", note, author, now)
        row.status, row.closed_at = "closed", now
        record = handoff_record(row, transcript=False)
        uow.commit()
    return record


def add_note(uow: AbstractUnitOfWork, reference: str, note: str,
             author: str | None = None) -> Dict[str, Any]:  # fmt: skip
    """A note on the request ("called back, no answer"), kept in its history."""
    text = (note or "").strip()
    if not text:
        raise InvalidHandoffRequest("a note needs some text")
    with uow:
        row = _existing(uow, reference, for_update=True)
        _remember(row, row.status, text, author, utcnow())
        record = handoff_record(row, transcript=False)
        uow.commit()
    return record


def assign(uow: AbstractUnitOfWork, reference: str, assignee: str | None,
           author: str | None = None) -> Dict[str, Any]:  # fmt: skip
    """Give the request to one person (``None``: to nobody)."""
    words = f"assigned to {assignee}" if assignee else "not assigned to anyone"
    with uow:
        row = _existing(uow, reference, for_update=True)
        if row.assigned_to == assignee:
            raise InvalidHandoffRequest(f"{reference} is already {words}")
        row.assigned_to = assignee
        _remember(row, row.status, words.capitalize() + ".", author, utcnow())
        record = handoff_record(row, transcript=False)
        uow.commit()
    return record


def _remember(row: HandoffRequest, new_status: str, note: str | None, author: str | None,
              now: datetime) -> None:  # fmt: skip
    row.history.append(HandoffHistory(from_status=row.status, to_status=new_status, note=note,
                                      author=author, at=now))  # fmt: skip
    row.updated_at = now


def get_request(uow: AbstractUnitOfWork, reference: str) -> Dict[str, Any]:
    """One request with its transcript, as the dispatcher sends it."""
    with uow:
        return handoff_record(_existing(uow, reference))


def open_requests(uow: AbstractUnitOfWork) -> List[Dict[str, Any]]:
    """Every open request, oldest first, without transcripts."""
    return list_requests(uow, "open")


def handoff_record(row: HandoffRequest, transcript: bool = True) -> Dict[str, Any]:
    """A request as a plain, JSON-safe dict: the outbox payload and the webhook body."""
    record = {
        "reference": row.reference,
        "conversation_id": row.conversation_id,
        "status": row.status,
        "name": row.name,
        "email": row.email,
        "phone": row.phone,
        "lead_reference": row.lead_reference,
        "reason": row.reason,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "closed_at": iso(row.closed_at),
    }
    if transcript:
        record["transcript"] = list(row.transcript or ())
    return record


def request_for_sales(row: HandoffRequest, transcript: bool = True) -> Dict[str, Any]:
    """A request as the sales workspace shows it: who has it and, in full, its history."""
    record = dict(handoff_record(row, transcript=transcript), assigned_to=row.assigned_to)
    if transcript:
        record["history"] = history_entries(row.history)
    return record


def request_details(uow: AbstractUnitOfWork, reference: str) -> Dict[str, Any]:
    with uow:
        return request_for_sales(_existing(uow, reference))


def list_requests(uow: AbstractUnitOfWork, status: str | None = None) -> List[Dict[str, Any]]:
    """Requests (only those with ``status`` when given), oldest first, without transcripts."""
    with uow:
        return [request_for_sales(row, transcript=False) for row in uow.handoffs.all(status)]


def _existing(uow: AbstractUnitOfWork, reference: str, for_update: bool = False) -> HandoffRequest:
    row = uow.handoffs.get(reference, for_update=for_update)
    if row is None:
        raise HandoffNotFound(f"no hand-off request with reference {reference!r}")
    return row


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return utcnow()
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidHandoffRequest("now must be an aware datetime; naive times are ambiguous")
    return now
