"""Leads as plain, JSON-safe dicts: the export contract other tools rely on.

``bot leads export`` and the notification payload both use :func:`lead_record`,
so the sales team's e-mail and the spreadsheet never disagree.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any, Dict, Iterable, List

from bot.leads.models import Lead

EXPORT_FIELDS = (
    "reference",
    "created_at",
    "status",
    "assigned_to",
    "buyer_type",
    "organisation",
    "name",
    "email",
    "phone",
    "country",
    "timeline",
    "budget",
    "notes",
    "consent_at",
    "items",
)

# Spreadsheets run cells starting with these as formulas; phone numbers like
# "+44 20 7946 0000" and "-5" stay as they are.
_FORMULA_START = ("=", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"^[+-][\d\s().-]*$")


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def consent_at(lead: Lead) -> datetime | None:
    """When the visitor last granted consent, or ``None`` if they never did."""
    granted = [consent.given_at for consent in lead.consents if consent.granted]
    return max(granted) if granted else None


def lead_record(lead: Lead) -> Dict[str, Any]:
    return {
        "reference": lead.reference,
        "conversation_id": lead.conversation_id,
        "created_at": iso(lead.created_at),
        "updated_at": iso(lead.updated_at),
        "status": lead.status,
        "assigned_to": lead.assigned_to,
        "buyer_type": lead.buyer_type,
        "organisation": lead.organisation,
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "country": lead.country,
        "timeline": lead.timeline,
        "budget": lead.budget,
        "notes": lead.notes,
        "consent_at": iso(consent_at(lead)),
        "items": [{"product": i.product, "quantity": i.quantity} for i in lead.items],
    }


def lead_details(lead: Lead) -> Dict[str, Any]:
    """The full record of one lead, for ``bot leads show`` and the admin tools."""
    record = lead_record(lead)
    record["transcript"] = list(lead.transcript.messages) if lead.transcript else []
    record["consents"] = [
        {"given_at": iso(c.given_at), "wording": c.wording, "granted": c.granted}
        for c in lead.consents
    ]
    record["history"] = history_entries(lead.history)
    return record


def history_entries(entries: Iterable[Any]) -> List[Dict[str, Any]]:
    """A status history (of a lead or a hand-off request) as plain dicts, oldest first."""
    return [
        {"from": h.from_status, "to": h.to_status, "note": h.note, "at": iso(h.at),
         "author": h.author}
        for h in entries
    ]  # fmt: skip


def format_items(items: Iterable[Dict[str, Any]]) -> str:
    return "; ".join(f"{item['product']} x{item['quantity']}" for item in items)


def to_csv(records: Iterable[Dict[str, Any]]) -> str:
    """Export records as CSV, one row per lead, items flattened into one cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    for record in records:
        row = dict(record, items=format_items(record["items"]))
        writer.writerow([_spreadsheet_safe(row[name]) for name in EXPORT_FIELDS])
    return buffer.getvalue()


def _spreadsheet_safe(value: Any) -> Any:
    """Defuse formula injection: a leading quote makes spreadsheets show text as text."""
    if not isinstance(value, str) or not value:
        return "" if value is None else value
    risky = value.startswith(_FORMULA_START) or (
        value[0] in "+-" and not _SIGNED_NUMBER.match(value)
    )
    return "'" + value if risky else value


def summary_row(record: Dict[str, Any]) -> List[str]:
    return [
        record["reference"] or "",
        (record["created_at"] or "")[:10],
        record["status"],
        record["buyer_type"],
        record["organisation"] or "",
        record["name"] or "",
        str(sum(item["quantity"] for item in record["items"])),
    ]
