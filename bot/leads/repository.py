"""Storage of leads behind a small interface; the repository never commits.

The unit of work owns the transaction. ``add`` flushes so the caller gets the
row id (the reference is derived from it) inside the same transaction.

:class:`AbstractNotificationRepository` is the outbox as leads see it: the
row that tells sales about a lead is written in the lead's transaction. Its
table and implementation belong to hand-off, which drains it, so leads
depend on this interface only and never import hand-off.
"""

from __future__ import annotations

import abc
from datetime import datetime
from typing import Any, List, Sequence, Tuple

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from bot.leads.models import ERASED_PREFIX, Lead, LeadItem, Transcript

SEARCHED_FIELDS = ("reference", "name", "email", "organisation", "notes")


class AbstractLeadRepository(abc.ABC):
    @abc.abstractmethod
    def add(self, lead: Lead) -> None:
        """Insert a lead and give it an id."""

    @abc.abstractmethod
    def get(self, reference: str, for_update: bool = False) -> Lead | None: ...

    @abc.abstractmethod
    def get_by_conversation(
        self, conversation_id: str, for_update: bool = False
    ) -> Lead | None: ...

    @abc.abstractmethod
    def list(
        self,
        status: str | None = None,
        limit: int | None = None,
        since: datetime | None = None,
        text: str | None = None,
    ) -> List[Lead]:
        """Leads with ``status``, created at or after ``since``, mentioning ``text`` in a
        searched field (any case); oldest first, with their items and consents loaded."""

    @abc.abstractmethod
    def replace_items(self, lead: Lead, items: Sequence[Tuple[str, int]]) -> None: ...

    @abc.abstractmethod
    def with_email(self, address: str, for_update: bool = False) -> List[Lead]:
        """Leads left with ``address`` (compared case-insensitively), oldest first."""

    @abc.abstractmethod
    def unerased_created_before(self, cutoff: datetime, for_update: bool = False) -> List[Lead]:
        """Leads created before ``cutoff`` whose personal data is still there, oldest first."""

    @abc.abstractmethod
    def delete_transcript(self, lead: Lead) -> None: ...


class AbstractNotificationRepository(abc.ABC):
    """Outbox rows, keyed by (reference, kind); hand-off implements it."""

    @abc.abstractmethod
    def get(self, reference: str, kind: str) -> Any | None: ...

    @abc.abstractmethod
    def add(self, lead_reference: str, kind: str, **values: Any) -> Any:
        """Queue a new row with these column values and return it."""

    @abc.abstractmethod
    def for_reference(self, reference: str, kind: str | None = None) -> List[Any]:
        """Every row of ``reference`` (of one ``kind``, if given), for erasure."""


class SqlAlchemyLeadRepository(AbstractLeadRepository):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, lead: Lead) -> None:
        self.session.add(lead)
        self.session.flush()

    def get(self, reference: str, for_update: bool = False) -> Lead | None:
        return self._one(select(Lead).where(Lead.reference == reference), for_update)

    def get_by_conversation(self, conversation_id: str, for_update: bool = False) -> Lead | None:
        query = select(Lead).where(Lead.conversation_id == conversation_id)
        return self._one(query, for_update)

    def _one(self, query, for_update: bool) -> Lead | None:
        # FOR UPDATE serialises concurrent updates of one lead on PostgreSQL;
        # SQLite ignores it and serialises writers with its database lock.
        if for_update:
            query = query.with_for_update()
        return self.session.execute(query).scalars().first()

    def list(
        self,
        status: str | None = None,
        limit: int | None = None,
        since: datetime | None = None,
        text: str | None = None,
    ) -> List[Lead]:
        query = select(Lead).options(selectinload(Lead.items), selectinload(Lead.consents))
        if status is not None:
            query = query.where(Lead.status == status)
        if since is not None:
            query = query.where(Lead.created_at >= since)
        needle = (text or "").strip().lower()
        if needle:  # LIKE with % and _ escaped: the visitor's text is matched literally
            query = query.where(or_(*(
                func.lower(getattr(Lead, field)).contains(needle, autoescape=True)
                for field in SEARCHED_FIELDS
            )))  # fmt: skip
        if limit is not None:  # the newest ``limit`` leads, still returned oldest first
            query = query.order_by(Lead.id.desc()).limit(limit)
        leads = self.session.execute(query).scalars().all()
        return sorted(leads, key=lambda lead: lead.id)

    def replace_items(self, lead: Lead, items: Sequence[Tuple[str, int]]) -> None:
        # A bulk DELETE by lead id (not the ORM deleting the rows it loaded)
        # also removes rows a concurrent submission wrote after our SELECT.
        self.session.execute(
            delete(LeadItem)
            .where(LeadItem.lead_id == lead.id)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(lead, "items", [])
        lead.items.extend(LeadItem(product=p, quantity=q) for p, q in items)

    def with_email(self, address: str, for_update: bool = False) -> List[Lead]:
        return self._all(select(Lead).where(func.lower(Lead.email) == address), for_update)

    def unerased_created_before(self, cutoff: datetime, for_update: bool = False) -> List[Lead]:
        query = select(Lead).where(
            Lead.created_at < cutoff, Lead.conversation_id.notlike(ERASED_PREFIX + "%")
        )
        return self._all(query, for_update)

    def _all(self, query, for_update: bool) -> List[Lead]:
        """Whole leads (items, consents, history), as erasure rewrites and re-exports them."""
        query = query.options(selectinload(Lead.items), selectinload(Lead.consents),
                              selectinload(Lead.history)).order_by(Lead.id)  # fmt: skip
        if for_update:
            query = query.with_for_update()
        return list(self.session.execute(query).scalars())

    def delete_transcript(self, lead: Lead) -> None:
        self.session.execute(
            delete(Transcript)
            .where(Transcript.lead_id == lead.id)
            .execution_options(synchronize_session=False)
        )
