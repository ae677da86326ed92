"""The NLU safety guard overrides the classifier for crisis and medical questions."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge import is_medical_question
from bot.nlu.safety_guard import MISTAKABLE_INTENTS, SafetyGuard
from tests.knowledge.knowledge_helpers import PROJECT_DIR, nlu_examples, plain


def guarded(text: str, predicted: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": predicted, "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": predicted, "confidence": 0.9}])
    return SafetyGuard().process([message])[0]


def intent(message: Message) -> str:
    return message.get(INTENT)["name"]


def test_crisis_wins_over_any_intent_and_leads_the_ranking():
    message = guarded("i can't go on like this, cancel my order", "stop")
    assert intent(message) == "crisis"
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)] == ["crisis", "stop"]


@pytest.mark.parametrize("predicted", ["faq", "ask_product", "nlu_fallback", "stop"])
def test_medical_question_read_as_product_question_gets_the_medication_intent(predicted):
    message = guarded("can I come off sertraline if I use the roller daily", predicted)
    assert intent(message) == "ask_medication"


@pytest.mark.parametrize("predicted", ["inform", "request_quote", "human_handoff"])
def test_form_answers_and_requests_that_mention_medication_keep_their_intent(predicted):
    assert intent(guarded("we are a pharmacy selling medicines", predicted)) == predicted


def test_ordinary_questions_pass_through():
    assert intent(guarded("how often should I use the roller", "faq")) == "faq"


def _examples():
    for folder in ("data/nlu", "tests/nlu_holdout"):
        for path in sorted((PROJECT_DIR / folder).glob("*.yml")):
            for name, examples in nlu_examples(path).items():
                for example in examples:
                    yield name.split("/")[0], plain(example)


def test_guard_agrees_with_the_labelled_examples():
    """Every labelled medication question is caught; no question of another intent is."""
    wrong = [
        (name, text)
        for name, text in _examples()
        if (name == "ask_medication" or name in MISTAKABLE_INTENTS)
        and is_medical_question(text) != (name == "ask_medication")
    ]
    assert wrong == []
