"""Telling an answer from a question in the middle of the enquiry form.

The form's slots take the message text unless the intent is one of the
interrupting intents (questions, "stop", crisis...). The classifier sometimes
reads a plain answer ("Ireland", "20 rollers and 5 calf massagers") as a
product question; :func:`reads_as_answer` lets the form take such a message
anyway when it does not look like a question at all.

A request for a person is taken at its word only when it mentions someone to
talk to: a one-word answer such as "september" read as ``human_handoff`` would
otherwise end the enquiry.

The notes question ("anything else our sales team should know?") is where a
visitor naturally asks the team something ("do you offer dropshipping?"):
there a question is the note, kept for the team, not interrupted.
"""

from __future__ import annotations

import re

from bot.leads.intake.fields import NOTES

# Intents that may be a misread answer. Crisis, stop, "why" and bot questions
# are always taken at their word.
MISREADABLE_INTENTS = frozenset(
    {
        "faq",
        "ask_product",
        "list_products",
        "compare_products",
        "product_for_setting",
        "tell_more",
        "ask_commercial",
    }
)
HANDOFF_INTENT = "human_handoff"
_ASKS_FOR_SOMEONE = re.compile(
    r"\b(?:person|people|human|someone|somebody|anyone|agent|rep|representative|staff|team|"
    r"sales|call|phone|speak|talk|chat|contact|manager|colleague|real)\b",
    re.I,
)
_QUESTION_START = frozenset(
    {
        "what", "whats", "what's", "how", "hows", "how's", "why", "which", "who", "where",
        "when", "does", "do", "did", "is", "are", "can", "could", "would", "will", "should",
        "tell", "show", "list", "explain", "compare", "give", "any", "anything", "describe",
        "difference", "help", "more", "price", "cost", "info", "information",
    }
)  # fmt: skip


def reads_as_answer(text: str, intent: str | None, slot: str | None = None) -> bool:
    """True when ``text``, classified as ``intent``, is better taken as an answer to ``slot``."""
    words = text.strip().lower().split()
    if intent == HANDOFF_INTENT and words:
        # "september" read as asking for a person would end the enquiry: only a
        # message that mentions someone to talk to is taken as that request.
        return not _ASKS_FOR_SOMEONE.search(text)
    if intent not in MISREADABLE_INTENTS or not words:
        return False
    if slot == NOTES:
        return True
    return "?" not in text and words[0].strip(",.!:") not in _QUESTION_START


def is_question_for_the_team(text: str, slot: str | None) -> bool:
    """A note that asks something: the visitor is told the team will answer it."""
    return slot == NOTES and "?" in text
