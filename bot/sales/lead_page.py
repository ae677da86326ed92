"""HTML of one lead: every answer, the items, consent, status history and transcript.

Sales decides how to follow up from this page, so it shows the whole record
(the conversation included) next to the form that moves the lead along.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Sequence
from urllib.parse import quote, urlencode

from bot.leads.models import LEAD_STATUSES
from bot.leads.rules import Assessment
from bot.sales.pages import (
    BUYER_LABELS,
    e,
    layout,
    notices,
    priority_badge,
    product,
    status_badge,
    when,
)

_BREAKDOWN_LABELS = {
    "buyer_type": "buyer type",
    "total_quantity": "quantity",
    "timeline": "timeline",
    "budget_present": "budget given",
    "phone_present": "phone given",
    "organisation_present": "organisation given",
}


def lead_page(
    lead: Dict[str, Any],
    verdict: Assessment,
    csrf: str,
    notice: str | None = None,
    error: str | None = None,
) -> str:
    alerts = notices(notice, error)
    body = (
        '<p class="crumbs"><a href="/">← All leads</a></p>'
        f"{_heading(lead, verdict)}{alerts}"
        '<div class="detail-grid"><div class="column">'
        f"{_contact(lead)}{_enquiry(lead, verdict)}{_items(lead['items'])}{_consents(lead)}"
        '</div><div class="column">'
        f"{_status_form(lead, csrf)}{_note_form(lead, csrf)}{_history(lead['history'])}"
        f"{transcript_card(lead['transcript'], lead.get('conversation_id'))}"
        "</div></div>"
    )
    return layout(lead["reference"] or "Lead", body, csrf)


def _heading(lead: Mapping[str, Any], verdict: Assessment) -> str:
    who = lead["name"] or "(no name)"
    org = f' <span class="muted">· {e(lead["organisation"])}</span>' if lead["organisation"] else ""
    return (
        '<div class="page-head lead-head"><div>'
        f'<p class="ref-big">{e(lead["reference"])}</p><h1>{e(who)}{org}</h1></div>'
        f'<div class="badges">{priority_badge(verdict)} {status_badge(lead["status"])}</div></div>'
    )


def facts_card(title: str, rows: Sequence[tuple]) -> str:
    """A card of label/value rows; values are HTML already escaped by the caller."""
    missing = '<span class="muted">—</span>'
    items = "".join(f"<dt>{e(label)}</dt><dd>{value or missing}</dd>" for label, value in rows)
    return f'<section class="card"><h2>{e(title)}</h2><dl class="facts">{items}</dl></section>'


def _contact(lead: Mapping[str, Any]) -> str:
    email = lead["email"]
    phone = lead["phone"]
    email_html, phone_html = email_link(email), phone_link(phone)
    return facts_card(
        "Contact",
        [
            ("Name", e(lead["name"])),
            ("Organisation", e(lead["organisation"])),
            ("E-mail", email_html),
            ("Phone", phone_html),
            ("Country", e(lead["country"])),
        ],
    )


def email_link(email: str | None) -> str:
    return f'<a href="mailto:{e(quote(email, safe="@+."))}">{e(email)}</a>' if email else ""


def phone_link(phone: str | None) -> str:
    return f'<a href="tel:{e(quote(phone, safe="+"))}">{e(phone)}</a>' if phone else ""


def _enquiry(lead: Mapping[str, Any], verdict: Assessment) -> str:
    parts = [f"{_BREAKDOWN_LABELS.get(k, k)} {v}" for k, v in verdict.breakdown.items() if v]
    score = f"{verdict.score} ({', '.join(parts)})" if parts else str(verdict.score)
    notes = f'<div class="prewrap">{e(lead["notes"])}</div>' if lead["notes"] else ""
    return facts_card(
        "Enquiry",
        [
            ("Buyer type", e(BUYER_LABELS.get(lead["buyer_type"], lead["buyer_type"]))),
            ("Timeline", e(lead["timeline"])),
            ("Budget", e(lead["budget"])),
            ("Notes", notes),
            ("Score", e(score)),
            ("Team", e(verdict.route.team)),
            ("Created", e(when(lead["created_at"]))),
            ("Updated", e(when(lead["updated_at"]))),
        ],
    )


def _items(items: Sequence[Mapping[str, Any]]) -> str:
    if not items:
        return '<section class="card"><h2>Items</h2><p class="muted">No items.</p></section>'
    rows = "".join(
        f'<tr><td>{e(product(i["product"]))}</td><td class="num">{i["quantity"]:,}</td></tr>'
        for i in items
    )
    total = sum(i["quantity"] for i in items)
    return (
        '<section class="card"><h2>Items</h2><table class="items-table">'
        '<thead><tr><th>Product</th><th class="num">Quantity</th></tr></thead>'
        f'<tbody>{rows}</tbody><tfoot><tr><td>Total</td><td class="num">{total:,}</td></tr>'
        "</tfoot></table></section>"
    )


def _consents(lead: Mapping[str, Any]) -> str:
    if not lead["consents"]:
        body = '<p class="muted">No consent on file: do not contact before asking.</p>'
    else:
        body = "".join(
            f'<div class="consent"><p>{"✔ Granted" if c["granted"] else "✘ Refused"} · '
            f"{e(when(c['given_at']))}</p><blockquote>{e(c['wording'])}</blockquote></div>"
            for c in lead["consents"]
        )
    return f'<section class="card"><h2>Consent</h2>{body}</section>'


def _status_form(lead: Mapping[str, Any], csrf: str) -> str:
    choices = "".join(
        f'<option value="{e(s)}"{" selected" if s == _next_status(lead["status"]) else ""}>'
        f"{e(s.capitalize())}</option>"
        for s in LEAD_STATUSES
        if s != lead["status"]
    )
    action = "/leads/" + quote(lead["reference"] or "", safe="") + "/status"
    return (
        '<section class="card"><h2>Change status</h2>'
        f'<form method="post" action="{e(action)}" class="status-form">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        '<label for="new-status">New status</label>'
        f'<select id="new-status" name="status" required>{choices}</select>'
        '<label for="note">Note for the history</label>'
        '<textarea id="note" name="note" rows="2" maxlength="2000" '
        'placeholder="e.g. Called, sending a quote on Monday"></textarea>'
        '<button type="submit" class="button">Update status</button></form></section>'
    )


def _note_form(lead: Mapping[str, Any], csrf: str) -> str:
    action = "/leads/" + quote(lead["reference"] or "", safe="") + "/note"
    return (
        '<section class="card"><h2>Add a note</h2>'
        f'<form method="post" action="{e(action)}" class="status-form">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        '<label for="only-note">Note (the status stays as it is)</label>'
        '<textarea id="only-note" name="note" rows="2" maxlength="2000" required '
        'placeholder="e.g. Left a voicemail, trying again tomorrow"></textarea>'
        '<button type="submit" class="button button-quiet">Add note</button></form></section>'
    )


def _next_status(status: str) -> str | None:
    """The usual next step of the pipeline, offered first; won and lost are final."""
    following = LEAD_STATUSES[LEAD_STATUSES.index(status) + 1 :] if status in LEAD_STATUSES else ()
    return following[0] if following and status not in ("won", "lost") else None


def _history(history: Sequence[Mapping[str, Any]]) -> str:
    entries = "".join(_history_entry(h) for h in reversed(history))  # newest on top
    return (
        '<section class="card"><h2>Status history</h2>'
        f'<ol class="history" id="history">{entries}</ol></section>'
    )


def _history_entry(entry: Mapping[str, Any]) -> str:
    change = status_badge(entry["to"])
    if entry["from"] == entry["to"]:
        change = '<span class="note-mark">Note</span>'
    elif entry["from"]:
        change = f"{status_badge(entry['from'])} → {change}"
    note = f"<p>{e(entry['note'])}</p>" if entry["note"] else ""
    return f'<li><span class="when">{e(when(entry["at"]))}</span> {change}{note}</li>'


def transcript_card(messages: Sequence[Mapping[str, Any]], conversation_id: str | None) -> str:
    """The conversation as chat bubbles, visitor on the right; shared with the request page.

    Links to the whole conversation in the review pages, which also show what
    the bot understood of each message.
    """
    if not messages:
        body = '<p class="muted">No conversation was recorded.</p>'
    else:
        body = "".join(_message(m) for m in messages)
    review = ""
    if conversation_id:
        link = "/conversation?" + urlencode({"id": conversation_id})
        review = f'<p class="muted"><a href="{e(link)}">What the bot understood</a></p>'
    return (
        '<section class="card"><h2>Conversation</h2>'
        f'<div class="chat" id="transcript">{body}</div>{review}</section>'
    )


# Transcripts say "visitor" (bot/leads/intake/handover.py); "user" is Rasa's own word.
_SIDES = {"visitor": ("visitor", "Visitor"), "user": ("visitor", "Visitor"),
          "system": ("note", "Note")}  # fmt: skip


def _message(message: Mapping[str, Any]) -> str:
    side, label = _SIDES.get(message.get("sender") or "", ("bot", "Assistant"))
    return (
        f'<div class="msg msg-{side}"><div class="bubble prewrap">{e(message.get("text"))}</div>'
        f'<div class="meta">{label} · {e(when(message.get("timestamp")))}</div></div>'
    )
