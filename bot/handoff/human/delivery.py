"""Delivering a "talk to a person" notification through the lead channels.

The dispatcher claims, retries and dead-letters ``handoff`` rows exactly like
lead rows; only the message differs, so this module formats it for each
channel and reuses the channels' transports and configuration:

* webhook: the channel itself (its body is ``as_json()``, signed, with
  ``Idempotency-Key`` = the request reference);
* e-mail: subject ``Visitor asks for a person: HO-...``, Reply-To the visitor,
  sent with the channel's :meth:`~EmailChannel.send_message` (TLS rules included);
* Slack: a one-line heads-up without contact details, as for leads.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Dict, List, Mapping

from bot.handoff.channels.base import Channel, DeliveryError, post
from bot.handoff.channels.email import EmailChannel, compose, safe_header
from bot.handoff.channels.slack import SlackChannel
from bot.handoff.channels.webhook import WebhookChannel
from bot.handoff.human.service import HANDOFF_KIND, get_request
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads.rules import Route

_FIELDS = (("Name", "name"), ("E-mail", "email"), ("Phone", "phone"),
           ("Lead", "lead_reference"), ("Conversation", "conversation_id"),
           ("Asked at", "created_at"), ("Status", "status"))  # fmt: skip


@dataclass(frozen=True)
class PersonRequested:
    """One visitor asking for a person, as every channel sends it."""

    key: str  # the idempotency key receivers deduplicate on: the request reference
    request: Mapping[str, Any]  # bot.handoff.human.service.handoff_record, with transcript
    route: Route  # the rules' default team: the ask is for a person, not about a product

    event = HANDOFF_KIND

    @property
    def reference(self) -> str:
        return self.request["reference"]

    def as_json(self) -> Dict[str, Any]:
        """The webhook body: ``kind`` tells receivers this is not a lead."""
        return {
            "idempotency_key": self.key,
            "kind": HANDOFF_KIND,
            "event": HANDOFF_KIND,
            "reference": self.reference,
            "routing": self.route.as_dict(),
            "request": {k: v for k, v in self.request.items() if k != "transcript"},
            "transcript": list(self.request.get("transcript") or ()),
        }


def person_requested(uow: AbstractUnitOfWork, reference: str, route: Route) -> PersonRequested:
    """The message for a claimed ``handoff`` row, from the request as it is now."""
    return PersonRequested(key=reference, request=get_request(uow, reference), route=route)


def send(channel: Channel, message: PersonRequested) -> None:
    """Deliver through ``channel`` or raise :class:`DeliveryError`."""
    if isinstance(channel, EmailChannel):
        recipient = channel.recipient(message.route)
        channel.send_message(build_email(message, channel.sender, recipient))
    elif isinstance(channel, SlackChannel):
        body = json.dumps({"text": slack_text(message)}).encode("utf-8")
        post(channel.url, body, {"Content-Type": "application/json"}, channel.timeout)
    elif isinstance(channel, WebhookChannel):
        channel.send(message)  # it only reads ``key`` and ``as_json()``, which this has
    else:
        raise DeliveryError(f"the {channel.name} channel cannot deliver hand-off requests yet")


def subject(message: PersonRequested) -> str:
    return safe_header(f"Visitor asks for a person: {message.reference}")


def text_body(message: PersonRequested) -> str:
    request = message.request
    lines = [f"A visitor asks to talk to a person ({message.reference}).",
             "Please reply by e-mail; the visitor was told when to expect it.", ""]  # fmt: skip
    lines += [f"{label}: {value}" for label, value in _rows(request)]
    lines += ["", "What they said:", f"  {request.get('reason') or '-'}"]
    lines += ["", "Conversation:"] + [f"  {line}" for line in _transcript(request)]
    return "\n".join(lines) + "\n"


def html_body(message: PersonRequested) -> str:
    e, request = html.escape, message.request
    rows = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>"
                   for k, v in _rows(request))  # fmt: skip
    lines = "".join(f"<li>{e(line)}</li>" for line in _transcript(request))
    return (
        f"<html><body><h2>A visitor asks to talk to a person ({e(message.reference)})</h2>"
        f"<table>{rows}</table><h3>What they said</h3><p>{e(request.get('reason') or '-')}</p>"
        f"<h3>Conversation</h3><ul>{lines}</ul></body></html>"
    )


def slack_text(message: PersonRequested) -> str:
    lead = message.request.get("lead_reference")
    about = f" (lead {_slack_escape(lead)})" if lead else ""
    return (
        f":raising_hand: Visitor asks for a person: *{_slack_escape(message.reference)}*"
        f"{about}, team *{_slack_escape(message.route.team)}*; details by e-mail/CRM"
    )


def build_email(message: PersonRequested, sender: str, recipient: str) -> EmailMessage:
    return compose(message.key, subject(message), text_body(message), html_body(message),
                   visitor=message.request, sender=sender, recipient=recipient)  # fmt: skip


def _rows(request: Mapping[str, Any]) -> List[tuple]:
    return [(label, str(request.get(key) or "-")) for label, key in _FIELDS]


def _transcript(request: Mapping[str, Any]) -> List[str]:
    return [f"{m.get('sender', '?')}: {m.get('text') or ''}"
            for m in request.get("transcript") or ()]  # fmt: skip


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
