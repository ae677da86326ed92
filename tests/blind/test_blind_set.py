"""The blind set stays blind, and its judge scores what a visitor would notice."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.admin.examples import example_key, known_texts, topic_ids
from bot.config import PROJECT_ROOT
from bot.knowledge.loader import load_knowledge
from tests.blind import judge
from tests.blind.buyers import BUYER_TYPES, SLOT_OF_ANSWER, lead_mismatches

HERE = Path(__file__).parent
QUESTIONS = yaml.safe_load((HERE / "questions.yml").read_text())["questions"]
BUYERS = yaml.safe_load((HERE / "buyers.yml").read_text())["buyers"]
PRODUCTS = {p.id for p in load_knowledge(PROJECT_ROOT).products}


# Everyday phrasings that the blind set's writer and the training data happened
# to share when the set was written (2026-12-07): nobody copied them. Anything
# else found in both was copied, and makes the blind figures worthless.
COINCIDENCES = frozenset({
    "are you a bot", "are you a manufacturer or a supplier", "by the end of the year",
    "how long does delivery take", "how much does the whole leg massager cost",
    "show me your range", "tell me a joke", "tell me about the foot roller", "thank you so much",
    "two hundred foot rollers", "what can you do", "what do you sell", "what does your company do",
    "what is the leg and butt massager", "yes you can contact me", "yes, you may contact me",
    "what's the difference between the foot roller and the whole leg massager",
})  # fmt: skip


def blind_texts() -> list:
    texts = [q["text"] for q in QUESTIONS]
    for buyer in BUYERS:
        texts += [buyer["opening"], *buyer.get("before", []), *map(str, buyer["answers"].values())]
        texts += [buyer["twist"]["say"]] if "twist" in buyer else []
    return texts


def test_no_blind_text_was_trained_on():
    trained = known_texts(PROJECT_ROOT)
    shared = {example_key(text) for text in blind_texts() if example_key(text) in trained}
    # Short form answers ("skip", "no idea", "Germany") are everyone's words.
    assert {text for text in shared if len(text.split()) > 3} <= COINCIDENCES


def test_every_expected_label_is_one_the_bot_can_give():
    topics = set(topic_ids(PROJECT_ROOT))
    for question in QUESTIONS:
        expected = question["expect"]
        if expected.startswith("faq/"):
            assert expected.partition("/")[2] in topics, expected
        elif expected.startswith("ask_product:"):
            assert expected.partition(":")[2] in PRODUCTS, expected
        else:
            assert expected in judge.ANSWERS, expected
    assert len(QUESTIONS) >= 150 and len(BUYERS) >= 30


def test_every_buyer_can_answer_every_question_of_the_form():
    for buyer in BUYERS:
        assert set(buyer["answers"]) == set(SLOT_OF_ANSWER), buyer["id"]
        assert buyer["expect"]["buyer_type"] in BUYER_TYPES, buyer["id"]
        assert set(buyer["expect"]["items"]) <= PRODUCTS, buyer["id"]


def events(*rows):
    return [("user", {"parse_data": {"intent": {"name": "faq"}, "response_selector": {
        "faq": {"response": {"intent_response_key": "faq/how_often"}}}}}), *rows]  # fmt: skip


def test_an_article_answer_counts_only_for_the_topic_asked():
    turn = judge.turn_from_events(events(
        ("action", {"name": "action_answer_faq"}),
        ("bot", {"text": "Two or three times a week."}),
        ("slot", {"name": "last_subject", "value": "how_often"}),
        ("action", {"name": "action_listen"}),
    ))  # fmt: skip
    assert turn.label == "faq/how_often" and turn.answer == "action_answer_faq"
    assert judge.answer_right("faq/how_often", turn)
    assert not judge.answer_right("faq/cortisol", turn)
    assert not judge.intent_right("faq/cortisol", turn)


@pytest.mark.parametrize(
    "actions, right",
    [
        (["action_answer_crisis", "action_answer_medication"], True),
        (["utter_default", "action_answer_crisis"], False),  # the crisis answer must come first
        ([], False),
    ],
)
def test_a_safety_answer_counts_only_when_it_comes_first(actions, right):
    turn = judge.turn_from_events(events(*[("action", {"name": a}) for a in actions]))
    assert judge.answer_right("crisis", turn) is right


def test_a_product_answer_counts_only_for_the_product_asked():
    turn = judge.turn_from_events(events(
        ("action", {"name": "action_describe_product"}),
        ("slot", {"name": "product", "value": "foot_roller"}),
    ))  # fmt: skip
    assert judge.answer_right("ask_product:foot_roller", turn)
    assert not judge.answer_right("ask_product:deep_calf_massager", turn)


def test_a_stored_lead_must_hold_what_the_buyer_asked_for():
    expect = {"buyer_type": "spa_or_clinic", "items": {"foot_roller": 6},
              "email": "a@example.com", "country": "USA"}  # fmt: skip
    lead = {"buyer_type": "spa_wellness", "items": [{"product": "foot_roller", "quantity": 6}],
            "email": "A@example.com", "country": "United States"}  # fmt: skip
    assert lead_mismatches(expect, lead) == []
    lead["items"][0]["quantity"] = 5
    assert lead_mismatches(expect, lead) == ["items {'foot_roller': 5}"]
