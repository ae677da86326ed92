"""What the bot tells a visitor who asked for a person, and what it passes on as their reason."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from bot.handoff.human.request import HandoffReceipt

HANDOFF_INTENT = "human_handoff"


def receipt_text(name: str | None, receipt: HandoffReceipt) -> str:
    """Thanks, the reference and an honest sentence on when to expect a reply."""
    return (
        f"Thanks, {name}. I've passed our conversation to our sales team "
        f"(reference {receipt.reference}). {receipt.expected_reply}"
    )


def handoff_reason(events: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The visitor's own words when they last asked for a person (Rasa events, newest last)."""
    for event in reversed(list(events)):
        parse = event.get("parse_data") or {}
        if event.get("event") == "user" and parse.get("intent", {}).get("name") == HANDOFF_INTENT:
            return event.get("text")
    return None
