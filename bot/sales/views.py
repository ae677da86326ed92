"""What each inbox page shows: read the leads, apply filters, pick the HTML.

The HTTP handler (``server.py``) deals with cookies, forms and headers; the
functions here take plain values and return ``(status, html)``, so the
decisions (which leads, which message, which status code) read in one place.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Dict, Mapping, Tuple
from urllib.parse import quote

from bot.leads import services
from bot.leads.errors import LeadNotFound
from bot.leads.filters import FilterError, LeadFilter, parse_since, with_priority
from bot.leads.rules import assess
from bot.sales import pages
from bot.sales.lead_page import lead_page
from bot.sales.passwords import verify_password

LIST_LIMIT = 500  # a page a person can still scroll; filters find older leads
FILTER_FIELDS = ("status", "priority", "text", "since")
Page = Tuple[int, str]


def password_matches(server, password: str) -> bool:
    return bool(password) and verify_password(password, server.password_hash)


def lead_list(server, query: Mapping[str, str], csrf: str) -> Page:
    """The newest leads matching the filters in the query string."""
    values = {name: (query.get(name) or "").strip() for name in FILTER_FIELDS}
    try:
        lead_filter = LeadFilter(
            status=values["status"] or None,
            priority=values["priority"] or None,
            text=values["text"] or None,
            since=parse_since(values["since"]),
        )
    except FilterError as error:
        return HTTPStatus.BAD_REQUEST, pages.list_page([], values, csrf, error=str(error))
    records = services.list_leads(server.uow_factory(), status=lead_filter.status,
                                  since=lead_filter.since, text=lead_filter.text)  # fmt: skip
    rows = with_priority(reversed(records), server.rules, lead_filter.priority)  # newest first
    page = pages.list_page(rows[:LIST_LIMIT], values, csrf, truncated=len(rows) > LIST_LIMIT,
                           notice=server.notice)  # fmt: skip
    return HTTPStatus.OK, page


def lead_detail(
    server, reference: str, csrf: str, query: Mapping[str, str], error: str | None = None
) -> Page:
    try:
        lead = services.get_lead(server.uow_factory(), reference)
    except LeadNotFound:
        return HTTPStatus.NOT_FOUND, not_found(csrf)
    notice = f"Status changed to {lead['status']}." if query.get("updated") else None
    page = lead_page(lead, assess(server.rules, lead), csrf, notice=notice, error=error)
    return HTTPStatus.OK, page


def change_status(server, reference: str, status: str | None, note: str | None) -> Dict[str, Any]:
    """Record the change with the note; an empty note is stored as no note."""
    note = (note or "").strip()[:2000] or None
    return services.change_status(server.uow_factory(), reference, status or "", note)


def login_form(next_path: str | None, error: str | None = None) -> str:
    return pages.login_page(error=error, next_path=safe_next(next_path))


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a path on this server only, never another site."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return "/"
    if path.startswith(("/login", "/logout")):
        return "/"
    return quote_path(path)


def quote_path(path: str) -> str:
    """Percent-encode anything that could break out of a header or URL."""
    return quote(path, safe="/?=&-_.~%+")


def not_found(csrf: str | None) -> str:
    return pages.error_page("Not found", "There is no such page or lead.", csrf)


def csrf_refused() -> str:
    return pages.error_page(
        "Form expired", "This form is no longer valid. Go back, reload the page and try again."
    )


def unavailable() -> str:
    return pages.error_page(
        "Database unavailable", "The lead database cannot be reached right now. Try again soon."
    )


def failure() -> str:
    return pages.error_page("Something went wrong", "The request could not be handled.")
