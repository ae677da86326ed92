"""Erasure of "talk to a person" requests, for ``bot leads forget`` and ``purge``.

A request holds the same kind of personal data as a lead (name, e-mail, phone,
what the visitor said, the transcript), so it must go on the same requests and
after the same retention period. What stays: the reference, the lead
reference, status and dates, so the number of asks can still be counted.
An erased request is closed (nobody is left to reply to) and its unsent
notification is dead-lettered, exactly as :mod:`bot.handoff.privacy` does for
leads.
"""

from __future__ import annotations

from datetime import datetime
from typing import List

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.base import utcnow
from bot.handoff.erasure import erase_matching
from bot.handoff.human.service import HANDOFF_KIND, handoff_record
from bot.leads.models import HandoffRequest, Notification

ERASED_PREFIX = "erased-"  # conversation ids link to Rasa's tracker store; they go too
ERASED_NOTE = "personal data erased"


def forget_requests(session_factory: sessionmaker, email: str) -> List[str]:
    """Erase every request left with ``email`` (case-insensitive); returns their references."""
    address = email.strip().casefold()
    if "@" not in address:
        raise ValueError(f"not an e-mail address: {email!r}")
    query = select(HandoffRequest).where(func.lower(HandoffRequest.email) == address)
    return _erase_matching(session_factory, query)


def purge_requests(session_factory: sessionmaker, created_before: datetime,
                   dry_run: bool = False) -> List[str]:  # fmt: skip
    """Erase the requests created before ``created_before`` (retention)."""
    query = select(HandoffRequest).where(
        HandoffRequest.created_at < created_before,
        HandoffRequest.conversation_id.notlike(ERASED_PREFIX + "%"),
    )
    return _erase_matching(session_factory, query, dry_run=dry_run)


def _erase_matching(session_factory: sessionmaker, query, dry_run: bool = False) -> List[str]:
    return erase_matching(session_factory, query.order_by(HandoffRequest.id), _erase, dry_run)


def _erase(session: Session, row: HandoffRequest) -> None:
    now = utcnow()
    row.name = row.email = row.phone = row.reason = None
    row.transcript = []
    row.conversation_id = f"{ERASED_PREFIX}{row.id}"
    if row.status == "open":
        row.status, row.closed_at = "closed", now
    row.updated_at = now
    query = select(Notification).where(
        Notification.lead_reference == row.reference, Notification.kind == HANDOFF_KIND
    )
    for notification in session.execute(query).scalars():
        notification.payload = handoff_record(row, transcript=False)
        notification.updated_at = now
        if notification.status == "pending":
            notification.status, notification.last_error = "dead", ERASED_NOTE
