"""The unit of work: one transaction per service call, ``with uow: ...; uow.commit()``.

Leaving the block without ``commit()`` rolls back. A lead, or a request to
talk to a person, and the outbox row announcing it must share one
transaction, so the unit of work spans capabilities: this module puts the
repositories of :mod:`bot.leads` and :mod:`bot.handoff` together, as the
migrations put their models together, and neither package imports the
other's tables. Every repository is declared and always present.

Driver errors are turned into domain errors here, the only place that knows
about SQLAlchemy's: a unique violation becomes :class:`WriteConflict` (the
services retry it as an update) and an unreachable database
:class:`DatabaseUnavailable`.
"""

from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from bot.accounts.repository import AccountRepository
from bot.db.engine import get_session_factory
from bot.handoff.repository import HandoffRepository, NotificationRepository
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads.errors import DatabaseUnavailable, WriteConflict
from bot.leads.repository import SqlAlchemyLeadRepository

log = logging.getLogger(__name__)


class SqlAlchemyUnitOfWork(AbstractUnitOfWork):
    """A fresh session per ``with`` block, so one object can be reused for retries."""

    def __init__(self, session_factory: sessionmaker) -> None:
        self.session_factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> SqlAlchemyUnitOfWork:
        self.session = self.session_factory()
        self.leads = SqlAlchemyLeadRepository(self.session)
        self.notifications = NotificationRepository(self.session)
        self.handoffs = HandoffRepository(self.session)
        self.accounts = AccountRepository(self.session)
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        try:
            self._close(exc_type, exc, traceback)
        except SQLAlchemyError as cleanup_error:
            if exc is None:
                _translate(cleanup_error)
                raise
            # The error that got us here says more than failing to clean up after it.
            log.warning("rollback after %r failed: %s", exc, cleanup_error)
        _translate(exc)

    def _close(self, exc_type, exc, traceback) -> None:
        try:
            super().__exit__(exc_type, exc, traceback)
        finally:
            self.session.close()
            self.session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


def _translate(exc: BaseException | None) -> None:
    if isinstance(exc, IntegrityError) and _is_unique_violation(exc):
        raise WriteConflict(str(exc.orig)) from exc
    if isinstance(exc, OperationalError) or _lost_connection(exc):
        raise DatabaseUnavailable(str(getattr(exc, "orig", exc)).strip()) from exc


def _lost_connection(exc: BaseException | None) -> bool:
    """A connection dropped mid-transaction, or no pooled connection free in time."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _is_unique_violation(error: IntegrityError) -> bool:
    if getattr(error.orig, "pgcode", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(error.orig)


def unit_of_work_factory(database_url: str) -> Callable[[], SqlAlchemyUnitOfWork]:
    """A callable making units of work on ``database_url``; no connection is opened yet."""

    def make() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(get_session_factory(database_url))

    return make
