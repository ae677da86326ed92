"""One database transaction per service call: ``with uow: ...; uow.commit()``.

Leaving the block without ``commit()`` rolls back. This module is what the
lead use cases need from a transaction: the leads, and the outbox that tells
sales about them (``notifications``, written in the same transaction). The
unit of work actually used, :class:`bot.db.unit_of_work.SqlAlchemyUnitOfWork`,
also holds hand-off's repositories; it lives outside this package because the
outbox table belongs to hand-off, which leads never import.
"""

from __future__ import annotations

import abc
from typing import Callable, TypeVar

from bot.leads.errors import WriteConflict
from bot.leads.repository import AbstractLeadRepository, AbstractNotificationRepository

CONFLICT_ATTEMPTS = 3
T = TypeVar("T")


class AbstractUnitOfWork(abc.ABC):
    leads: AbstractLeadRepository
    notifications: AbstractNotificationRepository

    def __enter__(self) -> AbstractUnitOfWork:
        return self

    def __exit__(self, *exc_info) -> None:
        self.rollback()

    @abc.abstractmethod
    def commit(self) -> None: ...

    @abc.abstractmethod
    def rollback(self) -> None: ...


def retry_on_conflict(save: Callable[[], T], attempts: int = CONFLICT_ATTEMPTS) -> T:
    """Run ``save`` (one unit of work) again when a unique constraint refused its insert.

    Saving "once per conversation" looks the row up first, but correctness
    comes from the unique constraint: when a concurrent or retried write
    inserted first, ours is rolled back and the next attempt finds that row
    and updates it. The last attempt's :class:`WriteConflict` is raised.
    """
    for _ in range(attempts - 1):
        try:
            return save()
        except WriteConflict:
            pass
    return save()
