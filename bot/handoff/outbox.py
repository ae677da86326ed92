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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Dict, List

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db.base import utcnow
from bot.leads.models import Notification

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

    def __init__(self, session_factory: sessionmaker) -> None:
        self.session_factory = session_factory
        self.dialect = session_factory.kw["bind"].dialect.name

    def claim(self, lease: timedelta, now: datetime | None = None) -> Claim | None:
        """Lease the most overdue pending notification, or return None if none is due."""
        now = now or utcnow()
        if self.dialect == "postgresql":
            with self.session_factory.begin() as session:
                return self._claim_skip_locked(session, now, lease)
        return self._claim_compare_and_set(now, lease)

    def _claim_skip_locked(self, session: Session, now: datetime, lease) -> Claim | None:
        # Rows another dispatcher is claiming right now are skipped, not waited for.
        query = _due(now).limit(1).with_for_update(skip_locked=True)
        row = session.execute(query).scalars().first()
        if row is None:
            return None
        row.attempts += 1
        row.next_attempt_at = now + lease
        row.updated_at = now
        return _claim_of(row)

    def _claim_compare_and_set(self, now: datetime, lease) -> Claim | None:
        """SQLite has no row locks: an UPDATE re-checking "still due" is the claim."""
        with self.session_factory() as session:
            candidates = session.execute(_due(now).with_only_columns(Notification.id)
                                         .limit(_CANDIDATES)).scalars().all()  # fmt: skip
        for notification_id in candidates:
            # A transaction that starts with the UPDATE takes SQLite's write lock
            # first, so it judges "due" on the latest committed state.
            with self.session_factory.begin() as session:
                claimed = session.execute(
                    update(Notification)
                    .where(Notification.id == notification_id, *_is_due(now))
                    .values(attempts=Notification.attempts + 1,
                            next_attempt_at=now + lease, updated_at=now)
                    .execution_options(synchronize_session=False)
                ).rowcount  # fmt: skip
                if claimed == 1:
                    return _claim_of(session.get(Notification, notification_id))
        return None

    def delivered(self, claim: Claim) -> bool:
        """Record a successful delivery; False if the claim was lost meanwhile."""
        return self._settle(claim, status="delivered", last_error=None)

    def retry_later(self, claim: Claim, error: str, at: datetime) -> bool:
        return self._settle(claim, status="pending", last_error=error, next_attempt_at=at)

    def dead(self, claim: Claim, error: str) -> bool:
        return self._settle(claim, status="dead", last_error=error)

    def _settle(self, claim: Claim, **values: Any) -> bool:
        with self.session_factory.begin() as session:
            result = session.execute(
                update(Notification)
                .where(
                    Notification.id == claim.id,
                    Notification.status == "pending",
                    Notification.attempts == claim.attempts,
                    Notification.next_attempt_at == claim.lease_until,
                )
                .values(updated_at=utcnow(), **values)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def requeue(self, lead_reference: str) -> int:
        """Make the dead notifications of a lead due now, with a fresh attempt budget."""
        now = utcnow()
        with self.session_factory.begin() as session:
            return session.execute(
                update(Notification)
                .where(Notification.lead_reference == lead_reference,
                       Notification.status == "dead")
                .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount  # fmt: skip

    def undelivered(self) -> List[Dict[str, Any]]:
        """Pending and dead notifications, oldest first, for ``bot handoff status``."""
        query = (
            select(Notification)
            .where(Notification.status.in_(("pending", "dead")))
            .order_by(Notification.created_at, Notification.id)
        )
        with self.session_factory() as session:
            return [_summary(row) for row in session.execute(query).scalars()]

    def counts(self) -> Dict[str, int]:
        query = select(Notification.status, func.count()).group_by(Notification.status)
        with self.session_factory() as session:
            return dict(session.execute(query).all())


def _is_due(now: datetime):
    return (Notification.status == "pending", Notification.next_attempt_at <= now)


def _due(now: datetime):
    return (
        select(Notification)
        .where(*_is_due(now))
        .order_by(Notification.next_attempt_at, Notification.id)
    )


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
