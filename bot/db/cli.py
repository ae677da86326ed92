"""``bot db``: apply and inspect the schema migrations."""

from __future__ import annotations

import sys

from sqlalchemy.exc import OperationalError

from bot.db.engine import DatabaseUnreachable
from bot.db.migrate import current_revision, head_revision, upgrade


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema")
    commands = parser.add_subparsers(title="db commands", metavar="COMMAND")
    up = commands.add_parser("upgrade", help="apply the migrations up to REVISION")
    up.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    up.set_defaults(handler=upgrade_command)
    current = commands.add_parser(
        "current", help="show the schema revision (exit status 1 unless at head)"
    )
    current.set_defaults(handler=current_command)


def upgrade_command(args, settings) -> int:
    try:
        revision = upgrade(settings.database_url, args.revision)
    except (DatabaseUnreachable, OperationalError) as error:
        return _unavailable(error)
    print(f"database at revision {revision}")
    return 0


def current_command(args, settings) -> int:
    try:
        revision = current_revision(settings.database_url)
    except (DatabaseUnreachable, OperationalError) as error:
        return _unavailable(error)
    head = head_revision()
    state = "up to date" if revision == head else f"behind head {head}; run `bot db upgrade`"
    print(f"{revision or 'empty (no migrations applied)'} ({state})")
    return 0 if revision == head else 1


def _unavailable(error: DatabaseUnreachable | OperationalError) -> int:
    reason = error if isinstance(error, DatabaseUnreachable) else str(error.orig).strip()
    print(f"database unavailable: {reason}", file=sys.stderr)
    return 1
