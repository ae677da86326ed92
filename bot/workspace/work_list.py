"""The work list: leads and requests to talk to a person in one table, and its CSV export.

For any signed-in account. Filters are read from the query string; a value
that makes no sense is explained on the page with a 400, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Tuple
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.accounts.service import active_names
from bot.handoff.human import service as requests_service
from bot.handoff.models import HANDOFF_STATUSES
from bot.leads import records
from bot.leads import services as leads_service
from bot.leads.filters import PRIORITY_LEVELS, FilterError, parse_since, with_priority
from bot.leads.models import LEAD_STATUSES
from bot.leads.rules import Assessment
from bot.workspace.auth import page, workspace_of
from bot.workspace.context import Workspace
from bot.workspace.templating import items_summary, render

LIST_LIMIT = 500  # rows a person can still scroll; the filters find the rest
PREVIEW = 90  # characters of "what" in the work list
MAX_FILTER_TEXT = 200
FILTER_FIELDS = ("kind", "status", "priority", "assigned", "text", "since")
KINDS = {"": "All", "enquiries": "Enquiries", "requests": "Talk to a person"}


@dataclass(frozen=True)
class WorkFilter:
    """What the work list's filter form asks for; ``values`` are the raw inputs, as typed."""

    values: Mapping[str, str]
    since: datetime | None
    assigned: str  # "" anyone, "nobody", or a user name ("me" already resolved)

    def get(self, name: str) -> str | None:
        return self.values[name] or None

    @property
    def wants_leads(self) -> bool:
        status = self.get("status")
        return self.values["kind"] != "requests" and status in (None, *LEAD_STATUSES)

    @property
    def wants_requests(self) -> bool:
        """Requests have no priority, so asking for one shows leads only."""
        status = self.get("status")
        return (self.values["kind"] != "enquiries" and not self.get("priority")
                and status in (None, *HANDOFF_STATUSES))  # fmt: skip

    def assigned_to(self, assignee: str | None) -> bool:
        if not self.assigned:
            return True
        return assignee is None if self.assigned == "nobody" else assignee == self.assigned


@dataclass(frozen=True)
class WorkRow:
    """One line of the work list: a lead or a request, shown alike."""

    kind: str  # "lead" or "request"
    reference: str
    received: str | None
    name: str | None
    organisation: str | None
    what: str
    status: str
    assigned_to: str | None
    verdict: Assessment | None = None

    @property
    def link(self) -> str:
        return f"/{self.kind}s/{self.reference}"


def _filter_values(query: Mapping[str, str]) -> Dict[str, str]:
    return {name: (query.get(name) or "").strip()[:MAX_FILTER_TEXT] for name in FILTER_FIELDS}


def _work_filter(values: Mapping[str, str], username: str) -> WorkFilter:
    """The filter ``values`` ask for; FilterError says which value is wrong and why."""
    if values["kind"] not in KINDS:
        raise FilterError("kind must be enquiries or requests")
    statuses = (*LEAD_STATUSES, *HANDOFF_STATUSES)
    if values["status"] and values["status"] not in statuses:
        raise FilterError(f"status must be one of {', '.join(statuses)}")
    if values["priority"] and values["priority"] not in PRIORITY_LEVELS:
        raise FilterError(f"priority must be one of {', '.join(PRIORITY_LEVELS)}")
    assigned = username if values["assigned"] == "me" else values["assigned"]
    return WorkFilter(values, parse_since(values["since"]), assigned)


def _matching_leads(workspace: Workspace, chosen: WorkFilter) -> List[Tuple[dict, Assessment]]:
    """Leads passing the filters with their assessment, newest first."""
    if not chosen.wants_leads:
        return []
    found = leads_service.list_leads(workspace.uow_factory(), status=chosen.get("status"),
                                     since=chosen.since, text=chosen.get("text"))  # fmt: skip
    mine = (lead for lead in reversed(found) if chosen.assigned_to(lead["assigned_to"]))
    return with_priority(mine, workspace.rules, chosen.get("priority"))


def _matching_requests(workspace: Workspace, chosen: WorkFilter) -> List[Dict[str, Any]]:
    """Requests passing the filters (searched and dated here: there are few), newest first."""
    if not chosen.wants_requests:
        return []
    found = requests_service.list_requests(workspace.uow_factory(), status=chosen.get("status"))
    needle = (chosen.get("text") or "").casefold()
    return [
        request for request in reversed(found)
        if chosen.assigned_to(request["assigned_to"])
        and (not chosen.since or _utc(request["created_at"]) >= chosen.since)
        and (not needle or any(needle in (request[name] or "").casefold()
                               for name in ("reference", "name", "email", "reason")))
    ]  # fmt: skip


def _lead_row(lead: Mapping[str, Any], verdict: Assessment) -> WorkRow:
    return WorkRow("lead", lead["reference"], lead["created_at"], lead["name"],
                   lead["organisation"], _preview(items_summary(lead["items"])),
                   lead["status"], lead["assigned_to"], verdict)  # fmt: skip


def _request_row(request: Mapping[str, Any]) -> WorkRow:
    return WorkRow("request", request["reference"], request["created_at"], request["name"],
                   None, _preview(request["reason"] or ""), request["status"],
                   request["assigned_to"])  # fmt: skip


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1].rstrip() + "…"


def _utc(iso_text: str | None) -> datetime:
    """Stored times are UTC; SQLite hands them back without the offset."""
    if not iso_text:
        return datetime.min.replace(tzinfo=timezone.utc)
    moment = datetime.fromisoformat(iso_text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _export_link(values: Mapping[str, str]) -> str:
    """The CSV of what the list shows: the same filters (the export keeps the lead ones)."""
    chosen = {name: value for name, value in values.items() if value}
    return "/export.csv" + (f"?{urlencode(chosen)}" if chosen else "")


def _work_list_page(request: Request, values: Mapping[str, str], rows: List[WorkRow],
                    status: int = 200, **context: Any) -> Response:  # fmt: skip
    workspace = workspace_of(request)
    return render(request, "work_list.html", status, values=values, rows=rows[:LIST_LIMIT],
                  total=len(rows), truncated=len(rows) > LIST_LIMIT,
                  leads_count=sum(row.kind == "lead" for row in rows), kinds=KINDS,
                  lead_statuses=LEAD_STATUSES, request_statuses=HANDOFF_STATUSES,
                  priorities=PRIORITY_LEVELS, names=active_names(workspace.uow_factory()),
                  export_link=_export_link(values), warning=workspace.notice,
                  **context)  # fmt: skip


@page()
def work_list(request: Request) -> Response:
    """Leads and requests to talk to a person in one list, newest first, so nothing waits
    unseen in a second table."""
    values = _filter_values(request.query_params)
    try:
        chosen = _work_filter(values, request.state.account["username"])
    except FilterError as error:
        return _work_list_page(request, values, [], 400, error=str(error))
    workspace = workspace_of(request)
    rows = [_lead_row(lead, verdict) for lead, verdict in _matching_leads(workspace, chosen)]
    rows += [_request_row(found) for found in _matching_requests(workspace, chosen)]
    rows.sort(key=lambda row: _utc(row.received), reverse=True)
    return _work_list_page(request, values, rows)


@page()
def export_csv(request: Request) -> Response:
    """Every lead the list's filters show (not only the first page), as ``bot leads export``
    writes them, oldest first."""
    try:
        chosen = _work_filter(_filter_values(request.query_params),
                              request.state.account["username"])  # fmt: skip
    except FilterError as error:
        return PlainTextResponse(f"{error}\n", 400)
    leads = [lead for lead, _ in reversed(_matching_leads(workspace_of(request), chosen))]
    filename = f"leads-{datetime.now(timezone.utc).date().isoformat()}.csv"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(records.to_csv(leads), media_type="text/csv", headers=disposition)


routes = [
    Route("/", work_list),
    Route("/export.csv", export_csv),
]
