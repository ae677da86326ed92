"""Erasing a person: their leads and their requests to talk to a person, in one go.

Each capability erases its own data (:mod:`bot.leads.privacy`,
:mod:`bot.handoff.human.privacy`); a person left both kinds of record, so
erasure on request and retention run both, leads first. This module only
composes them, so neither capability reaches into the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import List

from bot.db.base import utcnow
from bot.handoff.human.privacy import forget_requests, purge_requests
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads.privacy import forget_leads, purge_leads


def forget(uow: AbstractUnitOfWork, email: str) -> List[str]:
    """Erase the personal data of every lead and request for a person left with ``email``.

    Returns the references (``FM-...`` leads, ``HO-...`` requests) it erased.
    """
    return forget_leads(uow, email) + forget_requests(uow, email)


def purge(uow: AbstractUnitOfWork, older_than: timedelta, dry_run: bool = False,
          now: datetime | None = None) -> List[str]:  # fmt: skip
    """Erase the personal data of leads and requests created before ``now - older_than``."""
    cutoff = (now or utcnow()) - older_than
    return purge_leads(uow, cutoff, dry_run) + purge_requests(uow, cutoff, dry_run=dry_run)
