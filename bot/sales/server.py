"""The sales inbox HTTP server: login, lead list, lead detail and status changes.

Standard-library ``ThreadingHTTPServer`` like the demo site, on its own port
(SALES_INBOX_PORT) so it can be firewalled apart from the public pages.
Sessions are signed cookies (``sessions.py``) and leads live in the database;
what instances share besides is the record of signed-out sessions, a file
under the var dir (``revocation.py``), and with REDIS_URL that record and the
login throttle (``throttle.py``) in Redis, so instances on several machines can
share the traffic. Without REDIS_URL the throttle is kept per process.
Malformed and hostile requests are refused by
:class:`bot.http_serving.GuardedRequestHandler`, as on the demo site.
"""

from __future__ import annotations

import logging
import math
import re
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import Callable, Dict, Iterable, Tuple
from urllib.parse import parse_qs, urlsplit

from bot.handoff.human.request import HandoffNotFound, InvalidHandoffRequest
from bot.http_serving import GuardedRequestHandler, LocalHTTPServer
from bot.leads.errors import DatabaseUnavailable, InvalidStatusChange, LeadNotFound
from bot.leads.rules import Rules
from bot.sales import views
from bot.sales.revocation import RevokedSessions
from bot.sales.sessions import SESSION_LIFETIME, Session, SessionSigner
from bot.sales.throttle import LoginThrottle

log = logging.getLogger(__name__)

CSS_FILE = Path(__file__).resolve().parent / "static" / "inbox.css"
COOKIE = "sales_inbox_session"
DEVICE_COOKIE = "sales_inbox_device"  # only sent to /login, see _throttle_key
DEVICE_LIFETIME = 180 * 24 * 60 * 60
ACCOUNT = "team"  # one shared password; with personal accounts, key by the checked name
MAX_FORM_BYTES = 64 * 1024
HEALTH_PATH = "/healthz"
_LEAD = re.compile(r"^/leads/([A-Za-z0-9-]{1,32})(/status|/note)?$")
EXPORT_PATH = "/export.csv"
USAGE_PATH = "/usage"
_REQUEST = re.compile(r"^/requests/([A-Za-z0-9-]{1,32})(/close)?$")
HTML_HEADERS = {
    # No scripts at all, styles only from this server, forms only to this server.
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",  # pages hold personal data
}


class InboxServer(LocalHTTPServer):
    """The HTTP server plus what its handlers need: signer, database and scoring rules."""

    def __init__(self, address, password_hash: str, uow_factory: Callable, rules: Rules,
                 session_lifetime: int = SESSION_LIFETIME, *,
                 revoked: RevokedSessions | None = None, throttle: LoginThrottle | None = None,
                 secure_cookies: bool = False, notice: str | None = None,
                 tracker_store_url: str | None = None) -> None:  # fmt: skip
        self.password_hash = password_hash
        self.tracker_store_url = tracker_store_url  # conversations, for the usage page
        self.notice = notice  # shown above the lead list, e.g. that nothing reaches sales
        self.signer = SessionSigner.from_password_hash(password_hash, lifetime=session_lifetime)
        self.uow_factory = uow_factory
        self.rules = rules
        self.revoked = RevokedSessions() if revoked is None else revoked
        self.throttle = LoginThrottle() if throttle is None else throttle
        self.secure_cookies = secure_cookies
        self.css = CSS_FILE.read_bytes()
        super().__init__(address, InboxHandler)


class InboxHandler(GuardedRequestHandler):
    """Routes requests to :mod:`bot.sales.views`; owns cookies, forms and headers."""

    server: InboxServer
    methods = ("GET", "HEAD", "POST")
    server_version = "SalesInbox"
    sys_version = ""

    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_HEAD(self) -> None:
        self._dispatch(self._get)  # _send leaves the body out

    def do_POST(self) -> None:
        self._dispatch(self._post)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        log.info("%s %s", self.address_string(), format % args)

    def _dispatch(self, route: Callable[[str, Dict[str, str]], None]) -> None:
        """Run a route; turn the errors every page can meet into an error page."""
        parts = urlsplit(self.path)
        try:
            route(parts.path, _first_values(parts.query))
        except DatabaseUnavailable as error:
            log.error("database unavailable: %s", error)
            self._page(HTTPStatus.SERVICE_UNAVAILABLE, views.unavailable())
        except Exception:
            log.exception("sales inbox failed on %s %s", self.command, parts.path)
            self._page(HTTPStatus.INTERNAL_SERVER_ERROR, views.failure())

    def _get(self, path: str, query: Dict[str, str]) -> None:
        if path == HEALTH_PATH:
            return self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
        if path == "/inbox.css":
            return self._send(HTTPStatus.OK, self.server.css, "text/css; charset=utf-8")
        session = self._session()
        if path == "/login":
            if session is not None:
                return self._redirect("/")
            return self._page(HTTPStatus.OK, views.login_form(query.get("next")))
        if session is None:
            return self._redirect("/login?next=" + views.quote_path(self.path))
        csrf = self.server.signer.csrf_token(session)
        lead, request = _LEAD.match(path), _REQUEST.match(path)
        if path == "/":
            return self._page(*views.lead_list(self.server, query, csrf))
        if path == USAGE_PATH:
            return self._page(*views.usage(self.server, query, csrf))
        if path == "/conversations":
            return self._page(*views.conversations(self.server, query, csrf))
        if path == "/conversation":
            return self._page(*views.conversation(self.server, query, csrf))
        if path == EXPORT_PATH:
            status, body = views.export_csv(self.server, query)
            kind = "text/csv" if status == HTTPStatus.OK else "text/plain"
            download = f'attachment; filename="leads-{date.today().isoformat()}.csv"'
            headers = [("Content-Disposition", download), ("Cache-Control", "no-store")]
            return self._send(status, body.encode("utf-8"), f"{kind}; charset=utf-8",
                              headers if status == HTTPStatus.OK else [])  # fmt: skip
        if lead and not lead.group(2):
            return self._page(*views.lead_detail(self.server, lead.group(1), csrf, query))
        if request and not request.group(2):
            return self._page(*views.request_detail(self.server, request.group(1), csrf, query))
        self._page(HTTPStatus.NOT_FOUND, views.not_found(csrf))

    def _post(self, path: str, query: Dict[str, str]) -> None:
        form = self._form()
        if form is None:
            return self._page(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, views.failure())
        if path == "/login":
            return self._login(form)
        session = self._session()
        if session is None:
            return self._redirect("/login")
        if not self.server.signer.check_csrf(session, form.get("csrf")):
            return self._page(HTTPStatus.FORBIDDEN, views.csrf_refused())
        if path == "/logout":
            self.server.revoked.revoke(session)  # a copy of the cookie must not outlive this
            return self._redirect("/login", cookies=[self._cookie(COOKIE, "", 0)])
        lead, request = _LEAD.match(path), _REQUEST.match(path)
        if lead and lead.group(2):
            return self._change_lead(lead.group(1), lead.group(2), form)
        if request and request.group(2):
            return self._close_request(request.group(1), form)
        self._page(HTTPStatus.NOT_FOUND, views.not_found(form.get("csrf")))

    def _change_lead(self, reference: str, what: str, form: Dict[str, str]) -> None:
        try:
            if what == "/note":
                views.add_note(self.server, reference, form.get("note"))
            else:
                views.change_status(self.server, reference, form.get("status"), form.get("note"))
        except (InvalidStatusChange, LeadNotFound) as error:
            status, page = views.lead_detail(self.server, reference, form["csrf"], {}, str(error))
            return self._page(HTTPStatus.CONFLICT if status == HTTPStatus.OK else status, page)
        done = "noted" if what == "/note" else "updated"
        self._redirect(f"/leads/{reference}?{done}=1")

    def _close_request(self, reference: str, form: Dict[str, str]) -> None:
        try:
            views.close(self.server, reference)
        except (InvalidHandoffRequest, HandoffNotFound) as error:
            status, page = views.request_detail(self.server, reference, form["csrf"], {},
                                                str(error))  # fmt: skip
            return self._page(HTTPStatus.CONFLICT if status == HTTPStatus.OK else status, page)
        self._redirect(f"/requests/{reference}?closed=1")

    def _login(self, form: Dict[str, str]) -> None:
        next_path = views.safe_next(form.get("next"))
        key = self._throttle_key()
        wait = math.ceil(self.server.throttle.admit(key))
        if wait:
            message = f"Too many wrong passwords. Wait {wait} second{'s' * (wait > 1)} and retry."
            page = views.login_form(next_path, message)
            return self._page(HTTPStatus.TOO_MANY_REQUESTS, page, [("Retry-After", str(wait))])
        if not views.password_matches(self.server, form.get("password", "")):
            message = "That password is not right."
            return self._page(HTTPStatus.UNAUTHORIZED, views.login_form(next_path, message))
        self.server.throttle.succeeded(key)
        signer = self.server.signer
        device = self._cookie(DEVICE_COOKIE, signer.issue_device(), DEVICE_LIFETIME, "/login")
        session = self._cookie(COOKIE, signer.issue(), signer.lifetime)
        self._redirect(next_path, cookies=[device, session])

    def _throttle_key(self) -> Tuple[str, str]:
        """Whose wrong passwords slow this login down.

        A browser that signed in before has its own key, so a guesser behind
        the same proxy address cannot slow the team down; any other attempt
        counts for the account and the client address.
        """
        device = self.server.signer.verify_device(self._cookie_value(DEVICE_COOKIE))
        return ("device", device) if device else (ACCOUNT, self.client_address[0])

    def _session(self) -> Session | None:
        session = self.server.signer.verify(self._cookie_value(COOKIE))
        if session is None or self.server.revoked.is_revoked(session):
            return None
        return session

    def _cookie_value(self, name: str) -> str | None:
        return _cookie_value(self.headers.get("Cookie", ""), name)

    def _cookie(self, name: str, value: str, max_age: int, path: str = "/") -> str:
        flags = f"; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict"
        return f"{name}={value}{flags}{'; Secure' if self._secure() else ''}"

    def _secure(self) -> bool:
        """Cookies travel only over HTTPS when so configured or a TLS proxy says so."""
        forwarded = self.headers.get("X-Forwarded-Proto", "").lower() == "https"
        return self.server.secure_cookies or forwarded

    def _form(self) -> Dict[str, str] | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_FORM_BYTES:
            self.close_connection = True  # the unread body must not be taken for a request
            return None
        return _first_values(self.rfile.read(length).decode("utf-8", "replace"))

    def _page(self, status: int, body: str, headers: Iterable[Tuple[str, str]] = ()) -> None:
        headers = [*HTML_HEADERS.items(), *headers]
        self._send(status, body.encode("utf-8"), "text/html; charset=utf-8", headers)

    def _redirect(self, location: str, cookies: Iterable[str] = ()) -> None:
        headers = [("Location", location), ("Cache-Control", "no-store")]
        headers += [("Set-Cookie", cookie) for cookie in cookies]
        self._send(HTTPStatus.SEE_OTHER, b"", "text/plain; charset=utf-8", headers)

    def _send(self, status: int, body: bytes, content_type: str,
              headers: Iterable[Tuple[str, str]] = ()) -> None:  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _first_values(query: str) -> Dict[str, str]:
    return {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}


def _cookie_value(header: str, name: str) -> str | None:
    """Read one cookie by hand: SimpleCookie gives up on the whole header at the first oddity."""
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
