"""Narrowing the lead list: by status, priority, free text and age.

Shared by the sales inbox and ``bot leads list`` so both answer "hot leads of
the last week mentioning Serenity" the same way. Priority is not stored: it
comes from the lead scoring rules (``bot/leads/rules.yml``), applied here to
each record exactly as the dispatcher applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from bot import durations
from bot.leads.models import LEAD_STATUSES
from bot.leads.rules import Assessment, Rules, assess

PRIORITY_LEVELS = ("hot", "warm", "cold")
SEARCHED_FIELDS = ("reference", "name", "email", "organisation", "notes")


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
    """The ``since`` of a filter form (the sales inbox's query string); blank keeps everything.

    Reading it is :func:`bot.durations.since`'s job; this only turns a value it cannot
    read into a FilterError, which the inbox shows like any other bad filter value.
    """
    if text is None or not text.strip():
        return None
    try:
        return durations.since(text, now)
    except ValueError as error:
        raise FilterError(str(error)) from None


def filter_records(
    records: Iterable[Mapping[str, Any]], lead_filter: LeadFilter, rules: Rules | None = None
) -> List[Dict[str, Any]]:
    """The records passing ``lead_filter``; ``rules`` are needed only to filter by priority."""
    if lead_filter.priority is not None and rules is None:
        raise ValueError("filtering by priority needs the scoring rules")
    return [
        dict(record)
        for record in records
        if _matches_fields(record, lead_filter)
        and (lead_filter.priority is None or assess(rules, record).priority == lead_filter.priority)
    ]


def select_leads(
    records: Iterable[Mapping[str, Any]], lead_filter: LeadFilter, rules: Rules
) -> List[Tuple[Dict[str, Any], Assessment]]:
    """The records passing ``lead_filter``, each with its score and priority, in input order."""
    kept = []
    for record in records:
        if not _matches_fields(record, lead_filter):
            continue
        verdict = assess(rules, record)
        if lead_filter.priority is None or verdict.priority == lead_filter.priority:
            kept.append((dict(record), verdict))
    return kept


def _matches_fields(record: Mapping[str, Any], lead_filter: LeadFilter) -> bool:
    if lead_filter.status is not None and record.get("status") != lead_filter.status:
        return False
    if lead_filter.since is not None and not _created_since(record, lead_filter.since):
        return False
    needle = (lead_filter.text or "").strip().casefold()
    if not needle:
        return True
    return any(needle in (record.get(name) or "").casefold() for name in SEARCHED_FIELDS)


def _created_since(record: Mapping[str, Any], since: datetime) -> bool:
    created = record.get("created_at")
    if not created:
        return False
    created_at = datetime.fromisoformat(created)
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=timezone.utc)
    return created_at >= since
