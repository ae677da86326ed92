"""The lead tables, as SQLAlchemy ORM models (the schema itself lives in migrations).

A lead is one procurement enquiry per conversation: ``conversation_id`` is
UNIQUE and is the idempotency key of :func:`bot.leads.services.submit_lead`.
``notifications`` is an outbox written in the same transaction as the lead,
so the sales team is told about every saved lead and about no unsaved one.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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

BUYER_TYPES = ("personal", "healthcare", "spa_wellness", "reseller", "other")
LEAD_STATUSES = ("new", "contacted", "quoted", "won", "lost")
NOTIFICATION_STATUSES = ("pending", "delivered", "dead")
HANDOFF_STATUSES = ("open", "closed")


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (
        CheckConstraint(column("buyer_type").in_(BUYER_TYPES), name="buyer_type"),
        CheckConstraint(column("status").in_(LEAD_STATUSES), name="status"),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(32), unique=True)  # set from the id right after insert
    conversation_id = Column(String(255), nullable=False, unique=True)
    buyer_type = Column(String(32), nullable=False)
    organisation = Column(Text)
    name = Column(Text)
    email = Column(Text)
    phone = Column(Text)
    country = Column(Text)
    timeline = Column(Text)
    budget = Column(Text)
    notes = Column(Text)
    status = Column(String(16), nullable=False, default="new")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    items = relationship(
        "LeadItem", cascade="all, delete-orphan", order_by="LeadItem.id", passive_deletes=True
    )
    consents = relationship(
        "Consent", cascade="all, delete-orphan", order_by="Consent.id", passive_deletes=True
    )
    transcript = relationship(
        "Transcript", cascade="all, delete-orphan", uselist=False, passive_deletes=True
    )
    history = relationship(
        "StatusHistory",
        cascade="all, delete-orphan",
        order_by="StatusHistory.id",
        passive_deletes=True,
    )


class LeadItem(Base):
    __tablename__ = "lead_items"
    __table_args__ = (CheckConstraint(column("quantity") > 0, name="quantity_positive"),)

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    product = Column(String(100), nullable=False)
    quantity = Column(Integer, nullable=False)


class Consent(Base):
    """What the visitor agreed to, word for word, and when: evidence, never overwritten."""

    __tablename__ = "consents"

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    given_at = Column(UTCDateTime, nullable=False)
    wording = Column(Text, nullable=False)
    granted = Column(Boolean, nullable=False)


class Transcript(Base):
    """The conversation that produced the lead: a list of {sender, text, timestamp}."""

    __tablename__ = "transcripts"

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    messages = Column(JSON, nullable=False)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class StatusHistory(Base):
    __tablename__ = "status_history"

    id = Column(Integer, primary_key=True)
    lead_id = Column(
        Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_status = Column(String(16))
    to_status = Column(String(16), nullable=False)
    note = Column(Text)
    at = Column(UTCDateTime, nullable=False, default=utcnow)


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
