"""Erasure of leads on request and after retention: personal data goes, the statistics stay.

A visitor may ask to be forgotten, and leads must not be kept identifiable
forever. Both erase the same things: contact details and free-text answers,
the transcript, notes in the status history and the copy of the lead in the
outbox. Buyer type, country, items, status and dates stay, so counts and
product demand can still be reported. Hand-off erases the requests to talk
to a person the same way, with :func:`erase_matching`; ``bot leads forget``
and ``purge`` run both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, List, Sequence, TypeVar

from bot.db.base import utcnow
from bot.leads.models import ERASED_PREFIX, Lead
from bot.leads.records import lead_record
from bot.leads.unit_of_work import AbstractUnitOfWork

PERSONAL_FIELDS = ("organisation", "name", "email", "phone", "timeline", "budget", "notes")
ERASED_NOTE = "personal data erased"
U = TypeVar("U", bound=AbstractUnitOfWork)


def erase_matching(
    uow: U,
    find: Callable[[U], Sequence],
    erase: Callable[[U, object], None],
    dry_run: bool = False,
) -> List[str]:
    """References of the rows ``find`` locks, in one transaction; erased unless ``dry_run``."""
    with uow:
        rows = find(uow)
        references = [row.reference for row in rows]
        if not dry_run:
            for row in rows:
                erase(uow, row)
            uow.commit()
    return references


def forget_leads(uow: AbstractUnitOfWork, email: str) -> List[str]:
    """Erase every lead left with ``email`` (case-insensitive); returns their references."""
    address = email_address(email)
    return erase_matching(uow, lambda u: u.leads.with_email(address, for_update=True), _erase)


def purge_leads(uow: AbstractUnitOfWork, cutoff: datetime, dry_run: bool = False) -> List[str]:
    """Erase the leads created before ``cutoff`` that are not erased yet."""
    return erase_matching(
        uow, lambda u: u.leads.unerased_created_before(cutoff, for_update=True), _erase, dry_run
    )


def email_address(email: str) -> str:
    """``email`` as stored addresses are compared: stripped and case-folded."""
    address = email.strip().casefold()
    if "@" not in address:
        raise ValueError(f"not an e-mail address: {email!r}")
    return address


def _erase(uow: AbstractUnitOfWork, lead: Lead) -> None:
    now = utcnow()
    for name in PERSONAL_FIELDS:
        setattr(lead, name, None)
    lead.conversation_id = f"{ERASED_PREFIX}{lead.id}"
    lead.updated_at = now
    for entry in lead.history:
        if entry.note:
            entry.note = ERASED_NOTE
    uow.leads.delete_transcript(lead)
    _erase_outbox(uow, lead, now)


def _erase_outbox(uow: AbstractUnitOfWork, lead: Lead, now: datetime) -> None:
    """The outbox keeps a copy of the lead; unsent notifications must not go out anymore."""
    anonymous = lead_record(lead)
    for notification in uow.notifications.for_reference(lead.reference):
        notification.payload = anonymous
        notification.updated_at = now
        if notification.status == "pending":
            notification.status = "dead"
            notification.last_error = ERASED_NOTE
