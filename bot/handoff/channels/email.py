"""E-mail channel: the lead in the routed team's inbox, as plain text with an HTML twin.

Everything in the message was typed by a visitor, so it is HTML-escaped in the
HTML part and stripped of line breaks in headers (a newline in a header would
let a visitor add recipients). The Message-ID is derived from the idempotency
key, so a redelivered e-mail is recognisably the same message.
"""

from __future__ import annotations

import html
import re
import smtplib
import ssl
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any, Iterable, List, Mapping, Tuple

from bot.handoff.channels.base import DeliveryError
from bot.handoff.message import Handoff
from bot.leads.rules import Route

_FIELDS = (
    ("Organisation", "organisation"),
    ("Name", "name"),
    ("E-mail", "email"),
    ("Phone", "phone"),
    ("Country", "country"),
    ("Buyer type", "buyer_type"),
    ("Timeline", "timeline"),
    ("Budget", "budget"),
    ("Notes", "notes"),
)
_UNSAFE_HEADER = re.compile(r"[\x00-\x1f\x7f]+")


def safe_header(text: Any) -> str:
    """Visitor text in a header: a newline there would let them add recipients."""
    return _UNSAFE_HEADER.sub(" ", str(text or "")).strip()


def _rows(lead: Mapping[str, Any]) -> List[Tuple[str, str]]:
    return [(label, str(lead.get(key) or "-")) for label, key in _FIELDS]


def _items(lead: Mapping[str, Any]) -> List[str]:
    return [f"{item['product']} x {item['quantity']}" for item in lead.get("items") or ()]


def _transcript(lead: Mapping[str, Any]) -> List[str]:
    return [f"{m.get('sender', '?')}: {m.get('text') or ''}" for m in lead.get("transcript") or ()]


def subject(handoff: Handoff) -> str:
    who = handoff.lead.get("organisation") or handoff.lead.get("name") or "unnamed"
    what = "New lead" if handoff.event == "lead_submitted" else "Updated lead"
    return safe_header(
        f"[{handoff.assessment.priority.upper()}] {what} {handoff.reference} - {who} "
        f"({handoff.total_quantity} units)"
    )


def text_body(handoff: Handoff) -> str:
    a = handoff.assessment
    lines = [f"Lead {handoff.reference} for team {a.route.team}",
             f"Priority: {a.priority} (score {a.score})", ""]  # fmt: skip
    lines += [f"{label}: {value}" for label, value in _rows(handoff.lead)]
    lines += ["", "Items:"] + [f"  - {item}" for item in _items(handoff.lead)]
    lines += ["", "Conversation:"] + [f"  {line}" for line in _transcript(handoff.lead)]
    return "\n".join(lines) + "\n"


def html_body(handoff: Handoff) -> str:
    a, e = handoff.assessment, html.escape
    rows = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>"
                   for k, v in _rows(handoff.lead))  # fmt: skip
    return (
        f"<html><body><h2>Lead {e(handoff.reference)} for team {e(a.route.team)}</h2>"
        f"<p><strong>Priority: {e(a.priority)}</strong> (score {a.score})</p>"
        f"<table>{rows}</table><h3>Items</h3>{_html_list(_items(handoff.lead))}"
        f"<h3>Conversation</h3>{_html_list(_transcript(handoff.lead))}</body></html>"
    )


def _html_list(lines: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"


def build_message(handoff: Handoff, sender: str, recipient: str) -> EmailMessage:
    return compose(handoff.key, subject(handoff), text_body(handoff), html_body(handoff),
                   visitor=handoff.lead, sender=sender, recipient=recipient)  # fmt: skip


def compose(key: str, subject_line: str, body_text: str, body_html: str, *,
            visitor: Mapping[str, Any], sender: str, recipient: str) -> EmailMessage:  # fmt: skip
    """Plain text with an HTML twin, Reply-To the visitor, a Message-ID derived from ``key``."""
    message = EmailMessage()
    message["Subject"] = subject_line
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = f"<{re.sub(r'[^A-Za-z0-9.:_-]', '_', key)}@footcare-bot>"
    reply_to = visitor_address(visitor)
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message.set_content(body_text)
    message.add_alternative(body_html, subtype="html")
    return message


def visitor_address(visitor: Mapping[str, Any]) -> Address | None:
    """Sales replies go straight to the visitor, if what they typed is an address."""
    try:
        address = Address(
            safe_header(visitor.get("name")), addr_spec=safe_header(visitor.get("email"))
        )
    except (ValueError, IndexError, HeaderParseError):
        return None
    return address if address.username and address.domain else None


class EmailChannel:
    """SMTP delivery; port 465 means TLS from the start, otherwise STARTTLS when offered."""

    name = "email"

    def __init__(self, host: str, port: int, sender: str, fallback_recipient: str | None,
                 user: str | None = None, password: str | None = None,
                 timeout: float = 20.0) -> None:  # fmt: skip
        self.host, self.port, self.sender = host, port, sender
        self.fallback_recipient = fallback_recipient
        self.user, self.password, self.timeout = user, password, timeout

    def recipient(self, route: Route) -> str:
        """The team's address, else SALES_EMAIL."""
        address = route.email or self.fallback_recipient
        if not address:
            raise DeliveryError(f"team {route.team!r} has no e-mail address "
                                "and SALES_EMAIL is not set")  # fmt: skip
        return address

    def send(self, handoff: Handoff) -> None:
        recipient = self.recipient(handoff.assessment.route)
        self.send_message(build_message(handoff, self.sender, recipient))

    def send_message(self, message: EmailMessage) -> None:
        """Send ``message`` as configured: TLS rules, login, and no password over plain text."""
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {error}") from None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.port == 465:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif self.user:
                raise DeliveryError(f"SMTP {self.host}:{self.port} offers no STARTTLS; "
                                    "refusing to send SMTP_PASSWORD unencrypted")  # fmt: skip
        except BaseException:
            smtp.close()
            raise
        return smtp
