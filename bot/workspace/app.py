"""The workspace application: routes of every page set, middleware and error pages."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.leads.errors import DatabaseUnavailable
from bot.workspace import auth, model_pages, record_pages, review_pages, usage_page, work_list
from bot.workspace.context import Workspace
from bot.workspace.guards import BodyLimit, SecurityHeaders
from bot.workspace.templating import TEMPLATES, render

log = logging.getLogger(__name__)
HEALTH_PATH = "/healthz"
STATIC = TEMPLATES.parent / "static"


async def health(request: Request) -> Response:
    return PlainTextResponse("ok\n")


async def _not_found(request: Request, error: HTTPException) -> Response:
    if error.status_code == 405:
        return PlainTextResponse("Method not allowed.\n", 405)
    return render(request, "error.html", error.status_code, title="Not found",
                  message="There is no such page, lead or request.")  # fmt: skip


async def _unavailable(request: Request, error: DatabaseUnavailable) -> Response:
    log.error("database unavailable: %s", error)
    return render(request, "error.html", 503, title="Database unavailable",
                  message="The database cannot be reached right now. Try again soon.")  # fmt: skip


async def _failure(request: Request, error: Exception) -> Response:
    log.exception("workspace failed on %s %s", request.method, request.url.path)
    return render(request, "error.html", 500, title="Something went wrong",
                  message="The request could not be handled.")  # fmt: skip


def create_app(workspace: Workspace) -> Starlette:
    routes = [
        Route(HEALTH_PATH, health),
        Route("/login", auth.login_form, methods=["GET"]),
        Route("/login", auth.login, methods=["POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *work_list.routes,
        *record_pages.routes,
        *usage_page.routes,
        *review_pages.routes,
        *model_pages.routes,
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit),
        Middleware(
            SessionMiddleware,
            secret_key=workspace.secret_key,
            session_cookie=auth.SESSION_COOKIE,
            max_age=workspace.session_lifetime,
            same_site="strict",
            https_only=workspace.secure_cookies,
        ),  # fmt: skip
    ]
    handlers = {HTTPException: _not_found, DatabaseUnavailable: _unavailable, Exception: _failure}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.state.workspace = workspace
    return app
