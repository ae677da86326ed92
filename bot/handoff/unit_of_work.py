"""What hand-off's use cases need from one transaction.

A lead unit of work (:mod:`bot.leads.unit_of_work`) that also holds the
requests to talk to a person and the whole outbox, claims included. The one
used outside tests is :class:`bot.db.unit_of_work.SqlAlchemyUnitOfWork`.
"""

from __future__ import annotations

from bot.handoff.repository import HandoffRepository, NotificationRepository
from bot.leads import unit_of_work as leads


class AbstractUnitOfWork(leads.AbstractUnitOfWork):
    handoffs: HandoffRepository
    notifications: NotificationRepository
