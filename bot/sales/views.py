"""What each inbox page shows: read the leads, apply filters, pick the HTML.

The HTTP handler (``server.py``) deals with cookies, forms and headers; the
functions here take plain values and return ``(status, html)``, so the
decisions (which leads, which message, which status code) read in one place.
"""

from __future__ import annotations

from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any, Dict, List, Mapping, Tuple
from urllib.parse import quote

from sqlalchemy.exc import SQLAlchemyError

from bot.admin import analytics, usage_report
from bot.admin import conversations as review
from bot.admin.inbox import read_events
from bot.handoff.human.request import HandoffNotFound
from bot.handoff.human.service import close_request, get_request, open_requests
from bot.leads import records, services
from bot.leads.errors import DatabaseUnavailable, LeadNotFound
from bot.leads.filters import FilterError, LeadFilter, parse_since, with_priority
from bot.leads.rules import assess
from bot.sales import conversation_pages, pages
from bot.sales.lead_page import lead_page
from bot.sales.passwords import verify_password
from bot.sales.request_page import request_page

LIST_LIMIT = 500  # a page a person can still scroll; filters find older leads
FILTER_FIELDS = ("status", "priority", "text", "since")
REQUEST_SEARCHED_FIELDS = ("reference", "name", "email", "reason")
Page = Tuple[int, str]


def password_matches(server, password: str) -> bool:
    return bool(password) and verify_password(password, server.password_hash)


def _filter_of(values: Mapping[str, str]) -> LeadFilter:
    """The filter the form's raw ``values`` ask for; FilterError says what is wrong."""
    return LeadFilter(
        status=values["status"] or None,
        priority=values["priority"] or None,
        text=values["text"] or None,
        since=parse_since(values["since"]),
    )


def _matching(server, lead_filter: LeadFilter) -> List[Tuple[Dict[str, Any], Any]]:
    """Leads passing ``lead_filter`` with their assessment, newest first."""
    records = services.list_leads(server.uow_factory(), status=lead_filter.status,
                                  since=lead_filter.since, text=lead_filter.text)  # fmt: skip
    return with_priority(reversed(records), server.rules, lead_filter.priority)


def lead_list(server, query: Mapping[str, str], csrf: str) -> Page:
    """The newest leads matching the filters in the query string."""
    values = {name: (query.get(name) or "").strip() for name in FILTER_FIELDS}
    try:
        lead_filter = _filter_of(values)
    except FilterError as error:
        return HTTPStatus.BAD_REQUEST, pages.list_page([], values, csrf, error=str(error))
    rows = _matching(server, lead_filter)
    waiting = [] if lead_filter.status or lead_filter.priority else _waiting(server, lead_filter)
    page = pages.list_page(rows[:LIST_LIMIT], values, csrf, truncated=len(rows) > LIST_LIMIT,
                           notice=server.notice, requests=waiting)  # fmt: skip
    return HTTPStatus.OK, page


def export_csv(server, query: Mapping[str, str]) -> Tuple[int, str]:
    """The leads the list shows for these filters (all of them, not only the first page),
    as the CSV of ``bot leads export``; a bad filter gets a plain-text reason."""
    values = {name: (query.get(name) or "").strip() for name in FILTER_FIELDS}
    try:
        lead_filter = _filter_of(values)
    except FilterError as error:
        return HTTPStatus.BAD_REQUEST, f"{error}\n"
    leads = [lead for lead, _ in reversed(_matching(server, lead_filter))]  # oldest first
    return HTTPStatus.OK, records.to_csv(leads)


USAGE_DEFAULT_SINCE = "30d"


def usage(server, query: Mapping[str, str], csrf: str) -> Page:
    """How the bot is used (conversations, topics, fallbacks, enquiry funnel) since a moment."""
    since_text = (query.get("since") or "").strip() or USAGE_DEFAULT_SINCE
    try:
        since = parse_since(since_text)
    except FilterError as error:
        return HTTPStatus.BAD_REQUEST, pages.usage_page("", since_text, csrf, error=str(error))
    events = _tracker_events(server, since=since.timestamp() if since else None)
    report = analytics.report(analytics.conversations(events))
    return HTTPStatus.OK, pages.usage_page(usage_report.fragment(report), since_text, csrf)


def conversations(server, query: Mapping[str, str], csrf: str) -> Page:
    """Conversations worth a look: not understood, enquiries left, or all."""
    show = query.get("show") if query.get("show") in review.SHOW else "fallbacks"
    since_text = (query.get("since") or "").strip() or USAGE_DEFAULT_SINCE
    try:
        since = parse_since(since_text)
    except FilterError as error:
        page = conversation_pages.conversation_list([], show, since_text, csrf, str(error))
        return HTTPStatus.BAD_REQUEST, page
    events = _tracker_events(server, since=since.timestamp() if since else None)
    found = review.chosen(analytics.conversations(events), show)
    return HTTPStatus.OK, conversation_pages.conversation_list(found, show, since_text, csrf)


def conversation(server, query: Mapping[str, str], csrf: str) -> Page:
    sender = query.get("id") or ""
    said = review.turns(_tracker_events(server, sender=sender)) if sender else []
    if not said:
        return HTTPStatus.NOT_FOUND, not_found(csrf)
    return HTTPStatus.OK, conversation_pages.conversation_page(sender, said, csrf)


def _tracker_events(server, **narrowing) -> List[tuple]:
    """Events of the tracker store; its outage is shown like the lead database's."""
    if not server.tracker_store_url:
        return []
    try:
        return list(read_events(server.tracker_store_url, **narrowing))
    except SQLAlchemyError as error:
        raise DatabaseUnavailable(f"the conversation store: {error}") from None


def _waiting(server, lead_filter: LeadFilter) -> List[Dict[str, Any]]:
    """Open requests to talk to a person, newest first, matching the search and age."""
    needle = (lead_filter.text or "").strip().casefold()
    found = []
    for request in reversed(open_requests(server.uow_factory())):
        searched = (request.get(name) or "" for name in REQUEST_SEARCHED_FIELDS)
        if needle and not any(needle in value.casefold() for value in searched):
            continue
        if lead_filter.since and _utc(request["created_at"]) < lead_filter.since:
            continue
        found.append(request)
    return found


def _utc(iso_text: str) -> datetime:
    """Stored times are UTC; SQLite hands them back without the offset."""
    moment = datetime.fromisoformat(iso_text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def request_detail(server, reference: str, csrf: str, query: Mapping[str, str],
                   error: str | None = None) -> Page:  # fmt: skip
    try:
        request = get_request(server.uow_factory(), reference)
    except HandoffNotFound:
        return HTTPStatus.NOT_FOUND, not_found(csrf)
    notice = "Request closed." if query.get("closed") else None
    return HTTPStatus.OK, request_page(request, csrf, notice=notice, error=error)


def close(server, reference: str) -> Dict[str, Any]:
    return close_request(server.uow_factory(), reference)


def add_note(server, reference: str, note: str | None) -> Dict[str, Any]:
    return services.add_note(server.uow_factory(), reference, (note or "").strip()[:2000])


def lead_detail(
    server, reference: str, csrf: str, query: Mapping[str, str], error: str | None = None
) -> Page:
    try:
        lead = services.get_lead(server.uow_factory(), reference)
    except LeadNotFound:
        return HTTPStatus.NOT_FOUND, not_found(csrf)
    notice = f"Status changed to {lead['status']}." if query.get("updated") else None
    notice = "Note added." if query.get("noted") else notice
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
    return pages.error_page("Not found", "There is no such page, lead or request.", csrf)


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
