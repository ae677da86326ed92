"""How the assistant is used: conversations per day, topics, fallbacks and the enquiry
funnel, drawn as charts with their numbers beside them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.admin import analytics, usage_report
from bot.leads.filters import FilterError, parse_since
from bot.workspace.auth import page, workspace_of
from bot.workspace.templating import render
from bot.workspace.work_list import MAX_FILTER_TEXT

USAGE_DEFAULT_SINCE = "30d"


@page()
def usage(request: Request) -> Response:
    """How the assistant is used (conversations, topics, fallbacks, the enquiry funnel)."""
    since_text = (request.query_params.get("since") or "").strip()[:MAX_FILTER_TEXT]
    since_text = since_text or USAGE_DEFAULT_SINCE
    try:
        since = parse_since(since_text)
    except FilterError as error:
        return render(request, "usage.html", 400, since=since_text, report=None, charts="",
                      error=str(error))  # fmt: skip
    events = workspace_of(request).tracker_events(since=since.timestamp() if since else None)
    report = analytics.report(analytics.conversations(events))
    # usage_report escapes every text it includes: the one HTML a template prints as is.
    return render(request, "usage.html", since=since_text, report=report,
                  charts=usage_report.fragment(report))  # fmt: skip


routes = [Route("/usage", usage)]
