"""``bot leads forget`` and ``bot leads purge``: erasure on request and retention.

They erase a person's leads, requests to talk to a person and stored
conversations, which belong to three capabilities; so the commands live here,
beside :mod:`bot.erasure`, and ``bot/cli.py`` adds them to ``bot leads``.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from bot import durations, erasure
from bot.cli_support import guarded
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.conversations import conversations_of, erase_conversations
from bot.leads.errors import LeadError

MINIMUM_RETENTION = timedelta(days=1)


def register(commands) -> None:
    """Add ``forget`` and ``purge`` to the ``bot leads`` sub-commands."""
    forget = commands.add_parser("forget", help="erase the personal data of EMAIL's leads")
    forget.add_argument("email")
    forget.set_defaults(handler=_guarded(forget_command))
    purge = commands.add_parser("purge", help="erase personal data of old leads (retention)")
    purge.add_argument("--older-than", required=True, type=_retention, metavar="AGE",
                       help="e.g. 180d, 26w or 48h; at least a day")  # fmt: skip
    purge.add_argument("--dry-run", action="store_true", help="only list what would go")
    purge.set_defaults(handler=_guarded(purge_command))


def _retention(text: str) -> timedelta:
    """A span of at least a day: ``6m`` is six minutes, and would erase nearly every lead."""
    age = durations.span_argument(text)
    if age < MINIMUM_RETENTION:
        raise argparse.ArgumentTypeError(
            f"{text.strip()!r} is less than a day, which would erase nearly every lead; "
            "m means minutes (for months write weeks, like 26w)"
        )
    return age


def _guarded(handler):
    return guarded(handler, errors=(LeadError, ValueError))


def forget_command(args, settings) -> int:
    uow = unit_of_work_factory(settings.database_url)()
    conversations = conversations_of(uow, args.email)
    references = erasure.forget(uow, args.email)
    for reference in references:
        print(f"erased {reference}")
    print(f"erased personal data of {len(references)} lead(s)")
    erased = erase_conversations(settings.tracker_store_url, conversations)
    print(f"erased {erased} stored chat event(s) of {len(conversations)} conversation(s)")
    return 0


def purge_command(args, settings) -> int:
    uow = unit_of_work_factory(settings.database_url)()
    references = erasure.purge(uow, args.older_than, dry_run=args.dry_run)
    verb = "would erase" if args.dry_run else "erased"
    for reference in references:
        print(f"{verb} {reference}")
    print(f"{verb} personal data of {len(references)} lead(s)")
    return 0
