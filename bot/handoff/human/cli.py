"""``bot handoff requests`` / ``close REF`` / ``hours``: the sales side of "talk to a person".

Registered into the ``bot handoff`` command by :mod:`bot.handoff.cli`;
handlers are plain ``(args, settings)`` functions, as everywhere in ``bot``.
"""

from __future__ import annotations

import sys

from bot.db.base import utcnow
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.hours import expected_reply, load_hours, opening_summary
from bot.handoff.human.request import HandoffError
from bot.handoff.human.service import close_request, open_requests


def register_commands(commands, guarded) -> None:
    """Add the sub-commands to ``bot handoff``; ``guarded`` wraps handlers in its error policy."""
    listing = commands.add_parser("requests", help="list open requests to talk to a person")
    listing.set_defaults(handler=guarded(requests_command))
    close = commands.add_parser("close", help="close a request to talk to a person")
    close.add_argument("reference", help="e.g. HO-2026-000123")
    close.set_defaults(handler=guarded(close_command))
    hours = commands.add_parser("hours", help="check the business hours file")
    hours.set_defaults(handler=guarded(hours_command))


def requests_command(args, settings) -> int:
    rows = open_requests(unit_of_work_factory(settings.database_url)())
    for row in rows:
        print(_line(row))
    print(f"{len(rows)} open request(s)")
    return 0


def _line(row) -> str:
    """One line per request: visitor text may hold newlines, which would break the table."""
    reason = " ".join((row["reason"] or "").split())[:60]
    name, email = (row["name"] or "-")[:30], row["email"] or "-"
    return (f"{row['reference']:<16} {(row['created_at'] or '')[:16]:<16} {name:<30} "
            f"{email:<32} {row['lead_reference'] or '-':<16} {reason}")  # fmt: skip


def close_command(args, settings) -> int:
    try:
        record = close_request(unit_of_work_factory(settings.database_url)(), args.reference)
    except HandoffError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"closed {record['reference']} ({record['name']} <{record['email']}>)")
    return 0


def hours_command(args, settings) -> int:
    """Validate the hours file and show what a visitor asking right now would be told."""
    hours = load_hours(settings.handoff_hours)
    print(f"hours OK: {opening_summary(hours)} {hours.zone_label} ({hours.zone.key}), "
          f"{len(hours.holidays)} holiday(s)")  # fmt: skip
    print(f"a visitor asking now is told: {expected_reply(utcnow(), hours)}")
    return 0
