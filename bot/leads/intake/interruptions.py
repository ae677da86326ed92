"""Telling an answer from a question in the middle of the enquiry form.

The form's slots take the message text unless the intent is one of the
interrupting intents (questions, "stop", crisis...). The classifier sometimes
reads a plain answer ("Ireland", "20 rollers and 5 calf massagers") as a
product question; :func:`reads_as_answer` lets the form take such a message
anyway when it does not look like a question at all.
"""

from __future__ import annotations

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
_QUESTION_START = frozenset(
    {
        "what", "whats", "what's", "how", "hows", "how's", "why", "which", "who", "where",
        "when", "does", "do", "did", "is", "are", "can", "could", "would", "will", "should",
        "tell", "show", "list", "explain", "compare", "give", "any", "anything", "describe",
        "difference", "help", "more", "price", "cost", "info", "information",
    }
)  # fmt: skip


def reads_as_answer(text: str, intent: str | None) -> bool:
    """True when ``text``, classified as ``intent``, is better taken as an answer."""
    words = text.strip().lower().split()
    if intent not in MISREADABLE_INTENTS or not words or "?" in text:
        return False
    return words[0].strip(",.!:") not in _QUESTION_START
