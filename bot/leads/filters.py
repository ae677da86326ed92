"""Narrowing the lead list: by status, priority, free text and age.

Shared by the workspace and ``bot leads list`` so both answer "hot leads of
the last week mentioning Serenity" the same way. Status, age and text are
conditions of the database query (:meth:`bot.leads.repository.SqlAlchemyLeadRepository.list`);
priority is not stored, it comes from the lead scoring rules
(``bot/leads/rules.yml``), applied here to each record exactly as the
dispatcher applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from bot import durations
from bot.leads.models import LEAD_STATUSES
from bot.leads.rules import Assessment, Rules, assess

PRIORITY_LEVELS = ("hot", "warm", "cold")


class FilterError(ValueError):
    """A filter value the user typed cannot be understood; the message says what is expected."""


@dataclass(frozen=True)
class LeadFilter:
    """What to keep; every ``None`` (or empty text) keeps everything."""

    status: str | None = None
    priority: str | None = None
    text: str | None = None
    since: datetime | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in LEAD_STATUSES:
            raise FilterError(f"status must be one of {', '.join(LEAD_STATUSES)}")
        if self.priority is not None and self.priority not in PRIORITY_LEVELS:
            raise FilterError(f"priority must be one of {', '.join(PRIORITY_LEVELS)}")


def parse_since(text: str | None, now: datetime | None = None) -> datetime | None:
    """The ``since`` of a filter form (the workspace's query string); blank keeps everything.

    Reading it is :func:`bot.durations.since`'s job; this only turns a value it cannot
    read into a FilterError, which the workspace shows like any other bad filter value.
    """
    if text is None or not text.strip():
        return None
    try:
        return durations.since(text, now)
    except ValueError as error:
        raise FilterError(str(error)) from None


def with_priority(
    records: Iterable[Mapping[str, Any]], rules: Rules, priority: str | None = None
) -> List[Tuple[Dict[str, Any], Assessment]]:
    """Each record with its score and priority, in input order; only ``priority`` if given."""
    rows = [(dict(record), assess(rules, record)) for record in records]
    return [row for row in rows if priority is None or row[1].priority == priority]
