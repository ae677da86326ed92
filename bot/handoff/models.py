"""The hand-off tables, as SQLAlchemy ORM models (the schema itself lives in migrations).

``notifications`` is the outbox the dispatcher drains: leads
(:mod:`bot.leads.services`) and requests to talk to a person
(:mod:`bot.handoff.human`) each add their row in the transaction that stores
them, so sales hears about every stored one and about no unstored one. The
leads side writes it through ``uow.notifications`` without importing this
module, which keeps :mod:`bot.leads` below hand-off.

Same declarative base and metadata as the lead tables: one schema, one chain
of migrations, and a model change shows up in the migration comparison.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    column,
    text,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base, UTCDateTime, utcnow

NOTIFICATION_STATUSES = ("pending", "delivered", "dead")
HANDOFF_STATUSES = ("open", "closed")


class Notification(Base):
    """Outbox row: (lead_reference, kind) is the idempotency key for the dispatcher."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("lead_reference", "kind", name="uq_notifications_lead_reference_kind"),
        CheckConstraint(column("status").in_(NOTIFICATION_STATUSES), name="status"),
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    lead_reference = Column(String(32), nullable=False)
    kind = Column(String(32), nullable=False)
    payload = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_error = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class HandoffRequest(Base):
    """A visitor asked to talk to a person (see :mod:`bot.handoff.human`).

    At most one request per conversation is open: the partial unique index is
    what makes asking twice update the open request instead of adding one,
    even when two asks race. Closed requests are kept, so a later ask opens a
    new one. ``lead_reference`` is a plain string, not a foreign key: the ask
    must be stored even if the lead slot is stale.
    """

    __tablename__ = "handoff_requests"
    __table_args__ = (
        CheckConstraint(column("status").in_(HANDOFF_STATUSES), name="status"),
        Index(
            "uq_handoff_requests_open_conversation_id",
            "conversation_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), unique=True)  # set from the id right after insert
    conversation_id = Column(String(255), nullable=False)
    name = Column(Text)  # required by the service; nullable so erasure can remove it
    email = Column(Text)
    phone = Column(Text)
    lead_reference = Column(String(32))
    reason = Column(Text)
    transcript = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    closed_at = Column(UTCDateTime)
    assigned_to = Column(String(64))  # an account's user name (bot.accounts)
    history = relationship(
        "HandoffHistory",
        cascade="all, delete-orphan",
        order_by="HandoffHistory.id",
        passive_deletes=True,
    )


class HandoffHistory(Base):
    """What sales did with a request: closed it, assigned it, wrote a note."""

    __tablename__ = "handoff_history"

    id = Column(Integer, primary_key=True)
    request_id = Column(
        Integer, ForeignKey("handoff_requests.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status = Column(String(16))
    to_status = Column(String(16), nullable=False)
    note = Column(Text)
    author = Column(String(64))
    at = Column(UTCDateTime, nullable=False, default=utcnow)
