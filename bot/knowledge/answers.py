"""Answers to FAQ topics and the fixed safety texts, as plain strings, and the
questions and buttons that name the product range.

Actions call these and send the result; the training-data generator uses
:func:`topic_answers` so the ResponseSelector's responses match word for word.
Health answers always end with the caution from ``safety.yml``. Replies that
never change live in ``domain.yml`` instead; the ones here depend on the
knowledge base being served.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

from bot.knowledge.catalogue import product_details
from bot.knowledge.lookup import find_product
from bot.knowledge.medical import is_cure_claim, names_medication
from bot.knowledge.model import Knowledge, UnknownEntryError
from bot.knowledge.text import compose, pick

Button = Dict[str, str]  # a quick reply as the chat widgets take it: title and payload

# What the article cannot answer, the sales team can: offer the enquiry, or the range.
UNANSWERABLE_BUTTONS: Tuple[Button, ...] = (
    {"title": "Start an enquiry", "payload": "/request_quote"},
    {"title": "Show the products", "payload": "/list_products"},
)


def topic_answers(knowledge: Knowledge, topic_id: str) -> Tuple[str, ...]:
    """Every phrasing of a topic's short answer, each cited and cautioned."""
    topic = knowledge.topic(topic_id)
    return tuple(
        compose(knowledge, answer, topic.section, health=topic.health) for answer in topic.answers
    )


def answer_topic(knowledge: Knowledge, topic_id: str, variant: int = 0) -> str:
    """The short answer to ``faq/<topic_id>``; ``variant`` picks a phrasing."""
    return pick(topic_answers(knowledge, topic_id), variant)


def more_about(knowledge: Knowledge, item_id: str) -> str:
    """The longer answer for "tell me more" about a topic id or a product (id or alias)."""
    if item_id in knowledge.topic_ids:
        topic = knowledge.topic(item_id)
        return compose(knowledge, topic.more, topic.section, health=topic.health)
    if find_product(knowledge, item_id) is not None:
        return product_details(knowledge, item_id)
    raise UnknownEntryError(f"no topic or product is called {item_id!r}")


def caution(knowledge: Knowledge) -> str:
    """The complement-not-substitute sentence, for actions that add it themselves."""
    return knowledge.safety.caution


def crisis_answer(knowledge: Knowledge, variant: int = 0) -> str:
    """Points a visitor who may be in danger to emergency services and crisis lines."""
    return pick(knowledge.safety.crisis, variant)


def medication_answer(knowledge: Knowledge, variant: int = 0, question: str = "") -> str:
    """Declines medication and medical questions and sends the visitor to a doctor.

    A ``question`` asking massage to cure something or to replace treatment
    gets the not-a-cure wording, unless it names a medication: then changing
    that medication is what matters most, and only a doctor may advise on it.
    """
    if is_cure_claim(question) and not names_medication(question):
        return pick(knowledge.safety.cure_claim, variant)
    return pick(knowledge.safety.medication, variant)


def unanswerable_answer(knowledge: Knowledge, subject: str | None = None) -> str:
    """An honest "the article doesn't say" for price, shipping, warranty, stock...

    ``subject`` is a ``commercial_topic`` entity value; unknown or missing
    subjects get the general text rather than an error, because the visitor
    still deserves an answer and an offer to start an enquiry.
    """
    texts = knowledge.safety.unanswerable
    key = (subject or "").strip().lower()
    return texts.get(key, texts["default"])


def product_buttons(knowledge: Knowledge) -> List[Button]:
    """One quick reply per product, asking to hear about it, under the list of the range."""
    return [
        {"title": item.name, "payload": f"Tell me about the {item.name}"}
        for item in knowledge.products
    ]


def which_product_question(knowledge: Knowledge) -> str:
    """Asked back when a product question names no product, and none was discussed."""
    return f"Which product do you mean? We have: {_range(knowledge)}."


def which_two_question(knowledge: Knowledge) -> str:
    """Asked back when a comparison does not name two different products."""
    return f"Which two would you like to compare? We have: {_range(knowledge)}."


def _range(knowledge: Knowledge) -> str:
    return ", ".join(item.name for item in knowledge.products)
