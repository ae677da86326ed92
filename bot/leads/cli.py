"""``bot leads``: export, list, follow up and replay the procurement leads.

``bot leads export --format json`` is a contract other tools parse: a JSON
array of records with the keys in ``bot.leads.records.EXPORT_FIELDS``.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.leads import records, services, spool
from bot.leads.durable import replay_spool
from bot.leads.errors import DatabaseUnavailable, LeadError
from bot.leads.filters import PRIORITY_LEVELS, FilterError, LeadFilter, filter_records, parse_since
from bot.leads.models import LEAD_STATUSES
from bot.leads.redis_spool import SpoolUnavailable, shared_spool
from bot.leads.rules import RulesError, load_rules
from bot.leads.spool import spool_dir
from bot.leads.unit_of_work import unit_of_work_factory

TABLE_HEADER = ["REFERENCE", "CREATED", "STATUS", "BUYER", "ORGANISATION", "NAME", "UNITS"]
TABLE_WIDTHS = [14, 10, 9, 12, 24, 20, 6]


def register(subparsers):
    parser = subparsers.add_parser("leads", help="export, list and follow up leads")
    commands = parser.add_subparsers(title="leads commands", metavar="COMMAND")
    export = commands.add_parser("export", help="print every lead as JSON or CSV")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--status", choices=LEAD_STATUSES, help="only leads with this status")
    export.set_defaults(handler=_guarded(export_command))
    listing = commands.add_parser("list", help="show the newest leads as a table")
    listing.add_argument("--status", choices=LEAD_STATUSES)
    listing.add_argument("--priority", choices=PRIORITY_LEVELS,
                         help="only leads the scoring rules rate this way")  # fmt: skip
    listing.add_argument("--since", type=_since, metavar="WHEN",
                         help="created since a date (2026-03-01) or age (7d, 48h)")  # fmt: skip
    listing.add_argument("--text", help="search name, e-mail, organisation, notes and reference")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.set_defaults(handler=_guarded(list_command))
    show = commands.add_parser("show", help="print one lead with transcript and history")
    show.add_argument("reference")
    show.set_defaults(handler=_guarded(show_command))
    status = commands.add_parser("status", help="move a lead to another status")
    status.add_argument("reference")
    status.add_argument("status", choices=LEAD_STATUSES)
    status.add_argument("--note", help="why, for the history")
    status.set_defaults(handler=_guarded(status_command))
    replay = commands.add_parser("replay", help="save leads spooled while the database was down")
    replay.set_defaults(handler=_guarded(replay_command))
    kept = commands.add_parser("set-aside", help="print the enquiries the database refused")
    kept.set_defaults(handler=_guarded(set_aside_command))
    return commands  # bot/cli.py adds `forget` and `purge`, which span leads and hand-off


def _since(text: str):
    try:
        return parse_since(text)
    except FilterError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _guarded(handler):
    """Turn domain errors into a message on stderr and exit code 1."""

    def run(args, settings) -> int:
        try:
            return handler(args, settings)
        except DatabaseUnavailable as error:
            print(f"database unavailable: {error} (is it running and migrated?)", file=sys.stderr)
        except RulesError as error:
            print(f"configuration error: {error}", file=sys.stderr)
        except LeadError as error:
            print(f"error: {error}", file=sys.stderr)
        return 1

    return run


def export_command(args, settings) -> int:
    leads = services.export_leads(unit_of_work_factory(settings.database_url)(), args.status)
    if args.format == "csv":
        sys.stdout.write(records.to_csv(leads))
    else:
        print(json.dumps(leads, ensure_ascii=False, indent=2))
    return 0


def list_command(args, settings) -> int:
    uow = unit_of_work_factory(settings.database_url)()
    if args.priority or args.since or args.text:
        leads = _filtered(uow, args, settings)
    else:
        leads = services.list_leads(uow, status=args.status, limit=args.limit)
    print(_table_row(TABLE_HEADER))
    for lead in reversed(leads):  # newest on top
        print(_table_row(records.summary_row(lead)))
    _mention_set_aside(settings)
    return 0


def _mention_set_aside(settings) -> None:
    """Enquiries the database refused are kept as files or in Redis; sales must not miss them."""
    folder = spool_dir(settings.var_dir)
    kept = spool.set_aside_paths(folder)
    if kept:
        print(f"{len(kept)} enquiry(ies) set aside for a person in {folder} (*.rejected): "
              "open them to follow up by hand.", file=sys.stderr)  # fmt: skip
    shared = shared_spool(settings.redis_url)
    if shared is None:
        return
    try:
        count = shared.set_aside_count()
    except SpoolUnavailable as error:
        print(f"cannot tell whether enquiries are set aside in Redis: {error}", file=sys.stderr)
        return
    if count:
        print(f"{count} enquiry(ies) set aside for a person in Redis ({shared.set_aside_key}): "
              "`bot leads set-aside` prints them.", file=sys.stderr)  # fmt: skip


def set_aside_command(args, settings) -> int:
    """Every enquiry set aside, from this host's folder and from Redis, as a JSON array."""
    kept = [_read_kept(path) for path in spool.set_aside_paths(spool_dir(settings.var_dir))]
    shared, status = shared_spool(settings.redis_url), 0
    try:
        kept += shared.set_aside_entries() if shared is not None else []
    except SpoolUnavailable as error:  # what the folder holds is still worth printing
        print(f"cannot read the enquiries set aside in Redis: {error}", file=sys.stderr)
        status = 1
    text = json.dumps(kept, ensure_ascii=False, indent=2)
    # A damaged entry may hold lone surrogates, which a terminal cannot print.
    print(text.encode("utf-8", "backslashreplace").decode("utf-8"))
    return status


def _read_kept(path) -> dict:
    text = path.read_text("utf-8", errors="replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    return {**(data if isinstance(data, dict) else {"raw": text}), "kept_in": str(path)}


def _filtered(uow, args, settings) -> list:
    """The newest ``--limit`` leads passing the filters, oldest first like ``list_leads``."""
    lead_filter = LeadFilter(args.status, args.priority, args.text, args.since)
    rules = load_rules(settings.handoff_rules) if args.priority else None
    matching = filter_records(services.list_leads(uow, status=args.status), lead_filter, rules)
    return matching[-args.limit :] if args.limit > 0 else matching


def _table_row(cells) -> str:
    return "  ".join(_cell(text, width) for text, width in zip(cells, TABLE_WIDTHS))


def _cell(text: str, width: int) -> str:
    """Visitors typed these values: escape sequences must not reach the terminal."""
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return (text[: width - 1] + "…" if len(text) > width else text).ljust(width)


def show_command(args, settings) -> int:
    lead = services.get_lead(unit_of_work_factory(settings.database_url)(), args.reference)
    print(json.dumps(lead, ensure_ascii=False, indent=2))
    return 0


def status_command(args, settings) -> int:
    uow = unit_of_work_factory(settings.database_url)()
    lead = services.change_status(uow, args.reference, args.status, args.note)
    print(f"{lead['reference']} is now {lead['status']}")
    return 0


def replay_command(args, settings) -> int:
    uow_factory = unit_of_work_factory(settings.database_url)
    report = replay_spool(
        uow_factory, spool_dir(settings.var_dir), shared_spool(settings.redis_url)
    )
    for reference in report.replayed:
        print(f"saved {reference}")
    for path in report.rejected:
        print(f"set aside: {path}", file=sys.stderr)
    print(f"replayed {len(report.replayed)} lead(s); {report.remaining} still spooled")
    if report.error:
        print(f"database unavailable: {report.error}", file=sys.stderr)
    if report.shared_error:
        print(f"lead spool in Redis unavailable, not replayed: {report.shared_error}",
              file=sys.stderr)  # fmt: skip
    return 0 if report.remaining == 0 and not report.rejected and not report.shared_error else 1
