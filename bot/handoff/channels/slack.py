"""Slack-compatible incoming webhook: a one-line heads-up, not the lead itself.

Chat channels are read by many people and kept forever, so the message names
the reference, priority, team and quantities but no contact details.
"""

from __future__ import annotations

import json

from bot.handoff.channels.base import post
from bot.handoff.message import Handoff

_EMOJI = {"hot": ":fire:", "warm": ":sunny:", "cold": ":snowflake:"}


def _escape(text: str) -> str:
    """Slack's mrkdwn treats &, < and > as markup; visitor text must stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(handoff: Handoff) -> str:
    lead, assessment = handoff.lead, handoff.assessment
    what = "Updated lead" if handoff.event != "lead_submitted" else "New lead"
    return (
        f"{_EMOJI.get(assessment.priority, '')} {what} *{_escape(handoff.reference)}* "
        f"({assessment.priority}, score {assessment.score}) for team "
        f"*{_escape(assessment.route.team)}*: {_escape(lead.get('buyer_type') or '')}, "
        f"{handoff.total_quantity} unit(s), {_escape(lead.get('country') or 'country unknown')}"
    )


class SlackChannel:
    name = "slack"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url, self.timeout = url, timeout

    def send(self, handoff: Handoff) -> None:
        body = json.dumps({"text": slack_text(handoff)}).encode("utf-8")
        post(self.url, body, {"Content-Type": "application/json"}, self.timeout)
