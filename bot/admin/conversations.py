"""Conversations as an admin reviews them: which to look at, and each one in context.

Rasa X used to be where a team read what visitors said; this reads the same
tracker store. The list narrows to the conversations worth a look (where the
bot did not understand, enquiries left unfinished), and one conversation reads
as a chat with what the bot understood beside each visitor message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Optional

from bot.admin.analytics import DEFAULT_FALLBACK, FUNNEL_START, QUESTION_LABELS, Conversation
from bot.admin.examples import FALLBACK_INTENT
from bot.admin.inbox import best_guess, predicted_label, suggested_label

SHOW = ("all", "fallbacks", "abandoned", "submitted")


@dataclass
class Turn:
    """One message of a conversation; for the visitor's, what the bot made of it."""

    speaker: str  # "visitor" or "bot"
    text: str
    at: float
    understood_as: Optional[str] = None
    confidence: Optional[float] = None
    fell_back: bool = False


def chosen(conversations: Iterable[Conversation], show: str) -> List[Conversation]:
    """The conversations ``show`` asks for (one of :data:`SHOW`), most recent first."""
    keep = {
        "all": lambda c: True,
        "fallbacks": lambda c: c.fallbacks > 0,
        "abandoned": lambda c: c.abandoned_at is not None,
        "submitted": lambda c: c.submitted,
    }[show]
    return sorted((c for c in conversations if c.messages and keep(c)),
                  key=lambda c: c.started, reverse=True)  # fmt: skip


def enquiry_state(conversation: Conversation) -> str:
    """ "submitted", "left at <question>", or "" when no enquiry was started."""
    if conversation.submitted:
        return "submitted"
    where = conversation.abandoned_at
    if where is None:
        return ""
    return "left at the start" if where == FUNNEL_START else f"left at {QUESTION_LABELS[where]}"


def turns(events: Iterable[tuple]) -> List[Turn]:
    """The messages of one conversation's events, the visitor's with their reading."""
    said: List[Turn] = []
    last_visitor: Optional[Turn] = None
    for _sender, kind, stamp, data in events:
        if kind == "user" and data.get("text"):
            parse = data.get("parse_data") or {}
            fell_back = predicted_label(parse) == FALLBACK_INTENT
            # After a fallback, the model's own best guess says more than the threshold.
            reading = (best_guess(parse) if fell_back else None) or parse.get("intent") or {}
            label = suggested_label(parse) if fell_back else predicted_label(parse)
            last_visitor = Turn("visitor", data["text"], stamp, label,
                                reading.get("confidence"), fell_back)  # fmt: skip
            said.append(last_visitor)
        elif kind == "bot" and data.get("text"):
            said.append(Turn("bot", data["text"], stamp))
        elif kind == "action" and data.get("name") == DEFAULT_FALLBACK and last_visitor:
            last_visitor.fell_back = True
    return said
