"""Erasure of "talk to a person" requests, for ``bot leads forget`` and ``purge``.

A request holds the same kind of personal data as a lead (name, e-mail, phone,
what the visitor said, the transcript), so it must go on the same requests and
after the same retention period, with the notes sales wrote about it. What
stays: the reference, the lead reference, status, assignee and dates, so the
number of asks can still be counted.
An erased request is closed (nobody is left to reply to) and its unsent
notification is dead-lettered, exactly as :mod:`bot.leads.privacy` does for
leads.
"""

from __future__ import annotations

from datetime import datetime
from typing import List

from bot.db.base import utcnow
from bot.handoff.human.service import HANDOFF_KIND, handoff_record
from bot.handoff.models import HandoffRequest
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads.models import ERASED_PREFIX
from bot.leads.privacy import ERASED_NOTE, email_address, erase_matching


def forget_requests(uow: AbstractUnitOfWork, email: str) -> List[str]:
    """Erase every request left with ``email`` (case-insensitive); returns their references."""
    address = email_address(email)
    return erase_matching(uow, lambda u: u.handoffs.with_email(address, for_update=True), _erase)


def purge_requests(uow: AbstractUnitOfWork, created_before: datetime,
                   dry_run: bool = False) -> List[str]:  # fmt: skip
    """Erase the requests created before ``created_before`` (retention)."""
    return erase_matching(
        uow,
        lambda u: u.handoffs.unerased_created_before(created_before, for_update=True),
        _erase,
        dry_run,
    )


def _erase(uow: AbstractUnitOfWork, row: HandoffRequest) -> None:
    now = utcnow()
    row.name = row.email = row.phone = row.reason = None
    row.transcript = []
    row.conversation_id = f"{ERASED_PREFIX}{row.id}"
    if row.status == "open":
        row.status, row.closed_at = "closed", now
    row.updated_at = now
    for entry in row.history:  # sales' notes may name the person or quote them
        if entry.note:
            entry.note = ERASED_NOTE
    for notification in uow.notifications.for_reference(row.reference, HANDOFF_KIND):
        notification.payload = handoff_record(row, transcript=False)
        notification.updated_at = now
        if notification.status == "pending":
            notification.status, notification.last_error = "dead", ERASED_NOTE
