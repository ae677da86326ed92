"""Claiming and settling rows of the ``notifications`` outbox, safely for many dispatchers.

A claim is a lease, not a lock held for the whole delivery: claiming moves
``next_attempt_at`` to the end of the lease and counts the attempt, in a short
transaction. A dispatcher killed mid-delivery therefore loses nothing (the row
is due again when the lease ends), and no transaction stays open while a slow
SMTP server or webhook answers.

The attempt count and the end of the lease are the claim's fencing token:
settling a row only succeeds if it still carries both, so a dispatcher whose
lease ran out (or whose lead was resubmitted meanwhile, which resets the row)
cannot overwrite a newer state.

Every method is one unit of work or a few; the SQL of claims and settlements
is in :class:`bot.handoff.repository.NotificationRepository`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List

from bot.db.base import utcnow
from bot.handoff.models import Notification
from bot.handoff.unit_of_work import AbstractUnitOfWork

_CANDIDATES = 5  # SQLite: rows tried per claim when other dispatchers race for the first


@dataclass(frozen=True)
class Claim:
    """One notification this dispatcher may deliver until ``lease_until``."""

    id: int
    lead_reference: str
    kind: str
    payload: Dict[str, Any]
    attempts: int
    lease_until: datetime


class Outbox:
    """The outbox table seen by a dispatcher; every method is one short transaction."""

    def __init__(self, uow_factory: Callable[[], AbstractUnitOfWork]) -> None:
        self.uow_factory = uow_factory

    def claim(self, lease: timedelta, now: datetime | None = None) -> Claim | None:
        """Lease the most overdue pending notification, or return None if none is due."""
        now = now or utcnow()
        with self.uow_factory() as uow:
            if uow.notifications.locks_rows:
                # Rows another dispatcher is claiming right now are skipped, not waited for.
                return _committed(uow, uow.notifications.lease_next_unlocked(now, now + lease))
            candidates = uow.notifications.due_ids(now, _CANDIDATES)
        return self._claim_compare_and_set(candidates, now, lease)

    def _claim_compare_and_set(self, candidates: List[int], now: datetime, lease) -> Claim | None:
        """SQLite has no row locks: an UPDATE re-checking "still due" is the claim."""
        for notification_id in candidates:
            # A transaction that starts with the UPDATE takes SQLite's write lock
            # first, so it judges "due" on the latest committed state.
            with self.uow_factory() as uow:
                row = uow.notifications.lease_if_due(notification_id, now, now + lease)
                if row is not None:
                    return _committed(uow, row)
        return None

    def delivered(self, claim: Claim) -> bool:
        """Record a successful delivery; False if the claim was lost meanwhile."""
        return self._settle(claim, status="delivered", last_error=None)

    def retry_later(self, claim: Claim, error: str, at: datetime) -> bool:
        return self._settle(claim, status="pending", last_error=error, next_attempt_at=at)

    def dead(self, claim: Claim, error: str) -> bool:
        return self._settle(claim, status="dead", last_error=error)

    def _settle(self, claim: Claim, **values: Any) -> bool:
        with self.uow_factory() as uow:
            settled = uow.notifications.settle(
                claim.id, claim.attempts, claim.lease_until, updated_at=utcnow(), **values
            )
            uow.commit()
        return settled

    def requeue(self, lead_reference: str) -> int:
        """Make the dead notifications of a lead due now, with a fresh attempt budget."""
        with self.uow_factory() as uow:
            requeued = uow.notifications.requeue_dead(lead_reference, utcnow())
            uow.commit()
        return requeued

    def undelivered(self) -> List[Dict[str, Any]]:
        """Pending and dead notifications, oldest first, for ``bot handoff status``."""
        with self.uow_factory() as uow:
            return [_summary(row) for row in uow.notifications.undelivered()]

    def counts(self) -> Dict[str, int]:
        with self.uow_factory() as uow:
            return uow.notifications.counts()


def _committed(uow: AbstractUnitOfWork, row: Notification | None) -> Claim | None:
    """The claim of a row just leased in ``uow``, once the lease is committed."""
    if row is None:
        return None
    claim = _claim_of(row)
    uow.commit()
    return claim


def _claim_of(row: Notification) -> Claim:
    return Claim(
        id=row.id,
        lead_reference=row.lead_reference,
        kind=row.kind,
        payload=dict(row.payload or {}),
        attempts=row.attempts,
        lease_until=row.next_attempt_at,
    )


def _summary(row: Notification) -> Dict[str, Any]:
    return {
        "reference": row.lead_reference,
        "kind": row.kind,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_error": row.last_error,
    }
