"""Service functions: the use cases of leads, each one unit of work.

Entry points (the submit action, the CLI) stay thin: they build a submission
or read arguments, call one function here and turn domain errors into words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from bot.db.base import utcnow
from bot.leads.errors import InvalidStatusChange, LeadNotFound
from bot.leads.models import (
    LEAD_STATUSES,
    Consent,
    Lead,
    LeadItem,
    StatusHistory,
    Transcript,
)
from bot.leads.records import lead_details, lead_record
from bot.leads.submission import TEXT_FIELDS, LeadReceipt, LeadSubmission, clean_submission
from bot.leads.unit_of_work import AbstractUnitOfWork, retry_on_conflict

LEAD_SUBMITTED = "lead_submitted"
LEAD_UPDATED = "lead_updated"


def format_reference(year: int, number: int) -> str:
    """``FM-2026-000123``: unique because the number is the row's primary key."""
    return f"FM-{year}-{number:06d}"


def submit_lead(uow: AbstractUnitOfWork, submission: LeadSubmission) -> LeadReceipt:
    """Save the lead of a conversation, or update it if it was already saved.

    The lookup by conversation only saves work: correctness comes from the
    UNIQUE constraint on ``conversation_id``. If a concurrent or retried
    submission inserted the lead first, the insert fails, the transaction is
    rolled back and the next attempt finds the lead and updates it.
    """
    submission = clean_submission(submission)
    return retry_on_conflict(lambda: _save(uow, submission))


def _save(uow: AbstractUnitOfWork, submission: LeadSubmission) -> LeadReceipt:
    with uow:
        now = utcnow()
        lead = uow.leads.get_by_conversation(submission.conversation_id, for_update=True)
        created = lead is None
        if created:
            lead = _create(uow, submission, now)
        else:
            _update(uow, lead, submission, now)
        _record_consent(lead, submission)
        _enqueue_notification(uow, lead, created, now)
        receipt = LeadReceipt(reference=lead.reference, created=created)
        uow.commit()
    return receipt


def _create(uow: AbstractUnitOfWork, submission: LeadSubmission, now: datetime) -> Lead:
    lead = Lead(
        conversation_id=submission.conversation_id,
        status="new",
        created_at=now,
        updated_at=now,
        items=[LeadItem(product=p, quantity=q) for p, q in submission.items],
        transcript=Transcript(messages=list(submission.transcript), updated_at=now),
        history=[StatusHistory(from_status=None, to_status="new", note="submitted", at=now)],
    )
    _copy_fields(lead, submission)
    uow.leads.add(lead)
    lead.reference = format_reference(now.year, lead.id)
    return lead


def _update(uow: AbstractUnitOfWork, lead: Lead, submission: LeadSubmission, now) -> None:
    """A resubmission replaces the answers and items; status and history are kept."""
    _copy_fields(lead, submission)
    lead.updated_at = now
    uow.leads.replace_items(lead, submission.items)
    if submission.transcript:
        lead.transcript.messages = list(submission.transcript)
        lead.transcript.updated_at = now


def _copy_fields(lead: Lead, submission: LeadSubmission) -> None:
    lead.buyer_type = submission.buyer_type
    lead.notes = submission.notes
    for name in TEXT_FIELDS:
        setattr(lead, name, getattr(submission, name))


def _record_consent(lead: Lead, submission: LeadSubmission) -> None:
    """Append the consent shown, unless this exact consent is already on file (a retry)."""
    if submission.consent_text is None:
        return
    key = (submission.consent_given_at, submission.consent_text, submission.consent_granted)
    if any((c.given_at, c.wording, c.granted) == key for c in lead.consents):
        return
    lead.consents.append(
        Consent(given_at=key[0], wording=key[1], granted=submission.consent_granted)
    )


def _enqueue_notification(uow: AbstractUnitOfWork, lead: Lead, created: bool, now) -> None:
    """Tell sales once per lead; a resubmission refreshes what is still unsent."""
    # Built first: reading lazy relationships autoflushes, and an outbox row
    # without its payload must never reach the database.
    due_now = dict(payload=lead_record(lead), status="pending", attempts=0,
                   next_attempt_at=now, last_error=None, updated_at=now)  # fmt: skip
    notification = None if created else _notification_to_refresh(uow, lead.reference)
    if notification is None:
        kind = LEAD_SUBMITTED if created else LEAD_UPDATED
        uow.notifications.add(lead.reference, kind, created_at=now, **due_now)
        return
    for name, value in due_now.items():
        setattr(notification, name, value)


def _notification_to_refresh(uow: AbstractUnitOfWork, reference: str):
    """The outbox row a resubmission refreshes, or None: a new ``lead_updated`` is due."""
    submitted = uow.notifications.get(reference, LEAD_SUBMITTED)
    if submitted is not None and submitted.status == "pending":
        return submitted  # not sent yet: send the latest details once
    return uow.notifications.get(reference, LEAD_UPDATED)


def change_status(
    uow: AbstractUnitOfWork,
    reference: str,
    new_status: str,
    note: str | None = None,
    author: str | None = None,
) -> Dict[str, Any]:
    """Move a lead along the sales pipeline, keeping who-knows-why in the history."""
    if new_status not in LEAD_STATUSES:
        raise InvalidStatusChange(f"status must be one of {', '.join(LEAD_STATUSES)}")
    with uow:
        lead = _existing(uow, reference, for_update=True)
        if lead.status == new_status:
            raise InvalidStatusChange(f"{reference} is already {new_status}")
        _remember(lead, new_status, note, author)
        lead.status = new_status
        record = lead_record(lead)
        uow.commit()
    return record


def add_note(
    uow: AbstractUnitOfWork, reference: str, note: str, author: str | None = None
) -> Dict[str, Any]:
    """A note in the lead's history ("left a voicemail") without moving it along the pipeline.

    Kept as a history entry whose status stays the same, so the history reads
    as one timeline of what happened.
    """
    text = (note or "").strip()
    if not text:
        raise InvalidStatusChange("a note needs some text")
    with uow:
        lead = _existing(uow, reference, for_update=True)
        _remember(lead, lead.status, text, author)
        record = lead_record(lead)
        uow.commit()
    return record


def assign(
    uow: AbstractUnitOfWork, reference: str, assignee: str | None, author: str | None = None
) -> Dict[str, Any]:
    """Give the lead to one person (``None``: to nobody); the history says who did it."""
    with uow:
        lead = _existing(uow, reference, for_update=True)
        if lead.assigned_to == assignee:
            raise InvalidStatusChange(f"{reference} is already {assignment_words(assignee)}")
        lead.assigned_to = assignee
        _remember(lead, lead.status, assignment_words(assignee).capitalize() + ".", author)
        record = lead_record(lead)
        uow.commit()
    return record


def assignment_words(assignee: str | None) -> str:
    return f"assigned to {assignee}" if assignee else "not assigned to anyone"


def _remember(lead: Lead, new_status: str, note: str | None, author: str | None) -> None:
    now = utcnow()
    lead.history.append(StatusHistory(from_status=lead.status, to_status=new_status,
                                      note=note, author=author, at=now))  # fmt: skip
    lead.updated_at = now


def get_lead(uow: AbstractUnitOfWork, reference: str) -> Dict[str, Any]:
    """Everything known about one lead: answers, items, consents, transcript, history."""
    with uow:
        return lead_details(_existing(uow, reference))


def list_leads(
    uow: AbstractUnitOfWork,
    status: str | None = None,
    limit: int | None = None,
    since: datetime | None = None,
    text: str | None = None,
) -> List[Dict[str, Any]]:
    """The newest ``limit`` leads (all by default) passing the filters, oldest first, as
    export records; the database does the filtering (``since``: created at or after)."""
    with uow:
        found = uow.leads.list(status=status, limit=limit, since=since, text=text)
        return [lead_record(lead) for lead in found]


def export_leads(uow: AbstractUnitOfWork, status: str | None = None) -> List[Dict[str, Any]]:
    """Every lead as a record of the export contract (see ``records.EXPORT_FIELDS``)."""
    return list_leads(uow, status=status)


def _existing(uow: AbstractUnitOfWork, reference: str, for_update: bool = False) -> Lead:
    lead = uow.leads.get(reference, for_update=for_update)
    if lead is None:
        raise LeadNotFound(f"no lead with reference {reference!r}")
    return lead
