"""Storage of hand-off requests and of the outbox, in the unit of work's session.

Neither repository commits: the unit of work owns the transaction, so a
request (or lead) and its notification are stored together or not at all.
:class:`NotificationRepository` also holds the dispatcher's claim and
settle statements (:mod:`bot.handoff.outbox` decides how many transactions
a claim takes); every query on the ``notifications`` table is here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.handoff.models import HandoffRequest, Notification
from bot.leads.models import ERASED_PREFIX
from bot.leads.repository import AbstractNotificationRepository


class HandoffRepository:
    """Requests to talk to a person."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: HandoffRequest) -> None:
        self.session.add(request)
        self.session.flush()  # the id, hence the reference, inside the transaction

    def get(self, reference: str, for_update: bool = False) -> HandoffRequest | None:
        return self._one(select(HandoffRequest).where(HandoffRequest.reference == reference),
                         for_update)  # fmt: skip

    def open_for_conversation(self, conversation_id: str) -> HandoffRequest | None:
        query = select(HandoffRequest).where(
            HandoffRequest.conversation_id == conversation_id, HandoffRequest.status == "open"
        )
        return self._one(query, for_update=True)

    def all(self, status: str | None = None) -> List[HandoffRequest]:
        query = select(HandoffRequest).order_by(HandoffRequest.id)
        if status is not None:
            query = query.where(HandoffRequest.status == status)
        return list(self.session.execute(query).scalars())

    def with_email(self, address: str, for_update: bool = False) -> List[HandoffRequest]:
        """Requests left with ``address`` (compared case-insensitively), oldest first."""
        query = select(HandoffRequest).where(func.lower(HandoffRequest.email) == address)
        return self._all(query, for_update)

    def unerased_created_before(
        self, cutoff: datetime, for_update: bool = False
    ) -> List[HandoffRequest]:
        query = select(HandoffRequest).where(
            HandoffRequest.created_at < cutoff,
            HandoffRequest.conversation_id.notlike(ERASED_PREFIX + "%"),
        )
        return self._all(query, for_update)

    def _one(self, query, for_update: bool) -> HandoffRequest | None:
        if for_update:  # PostgreSQL row lock; SQLite serialises writers anyway
            query = query.with_for_update()
        return self.session.execute(query).scalars().first()

    def _all(self, query, for_update: bool) -> List[HandoffRequest]:
        query = query.order_by(HandoffRequest.id)
        if for_update:
            query = query.with_for_update()
        return list(self.session.execute(query).scalars())


class NotificationRepository(AbstractNotificationRepository):
    """The ``notifications`` outbox: rows queued by leads and requests, claimed by dispatchers."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, reference: str, kind: str) -> Notification | None:
        query = select(Notification).where(
            Notification.lead_reference == reference, Notification.kind == kind
        )
        return self.session.execute(query).scalars().first()

    def add(self, lead_reference: str, kind: str, **values: Any) -> Notification:
        # Complete before it joins the session: an autoflush must never write
        # an outbox row without its payload.
        notification = Notification(lead_reference=lead_reference, kind=kind, **values)
        self.session.add(notification)
        return notification

    def for_reference(self, reference: str, kind: str | None = None) -> List[Notification]:
        query = select(Notification).where(Notification.lead_reference == reference)
        if kind is not None:
            query = query.where(Notification.kind == kind)
        return list(self.session.execute(query).scalars())

    @property
    def locks_rows(self) -> bool:
        """PostgreSQL can skip rows another dispatcher has locked; SQLite has no row locks."""
        return self.session.get_bind().dialect.name == "postgresql"

    def lease_next_unlocked(self, now: datetime, until: datetime) -> Notification | None:
        """Lease the most overdue row nobody else is claiming (``FOR UPDATE SKIP LOCKED``)."""
        query = _due(now).limit(1).with_for_update(skip_locked=True)
        row = self.session.execute(query).scalars().first()
        if row is not None:
            row.attempts += 1
            row.next_attempt_at = until
            row.updated_at = now
        return row

    def due_ids(self, now: datetime, limit: int) -> List[int]:
        query = _due(now).with_only_columns(Notification.id).limit(limit)
        return list(self.session.execute(query).scalars())

    def lease_if_due(self, notification_id: int, now: datetime,
                     until: datetime) -> Notification | None:  # fmt: skip
        """Compare and set: lease the row only if it is still due when the UPDATE runs."""
        leased = self.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, *_is_due(now))
            .values(attempts=Notification.attempts + 1, next_attempt_at=until, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        return self.session.get(Notification, notification_id) if leased == 1 else None

    def settle(self, notification_id: int, attempts: int, lease_until: datetime,
               **values: Any) -> bool:  # fmt: skip
        """Set ``values`` if the row still carries this claim (status, attempts and lease)."""
        result = self.session.execute(
            update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.status == "pending",
                Notification.attempts == attempts,
                Notification.next_attempt_at == lease_until,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def requeue_dead(self, reference: str, now: datetime) -> int:
        return self.session.execute(
            update(Notification)
            .where(Notification.lead_reference == reference, Notification.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount

    def undelivered(self) -> List[Notification]:
        """Pending and dead rows, oldest first."""
        query = (
            select(Notification)
            .where(Notification.status.in_(("pending", "dead")))
            .order_by(Notification.created_at, Notification.id)
        )
        return list(self.session.execute(query).scalars())

    def counts(self) -> Dict[str, int]:
        query = select(Notification.status, func.count()).group_by(Notification.status)
        return dict(self.session.execute(query).all())


def _is_due(now: datetime):
    return (Notification.status == "pending", Notification.next_attempt_at <= now)


def _due(now: datetime):
    return (
        select(Notification)
        .where(*_is_due(now))
        .order_by(Notification.next_attempt_at, Notification.id)
    )
