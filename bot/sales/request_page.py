"""HTML of one request to talk to a person: who, why, the conversation, and closing it.

A visitor who asked for a person is waiting for a reply, so the page puts the
contact details and their own words first, and one button to mark the
request as dealt with.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import quote

from bot.sales.lead_page import email_link, facts_card, phone_link, transcript_card
from bot.sales.pages import e, layout, notices, status_badge, when


def request_page(
    request: Mapping[str, Any], csrf: str, notice: str | None = None, error: str | None = None
) -> str:
    alerts = notices(notice, error)
    reference = request["reference"] or ""
    body = (
        '<p class="crumbs"><a href="/">← All leads and requests</a></p>'
        '<div class="page-head lead-head"><div>'
        f'<p class="ref-big">{e(reference)}</p>'
        f"<h1>{e(request.get('name') or '(no name)')} "
        '<span class="muted">· wants to talk to a person</span></h1></div>'
        f'<div class="badges">{status_badge(request["status"])}</div></div>{alerts}'
        '<div class="detail-grid"><div class="column">'
        f"{_contact(request)}{_close_form(request, csrf)}"
        '</div><div class="column">'
        f"{transcript_card(request.get('transcript') or [], request.get('conversation_id'))}"
        "</div></div>"
    )
    return layout(reference or "Request", body, csrf)


def _contact(request: Mapping[str, Any]) -> str:
    rows = [
        ("Name", e(request.get("name"))),
        ("E-mail", email_link(request.get("email"))),
        ("Phone", phone_link(request.get("phone"))),
        ("In their words", e(request.get("reason"))),
        ("Asked", e(when(request.get("created_at")))),
    ]
    if request.get("lead_reference"):
        lead = request["lead_reference"]
        rows.append(("Their enquiry", f'<a href="/leads/{e(quote(lead, safe=""))}">{e(lead)}</a>'))
    if request.get("closed_at"):
        rows.append(("Closed", e(when(request["closed_at"]))))
    return facts_card("Contact", rows)


def _close_form(request: Mapping[str, Any], csrf: str) -> str:
    if request["status"] != "open":
        return ""
    action = "/requests/" + quote(request["reference"] or "", safe="") + "/close"
    return (
        '<section class="card"><h2>Done?</h2>'
        '<p class="muted">Close the request once someone has replied to the visitor.</p>'
        f'<form method="post" action="{e(action)}">'
        f'<input type="hidden" name="csrf" value="{e(csrf)}">'
        '<button type="submit" class="button">Close request</button></form></section>'
    )
