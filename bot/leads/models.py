"""The lead tables, as SQLAlchemy ORM models (the schema itself lives in migrations).

A lead is one procurement enquiry per conversation: ``conversation_id`` is
UNIQUE and is the idempotency key of :func:`bot.leads.services.submit_lead`.
The outbox row that tells sales about a lead is written in the same
transaction, through ``uow.notifications``; that table belongs to hand-off,
so nothing here names it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Text,
    column,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base, UTCDateTime, utcnow

BUYER_TYPES = ("personal", "healthcare", "spa_wellness", "reseller", "other")
LEAD_STATUSES = ("new", "contacted", "quoted", "won", "lost")
# An erased lead or request gets ``erased-<id>`` as conversation id: the real one
# links to what Rasa's tracker store kept of the chat.
ERASED_PREFIX = "erased-"


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
    assigned_to = Column(String(64))  # an account's user name (bot.accounts)
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
    author = Column(String(64))  # who changed it or wrote the note
    at = Column(UTCDateTime, nullable=False, default=utcnow)
