"""What the actions are built with, in one place: database, spools, knowledge, hours, clock.

Each factory reads the settings when it is called, so a test (or the action
server after an admin promotes a model or edits the hours file) gets the
current value; the actions take these as constructor defaults, and tests hand
in their own.
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Optional

from bot.admin.registry import served_knowledge
from bot.config import load_settings
from bot.db.unit_of_work import unit_of_work_factory
from bot.file_stamp import Stamp, stamp
from bot.handoff.hours import DEFAULT_HOURS_FILE, BusinessHours, load_hours
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.knowledge import Knowledge, load_knowledge_folder
from bot.leads.redis_spool import RedisSpool, shared_spool
from bot.leads.spool import spool_dir


def knowledge() -> Knowledge:
    """The knowledge base of the model being served (re-read when an admin promotes one)."""
    return load_knowledge_folder(served_knowledge(load_settings()))


def unit_of_work() -> AbstractUnitOfWork:
    return unit_of_work_factory(load_settings().database_url)()


def spool_directory() -> Path:
    return spool_dir(load_settings().var_dir)


def shared_lead_spool() -> RedisSpool | None:
    """Redis when ``REDIS_URL`` is set, so an enquiry spooled on one host is replayed by any."""
    return shared_spool(load_settings().redis_url)


def business_hours() -> BusinessHours:
    """Business hours as the file says now: an edit counts from the next request."""
    path = load_settings().handoff_hours
    return _hours(path, stamp(path or DEFAULT_HOURS_FILE))


@lru_cache(maxsize=4)
def _hours(path: Optional[Path], _stamp: Stamp) -> BusinessHours:
    return load_hours(path)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def variant() -> int:
    """Pick a phrasing at random, so repeated answers do not sound canned."""
    return random.randrange(1000)
