"""Plain quote requests start the enquiry, however the classifier read them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.admin.examples import read_examples
from bot.config import PROJECT_ROOT
from bot.nlu.quote_request import MISTAKABLE_INTENTS, QuoteRequestHint, is_quote_request


def hinted(text: str, predicted: str) -> str:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": predicted, "confidence": 0.6})
    message.set(INTENT_RANKING_KEY, [{"name": predicted, "confidence": 0.6}])
    return QuoteRequestHint().process([message])[0].get(INTENT)["name"]


@pytest.mark.parametrize(
    "text, predicted",
    [
        ("We're a yoga retreat; please prepare an offer for rollers", "product_for_setting"),
        ("rfq - 300 units of the calf massager", "ask_product"),
        ("could we get a formal quotation, we are a care home", "faq"),
        ("pls send proposal, 15 whole leg massagers", "nlu_fallback"),
        ("how can I order the leg and butt one?", "ask_product"),
        ("we want buy 40 rollers", "inform"),
        ("looking for bulk pricing for our shops", "ask_commercial"),
        ("right, I'll take the calf one - what does it cost?", "ask_commercial"),
        ("could we purchase directly from you?", "faq"),
        ("fine, we will go for the roller then", "ask_product"),
        ("can I get the price and order the foot roller today", "ask_commercial"),
    ],
)
def test_a_plain_quote_request_starts_the_enquiry(text, predicted):
    assert hinted(text, predicted) == "request_quote"


@pytest.mark.parametrize(
    "text, predicted",
    [
        ("do you offer free shipping?", "ask_commercial"),
        ("how much is the calf massager", "ask_commercial"),
        ("I want to buy one to cure my arthritis", "faq"),  # the health claim is answered first
        ("I'd like to talk to a person about an order", "human_handoff"),
        ("stop, I don't want a quote any more", "stop"),
        ("can I return an order that arrived damaged?", "ask_commercial"),
        ("will it take long to arrive", "ask_commercial"),
    ],
)
def test_other_messages_keep_their_intent(text, predicted):
    assert hinted(text, predicted) == predicted


def test_no_labelled_example_of_another_intent_is_taken_for_a_quote_request():
    wrong = [
        (intent, text)
        for folder in ("data/nlu", "tests/nlu_holdout")
        for text, intent in read_examples(PROJECT_ROOT, Path(folder))
        if intent.split("/")[0] in MISTAKABLE_INTENTS and is_quote_request(text)
    ]
    assert wrong == []
