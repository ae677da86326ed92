"""Signing in and out, who is signed in, and what they may do.

A session is Starlette's signed cookie (itsdangerous, under the workspace
key) holding the account id, the account's session epoch, a random session id
and its end. Each request re-reads the account, so disabling it or changing
its password (which raises the epoch) signs that person out everywhere at
once; signing out records the session id as ended (``revocation.py``), so a
copied cookie is refused from then on rather than until it expires.

Every POST carries a CSRF token derived from the session id; cookies are
``SameSite=Strict`` and ``HttpOnly`` besides. Wrong passwords are slowed
down per browser that signed in before, or per user name and address
(``throttle.py``), never locked out.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
import time
from typing import Awaitable, Callable, Tuple
from urllib.parse import quote

from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.accounts.service import authenticate, signed_in
from bot.workspace.context import Workspace
from bot.workspace.revocation import Session
from bot.workspace.templating import render

SESSION_COOKIE = "workspace_session"
DEVICE_COOKIE = "workspace_device"  # only sent to /login, see _throttle_key
DEVICE_LIFETIME = 180 * 24 * 60 * 60
MAX_FORM_FIELDS = 50
Endpoint = Callable[[Request], Response]


def workspace_of(request: Request) -> Workspace:
    return request.app.state.workspace


def csrf_token(workspace: Workspace, session_id: str) -> str:
    digest = hmac.new(workspace.secret_key.encode(), f"csrf:{session_id}".encode(), hashlib.sha256)
    return digest.hexdigest()


def _device_signer(workspace: Workspace) -> Signer:
    return Signer(workspace.secret_key, salt="workspace device mark")


def _current_account(request: Request) -> dict | None:
    """The signed-in account, or None (no session, expired, signed out, disabled)."""
    workspace, session = workspace_of(request), request.session
    try:
        account_id, epoch = int(session["aid"]), int(session["epoch"])
        ended = Session(str(session["sid"]), int(session["exp"]))
    except (KeyError, TypeError, ValueError):
        return None
    if ended.expires <= time.time() or workspace.revoked.is_revoked(ended):
        return None
    return signed_in(workspace.uow_factory(), account_id, epoch)


def page(role: str | None = None) -> Callable[[Endpoint], Callable[[Request], Awaitable]]:
    """Guard a (synchronous) endpoint: signed in, in ``role`` if given, CSRF-checked POSTs.

    The endpoint finds the account in ``request.state.account`` and a POST's
    fields in ``request.state.form``; it runs in the thread pool.
    """

    def wrap(endpoint: Endpoint):
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            account = await run_in_threadpool(_current_account, request)
            if account is None:
                request.session.clear()
                target = "/login"
                if request.method == "GET":
                    target += "?next=" + quote(safe_next(request.url.path + _query(request)))
                return RedirectResponse(target, status_code=303)
            request.state.account = account
            request.state.csrf = csrf_token(workspace_of(request), request.session["sid"])
            if role is not None and account["role"] != role and account["role"] != "admin":
                return render(request, "error.html", 403, title="Not for your role",
                              message="This page is for admins.")  # fmt: skip
            if request.method == "POST":
                form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
                given = str(form.get("csrf") or "")
                if not hmac.compare_digest(given.encode(), request.state.csrf.encode()):
                    return render(request, "error.html", 403, title="Form expired",
                                  message="This form is no longer valid. Go back, reload the "
                                  "page and try again.")  # fmt: skip
                request.state.form = {key: str(value) for key, value in form.items()}
            return await run_in_threadpool(endpoint, request)

        return guarded

    return wrap


def _query(request: Request) -> str:
    return f"?{request.url.query}" if request.url.query else ""


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a path on this server only, never another site."""
    if not path or not path.startswith("/") or path.startswith(("//", "/\\")):
        return "/"
    if path.startswith(("/login", "/logout")):
        return "/"
    return quote(path, safe="/?=&-_.~%+")


async def login_form(request: Request) -> Response:
    if await run_in_threadpool(_current_account, request):
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", next=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:1024]
    next_path = safe_next(str(form.get("next") or ""))
    workspace = workspace_of(request)
    key = _throttle_key(request, username)
    wait = math.ceil(workspace.throttle.admit(key))
    if wait:
        message = f"Too many wrong passwords. Wait {wait} second{'s' * (wait > 1)} and retry."
        response = render(request, "login.html", 429, next=next_path, username=username,
                          error=message)  # fmt: skip
        response.headers["Retry-After"] = str(wait)
        return response
    account = await run_in_threadpool(authenticate, workspace.uow_factory(), username, password)
    if account is None:
        refusal = "That user name and password do not match an active account."
        return render(request, "login.html", 401, next=next_path, username=username,
                      error=refusal)  # fmt: skip
    workspace.throttle.succeeded(key)
    request.session.clear()  # a new session id on every sign-in: no fixation
    request.session.update(aid=account["id"], epoch=account["session_epoch"],
                           sid=secrets.token_urlsafe(18),
                           exp=int(time.time()) + workspace.session_lifetime)  # fmt: skip
    response = RedirectResponse(next_path, status_code=303)
    device = _device_signer(workspace).sign(secrets.token_urlsafe(12)).decode()
    response.set_cookie(DEVICE_COOKIE, device, max_age=DEVICE_LIFETIME, path="/login",
                        httponly=True, samesite="strict",
                        secure=workspace.secure_cookies)  # fmt: skip
    return response


@page()
def logout(request: Request) -> Response:
    session = request.session
    workspace_of(request).revoked.revoke(Session(str(session["sid"]), int(session["exp"])))
    session.clear()
    return RedirectResponse("/login", status_code=303)


def _throttle_key(request: Request, username: str) -> Tuple[str, ...]:
    """Whose wrong passwords slow this login down.

    A browser that signed in before has its own key, so a guesser behind the
    same proxy address cannot slow the team down; any other attempt counts
    for the user name and the client address.
    """
    mark = request.cookies.get(DEVICE_COOKIE, "")
    try:
        device = _device_signer(workspace_of(request)).unsign(mark).decode() if mark else ""
    except BadSignature:
        device = ""
    if device:
        return ("device", device)
    client = request.client.host if request.client else "unknown"
    return ("account", username.lower(), client)
