"""``bot leads``: export, list, follow up and replay the procurement leads.

``bot leads export --format json`` is a contract other tools parse: a JSON
array of records with the keys in ``bot.leads.records.EXPORT_FIELDS``.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime, timezone

from bot import durations
from bot.cli_support import guarded
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import records, services, spool
from bot.leads.durable import replay_spool
from bot.leads.filters import PRIORITY_LEVELS, LeadFilter, with_priority
from bot.leads.models import LEAD_STATUSES
from bot.leads.redis_spool import SpoolUnavailable, shared_spool
from bot.leads.rules import Assessment, RulesError, assess, load_rules
from bot.leads.spool import spool_dir

TABLE_COLUMNS = [("REFERENCE", 14), ("CREATED", 10), ("STATUS", 9), ("PRIORITY", 8),
                 ("BUYER", 12), ("ORGANISATION", 24), ("NAME", 20), ("UNITS", 6)]  # fmt: skip
LABEL_WIDTH = 14  # "Organisation" and two spaces, in `bot leads show`
CONTACT_FIELDS = [("Organisation", "organisation"), ("Name", "name"), ("E-mail", "email"),
                  ("Phone", "phone"), ("Country", "country")]  # fmt: skip
SHOWN_IF_GIVEN = [("Timeline", "timeline"), ("Budget", "budget"), ("Notes", "notes")]


def register(subparsers):
    parser = subparsers.add_parser("leads", help="export, list and follow up leads")
    commands = parser.add_subparsers(title="leads commands", metavar="COMMAND")
    export = commands.add_parser("export", help="print every lead as JSON or CSV")
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument("--status", choices=LEAD_STATUSES, help="only leads with this status")
    export.set_defaults(handler=guarded(export_command, configuration_errors=(RulesError,)))
    listing = commands.add_parser("list", help="show the newest leads as a table")
    listing.add_argument("--status", choices=LEAD_STATUSES)
    listing.add_argument("--priority", choices=PRIORITY_LEVELS,
                         help="only leads the scoring rules rate this way")  # fmt: skip
    listing.add_argument("--since", type=durations.since_argument, metavar="WHEN",
                         help="created since a date (2026-03-01) or age (12h, 7d, 2w)")  # fmt: skip
    listing.add_argument("--text", help="search name, e-mail, organisation, notes and reference")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.set_defaults(handler=guarded(list_command, configuration_errors=(RulesError,)))
    show = commands.add_parser("show", help="print one lead with transcript and history")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true", help="the full record as JSON, for tools")
    show.set_defaults(handler=guarded(show_command, configuration_errors=(RulesError,)))
    status = commands.add_parser("status", help="move a lead to another status")
    status.add_argument("reference")
    status.add_argument("status", choices=LEAD_STATUSES)
    status.add_argument("--note", help="why, for the history")
    status.set_defaults(handler=guarded(status_command, configuration_errors=(RulesError,)))
    note = commands.add_parser("note", help="add a note to a lead's history, status unchanged")
    note.add_argument("reference")
    note.add_argument("text")
    note.set_defaults(handler=guarded(note_command, configuration_errors=(RulesError,)))
    replay = commands.add_parser("replay", help="save leads spooled while the database was down")
    replay.set_defaults(handler=guarded(replay_command, configuration_errors=(RulesError,)))
    kept = commands.add_parser("set-aside", help="print the enquiries the database refused")
    kept.set_defaults(handler=guarded(set_aside_command, configuration_errors=(RulesError,)))
    return commands  # bot/cli.py adds `forget` and `purge`, which span leads and hand-off


def note_command(args, settings) -> int:
    services.add_note(unit_of_work_factory(settings.database_url)(), args.reference, args.text)
    print(f"{args.reference}: note added")
    return 0


def export_command(args, settings) -> int:
    leads = services.export_leads(unit_of_work_factory(settings.database_url)(), args.status)
    if args.format == "csv":
        sys.stdout.write(records.to_csv(leads))
    else:
        print(json.dumps(leads, ensure_ascii=False, indent=2))
    return 0


def list_command(args, settings) -> int:
    rows = _listed(unit_of_work_factory(settings.database_url)(), args, settings)
    print(_table_row([name for name, _ in TABLE_COLUMNS]))
    for lead, verdict in reversed(rows):  # newest on top
        cells = records.summary_row(lead)
        print(_table_row([*cells[:3], verdict.priority, *cells[3:]]))
    _mention_set_aside(settings)
    return 0


def _listed(uow, args, settings) -> list:
    """The newest ``--limit`` leads passing the filters, oldest first, each with its priority."""
    chosen = LeadFilter(args.status, args.priority, args.text, args.since)  # checks the values
    leads = services.list_leads(uow, status=chosen.status, since=chosen.since, text=chosen.text,
                                limit=None if chosen.priority else args.limit)  # fmt: skip
    rows = with_priority(leads, load_rules(settings.handoff_rules), chosen.priority)
    return rows[-args.limit :] if args.limit > 0 else rows


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


def _table_row(cells) -> str:
    widths = [width for _, width in TABLE_COLUMNS]
    return "  ".join(_cell(text, width) for text, width in zip(cells, widths)).rstrip()


def _cell(text: str, width: int) -> str:
    """``text`` on one line, cut or padded to ``width`` terminal columns."""
    text = _printable(text).replace("\n", " ")
    if _columns(text) > width:
        text = _cut(text, width - 1) + "…"
    return text + " " * (width - _columns(text))


def _cut(text: str, width: int) -> str:
    kept, used = [], 0
    for char in text:
        used += _columns(char)
        if used > width:
            break
        kept.append(char)
    return "".join(kept)


def _columns(text: str) -> int:
    """Terminal columns: CJK and most emoji take two, combining accents none."""
    wide = ("W", "F")
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in wide else 1
        for c in text
    )


def _printable(text: str) -> str:
    """Visitors typed these values: escape sequences must not reach the terminal."""
    return "".join(c if c.isprintable() or c == "\n" else "?" for c in text)


def show_command(args, settings) -> int:
    lead = services.get_lead(unit_of_work_factory(settings.database_url)(), args.reference)
    if args.json:
        print(json.dumps(lead, ensure_ascii=False, indent=2))
    else:
        print(_lead_text(lead, assess(load_rules(settings.handoff_rules), lead)))
    return 0


def _lead_text(lead: dict, verdict: Assessment) -> str:
    """One lead as a sales person reads it before calling back: who, what, and what happened."""
    fields = [
        ("Status", lead["status"]),
        ("Priority", f"{verdict.priority} (score {verdict.score})"),
        ("Created", _when(lead["created_at"])),
        ("Buyer type", lead["buyer_type"]),
        *[(label, lead[key] or "-") for label, key in CONTACT_FIELDS],
        (
            "Products",
            "\n".join(f"{i['quantity']} x {i['product'].replace('_', ' ')}" for i in lead["items"])
            or "-",
        ),  # fmt: skip
        *[(label, lead[key]) for label, key in SHOWN_IF_GIVEN if lead[key]],
        ("Consent", f"given {_when(lead['consent_at'])}" if lead["consent_at"] else "not given"),
    ]
    lines = [_printable(lead["reference"]), ""] + [_field(*pair) for pair in fields]
    lines += ["", "Status history"] + [_history_line(entry) for entry in lead["history"]]
    if lead["transcript"]:
        lines += ["", "Conversation"] + [_said(message) for message in lead["transcript"]]
    return "\n".join(lines)


def _field(label: str, value: str) -> str:
    """``label`` then ``value``, its further lines indented under the first."""
    indent = "\n" + " " * LABEL_WIDTH
    return label.ljust(LABEL_WIDTH) + indent.join(_printable(str(value)).splitlines() or [""])


def _history_line(entry: dict) -> str:
    if not entry["from"]:
        change = f"created as {entry['to']}"
    elif entry["from"] == entry["to"]:
        change = "note"
    else:
        change = f"{entry['from']} -> {entry['to']}"
    note = f": {entry['note']}" if entry["note"] else ""
    return _printable(f"  {_when(entry['at'])}  {change}{note}").replace("\n", " ")


def _said(message: dict) -> str:
    speaker = "visitor" if message.get("sender") == "user" else message.get("sender") or "?"
    return _printable(f"  {speaker}: {message.get('text') or ''}").replace("\n", " ")


def _when(iso: str | None) -> str:
    """Stored times are UTC; some databases hand them back without the offset."""
    if not iso:
        return "-"
    moment = datetime.fromisoformat(iso)
    moment = moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


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
