"""One lead or one request to talk to a person, and the forms that move them along.

For any signed-in account. The pages only read and call the services of
:mod:`bot.leads` and :mod:`bot.handoff.human`; what to show is in the
templates, which escape everything they print. Forms follow
post/redirect/get: a change that worked redirects to the page with a fixed
``done`` key (the page never echoes text from the query string), one the
services refuse shows the page again with their reason and a 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import urlencode

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.accounts.service import active_names
from bot.handoff.human import service as requests_service
from bot.handoff.human.request import HandoffNotFound, InvalidHandoffRequest
from bot.leads import services as leads_service
from bot.leads.errors import InvalidStatusChange, LeadNotFound
from bot.leads.models import ERASED_PREFIX, LEAD_STATUSES
from bot.leads.rules import assess
from bot.workspace.auth import page, workspace_of
from bot.workspace.templating import render

MAX_NOTE = 2000
BREAKDOWN_LABELS = {
    "buyer_type": "buyer type",
    "total_quantity": "quantity",
    "timeline": "timeline",
    "budget_present": "budget given",
    "phone_present": "phone given",
    "organisation_present": "organisation given",
}


class ReferenceConvertor(Convertor):
    """Lead and request references (``FM-2026-000123``): any other path is simply not found."""

    regex = "[A-Za-z0-9-]{1,32}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("reference", ReferenceConvertor())


class Refused(ValueError):
    """A form value the page itself refuses (e.g. an unknown assignee); shown like a 409."""


def review_link(conversation_id: str | None) -> str | None:
    """The conversation in the review pages; erased conversations have nothing left to show."""
    if not conversation_id or conversation_id.startswith(ERASED_PREFIX):
        return None
    return "/conversation?" + urlencode({"id": conversation_id})


def _note(request: Request) -> str | None:
    """The form's note, trimmed and cut to what the history keeps; None when empty."""
    return (request.state.form.get("note") or "").strip()[:MAX_NOTE] or None


def _assignee(request: Request) -> str | None:
    """Who the assign form gives the work to: the signed-in person, nobody or an active user."""
    if request.state.form.get("to_me"):
        return request.state.account["username"]
    chosen = (request.state.form.get("assignee") or "").strip()
    if not chosen:
        return None
    if chosen not in active_names(workspace_of(request).uow_factory()):
        raise Refused(f"{chosen} is not an active user; pick a name from the list")
    return chosen


def _not_found(request: Request) -> Response:
    return render(request, "error.html", 404, title="Not found",
                  message="There is no such lead or request.")  # fmt: skip


def _next_status(status: str) -> str | None:
    """The usual next step of the pipeline, offered first; won and lost are final."""
    if status not in LEAD_STATUSES or status in ("won", "lost"):
        return None
    return LEAD_STATUSES[LEAD_STATUSES.index(status) + 1]


def _show_lead(request: Request, reference: str, status: int = 200,
               error: str | None = None) -> Response:  # fmt: skip
    workspace = workspace_of(request)
    try:
        lead = leads_service.get_lead(workspace.uow_factory(), reference)
    except LeadNotFound:
        return _not_found(request)
    verdict = assess(workspace.rules, lead)
    breakdown = [(BREAKDOWN_LABELS.get(name, name), points)
                 for name, points in verdict.breakdown.items() if points]  # fmt: skip
    return render(request, "lead.html", status, lead=lead, verdict=verdict, breakdown=breakdown,
                  statuses=LEAD_STATUSES, next_status=_next_status(lead["status"]),
                  names=active_names(workspace.uow_factory()),
                  review=review_link(lead["conversation_id"]), error=error,
                  notice=LEAD_PAGES.done.get(request.query_params.get("done", "")))  # fmt: skip


def _show_request(request: Request, reference: str, status: int = 200,
                  error: str | None = None) -> Response:  # fmt: skip
    workspace = workspace_of(request)
    try:
        found = requests_service.request_details(workspace.uow_factory(), reference)
    except HandoffNotFound:
        return _not_found(request)
    return render(request, "request.html", status, item=found,
                  names=active_names(workspace.uow_factory()),
                  review=review_link(found["conversation_id"]), error=error,
                  notice=REQUEST_PAGES.done.get(request.query_params.get("done", "")))  # fmt: skip


@dataclass(frozen=True)
class DetailPages:
    """What the lead and request pages differ in; their forms are handled alike."""

    prefix: str
    show: Callable[..., Response]
    not_found: type
    refused: type
    done: Mapping[str, str]  # ?done= key -> the fixed notice the page shows


LEAD_PAGES = DetailPages("/leads", _show_lead, LeadNotFound, InvalidStatusChange,
                         {"status": "Status changed.", "note": "Note added.",
                          "assigned": "Assignment changed."})  # fmt: skip
REQUEST_PAGES = DetailPages("/requests", _show_request, HandoffNotFound, InvalidHandoffRequest,
                            {"closed": "Request closed.", "note": "Note added.",
                             "assigned": "Assignment changed."})  # fmt: skip
Action = Callable[[Any, str, str], Any]  # (unit of work, reference, author)


def _act(request: Request, pages: DetailPages, done: str, action: Action) -> Response:
    """Run one form's change; back to the page on success, the page with the reason if refused."""
    reference = request.path_params["reference"]
    try:
        action(workspace_of(request).uow_factory(), reference, request.state.account["username"])
    except pages.not_found:
        return _not_found(request)
    except (Refused, pages.refused) as error:
        return pages.show(request, reference, 409, error=str(error))
    return RedirectResponse(f"{pages.prefix}/{reference}?done={done}", status_code=303)


@page()
def lead_page(request: Request) -> Response:
    return _show_lead(request, request.path_params["reference"])


@page()
def lead_status(request: Request) -> Response:
    status, note = request.state.form.get("status", ""), _note(request)
    return _act(request, LEAD_PAGES, "status", lambda uow, ref, author:
                leads_service.change_status(uow, ref, status, note, author=author))  # fmt: skip


@page()
def lead_note(request: Request) -> Response:
    note = _note(request) or ""
    return _act(request, LEAD_PAGES, "note", lambda uow, ref, author:
                leads_service.add_note(uow, ref, note, author=author))  # fmt: skip


@page()
def lead_assign(request: Request) -> Response:
    return _act(request, LEAD_PAGES, "assigned", lambda uow, ref, author:
                leads_service.assign(uow, ref, _assignee(request), author=author))  # fmt: skip


@page()
def request_page(request: Request) -> Response:
    return _show_request(request, request.path_params["reference"])


@page()
def request_close(request: Request) -> Response:
    note = _note(request)
    return _act(request, REQUEST_PAGES, "closed", lambda uow, ref, author:
                requests_service.close_request(uow, ref, author=author, note=note))  # fmt: skip


@page()
def request_note(request: Request) -> Response:
    note = _note(request) or ""
    return _act(request, REQUEST_PAGES, "note", lambda uow, ref, author:
                requests_service.add_note(uow, ref, note, author=author))  # fmt: skip


@page()
def request_assign(request: Request) -> Response:
    return _act(request, REQUEST_PAGES, "assigned", lambda uow, ref, author:
                requests_service.assign(uow, ref, _assignee(request), author=author))  # fmt: skip


REFERENCE = "{reference:reference}"
routes = [
    Route(f"/leads/{REFERENCE}", lead_page),
    Route(f"/leads/{REFERENCE}/status", lead_status, methods=["POST"]),
    Route(f"/leads/{REFERENCE}/note", lead_note, methods=["POST"]),
    Route(f"/leads/{REFERENCE}/assign", lead_assign, methods=["POST"]),
    Route(f"/requests/{REFERENCE}", request_page),
    Route(f"/requests/{REFERENCE}/close", request_close, methods=["POST"]),
    Route(f"/requests/{REFERENCE}/note", request_note, methods=["POST"]),
    Route(f"/requests/{REFERENCE}/assign", request_assign, methods=["POST"]),
]
