"""HTML of the sales inbox: layout, login, lead list and error pages.

Every value that came from a visitor or a user passes through :func:`e`
(``html.escape``) on its way into the markup; the pages carry no JavaScript,
so the Content-Security-Policy can forbid scripts outright.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, Mapping, Sequence, Tuple
from urllib.parse import quote, urlencode

from bot.leads.filters import PRIORITY_LEVELS
from bot.leads.models import LEAD_STATUSES
from bot.leads.rules import Assessment

BRAND = "SoleCare Supply"  # the demo site's name (bot/web/static), one name everywhere
BUYER_LABELS = {
    "personal": "Personal",
    "healthcare": "Healthcare",
    "spa_wellness": "Spa / wellness",
    "reseller": "Reseller",
    "other": "Other",
}


def e(value: Any) -> str:
    """Escape for HTML text and attribute values; ``None`` shows as nothing."""
    return "" if value is None else html.escape(str(value), quote=True)


def when(value: Any) -> str:
    """An ISO timestamp or epoch seconds as ``2026-03-01 12:00 UTC``."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, (int, float)):
            moment = datetime.fromtimestamp(value, tz=timezone.utc)
        else:
            moment = datetime.fromisoformat(str(value))
    except (ValueError, OverflowError, OSError):
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def product(name: str) -> str:
    return name.replace("_", " ")


def items_summary(items: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(f"{product(i['product'])} × {i['quantity']}" for i in items)


def status_badge(status: str) -> str:
    return f'<span class="status status-{e(status)}">{e(status)}</span>'


def priority_badge(verdict: Assessment) -> str:
    return (
        f'<span class="priority priority-{e(verdict.priority)}">{e(verdict.priority)}'
        f' <span class="score">{verdict.score}</span></span>'
    )


def notices(notice: str | None = None, error: str | None = None) -> str:
    """What just happened (a status line) and what went wrong (an alert), when there is any."""
    shown = f'<p class="alert alert-ok" role="status">{e(notice)}</p>' if notice else ""
    if error:
        shown += f'<p class="alert alert-error" role="alert">{e(error)}</p>'
    return shown


def layout(title: str, body: str, csrf: str | None = None) -> str:
    """The page frame; ``csrf`` is given on signed-in pages and enables the logout button."""
    logout = ""
    if csrf is not None:
        logout = (
            '<nav class="topnav"><a href="/">Leads</a><a href="/conversations">Conversations</a>'
            '<a href="/usage">Usage</a></nav>'
            '<form method="post" action="/logout" class="logout">'
            f'<input type="hidden" name="csrf" value="{e(csrf)}">'
            '<button type="submit" class="button button-quiet">Log out</button></form>'
        )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{e(title)} · Sales inbox</title>"
        '<link rel="stylesheet" href="/inbox.css"></head><body>'
        '<header class="topbar"><a class="brand" href="/">'
        f'<span class="brand-mark">SC</span>{e(BRAND)} <span class="brand-sub">Sales inbox</span>'
        f"</a>{logout}</header>"
        f'<main class="page">{body}</main></body></html>'
    )


def login_page(error: str | None = None, next_path: str = "/") -> str:
    alert = f'<p class="alert alert-error" role="alert">{e(error)}</p>' if error else ""
    body = (
        '<section class="card login-card"><h1>Sign in</h1>'
        '<p class="muted">Leads and conversations are confidential. '
        "Use the sales team's password.</p>"
        f'{alert}<form method="post" action="/login">'
        f'<input type="hidden" name="next" value="{e(next_path)}">'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" required autofocus '
        'autocomplete="current-password">'
        '<button type="submit" class="button">Sign in</button></form></section>'
    )
    return layout("Sign in", body)


def error_page(title: str, message: str, csrf: str | None = None) -> str:
    body = (
        f'<section class="card narrow"><h1>{e(title)}</h1><p>{e(message)}</p>'
        '<p><a href="/">Back to the lead list</a></p></section>'
    )
    return layout(title, body, csrf)


def list_page(
    rows: Sequence[Tuple[Dict[str, Any], Assessment]],
    values: Mapping[str, str],
    csrf: str,
    error: str | None = None,
    truncated: bool = False,
    notice: str | None = None,
    requests: Sequence[Mapping[str, Any]] = (),
) -> str:
    """Open requests to talk to a person, then the lead list, newest first, under the
    filter form (``values`` are the raw inputs)."""
    alert = f'<p class="alert alert-error" role="alert">{e(error)}</p>' if error else ""
    banner = f'<p class="alert alert-warning" id="notice">{e(notice)}</p>' if notice else ""
    count = f"{len(rows)} lead{'s' if len(rows) != 1 else ''}"
    if truncated:
        count += " (newest shown; narrow the filters to see older ones)"
    empty = "No leads match these filters." if any(values.values()) else "No leads yet."
    table = _lead_table(rows) if rows else f'<p class="empty">{empty}</p>'
    body = (
        f'{banner}<div class="page-head"><h1>Leads</h1>'
        f'<p class="muted" id="lead-count">{e(count)}</p></div>'
        f"{_filter_form(values)}{alert}{_request_table(requests)}"
        f'<section class="card table-card">{table}</section>'
    )
    return layout("Leads", body, csrf)


def _filter_form(values: Mapping[str, str]) -> str:
    return (
        '<form method="get" action="/" class="filters card" role="search">'
        + _select("status", "Status", LEAD_STATUSES, values.get("status", ""))
        + _select("priority", "Priority", PRIORITY_LEVELS, values.get("priority", ""))
        + '<div class="field field-grow"><label for="f-text">Search</label>'
        f'<input id="f-text" name="text" type="search" value="{e(values.get("text", ""))}" '
        'placeholder="Name, e-mail, organisation, notes or reference"></div>'
        '<div class="field"><label for="f-since">Since</label>'
        f'<input id="f-since" name="since" value="{e(values.get("since", ""))}" '
        'placeholder="7d or 2026-03-01" size="14"></div>'
        '<div class="field field-actions"><button type="submit" class="button">Filter</button>'
        '<a class="button button-quiet" href="/">Clear</a>'
        f'<a class="button button-quiet" id="export" href="{e(_export_link(values))}">'
        "Export CSV</a></div></form>"
    )


def _select(name: str, label: str, options: Sequence[str], chosen: str) -> str:
    rendered = [f'<option value=""{"" if chosen else " selected"}>All</option>']
    for option in options:
        mark = " selected" if option == chosen else ""
        rendered.append(f'<option value="{e(option)}"{mark}>{e(option.capitalize())}</option>')
    return (
        f'<div class="field"><label for="f-{name}">{e(label)}</label>'
        f'<select id="f-{name}" name="{name}">{"".join(rendered)}</select></div>'
    )


def _lead_table(rows: Sequence[Tuple[Dict[str, Any], Assessment]]) -> str:
    head = "".join(
        f"<th>{title}</th>"
        for title in (
            "Reference",
            "Created",
            "Buyer",
            "Organisation",
            "Name",
            "Items",
            "Priority",
            "Status",
        )  # fmt: skip
    )
    body = "".join(_lead_row(lead, verdict) for lead, verdict in rows)
    return f'<table class="leads"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _lead_row(lead: Mapping[str, Any], verdict: Assessment) -> str:
    link = "/leads/" + quote(lead["reference"] or "", safe="")
    buyer = BUYER_LABELS.get(lead["buyer_type"], lead["buyer_type"])
    return (
        f'<tr><td><a class="ref" href="{e(link)}">{e(lead["reference"])}</a></td>'
        f'<td class="nowrap">{e(when(lead["created_at"]))}</td>'
        f"<td>{e(buyer)}</td><td>{e(lead['organisation'])}</td>"
        f'<td><a href="{e(link)}">{e(lead["name"] or "(no name)")}</a></td>'
        f'<td class="items">{e(items_summary(lead["items"]))}</td>'
        f"<td>{priority_badge(verdict)}</td><td>{status_badge(lead['status'])}</td></tr>"
    )


REASON_PREVIEW = 90


def _request_table(requests: Sequence[Mapping[str, Any]]) -> str:
    """Visitors waiting for a person, above the leads: they expect a reply soon."""
    if not requests:
        return ""
    rows = "".join(_request_row(request) for request in requests)
    head = "".join(f"<th>{title}</th>" for title in ("Reference", "Asked", "Name", "E-mail",
                                                     "In their words"))  # fmt: skip
    return (
        '<section class="card table-card" id="requests">'
        f"<h2>Waiting to talk to a person ({len(requests)})</h2>"
        f'<table class="leads requests"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
        "</table></section>"
    )


def _request_row(request: Mapping[str, Any]) -> str:
    link = "/requests/" + quote(request["reference"] or "", safe="")
    reason = request.get("reason") or ""
    if len(reason) > REASON_PREVIEW:
        reason = reason[: REASON_PREVIEW - 1] + "…"
    return (
        f'<tr><td><a class="ref" href="{e(link)}">{e(request["reference"])}</a></td>'
        f'<td class="nowrap">{e(when(request["created_at"]))}</td>'
        f'<td><a href="{e(link)}">{e(request.get("name") or "(no name)")}</a></td>'
        f"<td>{e(request.get('email'))}</td><td>{e(reason)}</td></tr>"
    )


def _export_link(values: Mapping[str, str]) -> str:
    """The CSV of what the list shows: the same filters, every matching lead."""
    chosen = {name: value for name, value in values.items() if value}
    return "/export.csv" + (f"?{urlencode(chosen)}" if chosen else "")


def usage_page(report_html: str, since_text: str, csrf: str, error: str | None = None) -> str:
    """The usage report (already escaped HTML from :mod:`bot.admin.usage_report`) in the frame."""
    alert = f'<p class="alert alert-error" role="alert">{e(error)}</p>' if error else ""
    body = (
        '<div class="page-head"><h1>How the assistant is used</h1></div>'
        '<form method="get" action="/usage" class="filters card" role="search">'
        '<div class="field"><label for="u-since">Since</label>'
        f'<input id="u-since" name="since" value="{e(since_text)}" size="14" '
        'placeholder="30d or 2026-03-01"></div>'
        '<div class="field field-actions"><button type="submit" class="button">Show</button>'
        "</div></form>"
        f'{alert}<div class="usage">{report_html}</div>'
    )
    return layout("Usage", body, csrf)
