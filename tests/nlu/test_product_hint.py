"""Products described instead of named are product questions when the classifier gave up."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.config import PROJECT_ROOT
from bot.knowledge import load_knowledge
from bot.nlu.product_hint import ProductDescriptionHint


def hinted(text: str, predicted: str) -> str:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": predicted, "confidence": 0.3})
    message.set(INTENT_RANKING_KEY, [{"name": predicted, "confidence": 0.3}])
    guard = ProductDescriptionHint(load_knowledge(PROJECT_ROOT))
    return guard.process([message])[0].get(INTENT)["name"]


@pytest.mark.parametrize(
    "text",
    [
        "got a gadget for the glutes?",
        "what's the thing that squeezes legs with air pressure",
        "anything for tight calves after jogging",
        "footroller??",
    ],
)
def test_a_described_or_named_product_the_classifier_gave_up_on_is_a_product_question(text):
    assert hinted(text, "nlu_fallback") == "ask_product"


@pytest.mark.parametrize(
    "text, predicted",
    [
        ("cheap flights to lisbon", "out_of_scope"),  # a cue, but no thing we sell
        ("anything for tight calves after jogging", "faq"),  # the classifier had an answer
        ("zzzz", "nlu_fallback"),
    ],
)
def test_other_messages_keep_their_intent(text, predicted):
    assert hinted(text, predicted) == predicted
