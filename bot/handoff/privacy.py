"""Erasure on request and retention: personal data goes, the sales statistics stay.

A visitor may ask to be forgotten, and leads must not be kept identifiable
forever. Both erase the same things: contact details and free-text answers,
the transcript, notes in the status history and the copy of the lead in the
outbox. Buyer type, country, items, status and dates stay, so counts and
product demand can still be reported.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.db.base import utcnow
from bot.handoff.erasure import erase_matching
from bot.handoff.human.privacy import forget_requests, purge_requests
from bot.leads.models import Lead, Notification, Transcript
from bot.leads.records import lead_record

PERSONAL_FIELDS = ("organisation", "name", "email", "phone", "timeline", "budget", "notes")
ERASED_PREFIX = "erased-"  # conversation ids link to Rasa's tracker store; they go too
ERASED_NOTE = "personal data erased"


def forget(session_factory: sessionmaker, email: str) -> List[str]:
    """Erase the personal data of every lead and request for a person left with ``email``.

    Returns the references (``FM-...`` leads, ``HO-...`` requests) it erased.
    """
    address = email.strip().casefold()
    if "@" not in address:
        raise ValueError(f"not an e-mail address: {email!r}")
    query = select(Lead).where(func.lower(Lead.email) == address)
    return _erase_matching(session_factory, query) + forget_requests(session_factory, email)


def purge(session_factory: sessionmaker, older_than: timedelta, dry_run: bool = False,
          now: datetime | None = None) -> List[str]:  # fmt: skip
    """Erase the personal data of leads and requests created before ``now - older_than``."""
    cutoff = (now or utcnow()) - older_than
    query = select(Lead).where(
        Lead.created_at < cutoff, Lead.conversation_id.notlike(ERASED_PREFIX + "%")
    )
    return _erase_matching(session_factory, query, dry_run=dry_run) + purge_requests(
        session_factory, cutoff, dry_run=dry_run
    )


def _erase_matching(session_factory: sessionmaker, query, dry_run: bool = False) -> List[str]:
    query = query.options(selectinload(Lead.items), selectinload(Lead.consents),
                          selectinload(Lead.history)).order_by(Lead.id)  # fmt: skip
    return erase_matching(session_factory, query, _erase, dry_run)


def _erase(session: Session, lead: Lead) -> None:
    now = utcnow()
    for name in PERSONAL_FIELDS:
        setattr(lead, name, None)
    lead.conversation_id = f"{ERASED_PREFIX}{lead.id}"
    lead.updated_at = now
    for entry in lead.history:
        if entry.note:
            entry.note = ERASED_NOTE
    session.query(Transcript).filter(Transcript.lead_id == lead.id).delete(
        synchronize_session=False
    )
    _erase_outbox(session, lead, now)


def _erase_outbox(session: Session, lead: Lead, now: datetime) -> None:
    """The outbox keeps a copy of the lead; unsent notifications must not go out anymore."""
    anonymous = lead_record(lead)
    query = select(Notification).where(Notification.lead_reference == lead.reference)
    for notification in session.execute(query).scalars():
        notification.payload = anonymous
        notification.updated_at = now
        if notification.status == "pending":
            notification.status = "dead"
            notification.last_error = ERASED_NOTE
