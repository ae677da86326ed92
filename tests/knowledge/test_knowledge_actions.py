"""The knowledge actions with a Tracker and a CollectingDispatcher, no server: what the
visitor is sent, and what the conversation remembers afterwards."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import pytest
import yaml
from knowledge_helpers import PROJECT_DIR
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge as actions
from actions.support import current_product, products_in_message
from bot.knowledge import (
    UNANSWERABLE_BUTTONS,
    compare_products,
    describe_product,
    more_about,
    product_suits_setting,
    products_for_setting,
    unanswerable_answer,
)

RANGE = "Foot roller, Whole leg massager, Deep calf massager, Leg and butt massager"


def make_tracker(
    text: str,
    products: Sequence[str] = (),
    slots: Dict[str, Any] | None = None,
    **entities: str,
) -> Tracker:
    """The tracker after the visitor said ``text``, naming ``products`` and other ``entities``."""
    found = [{"entity": "product", "value": value} for value in products]
    found += [{"entity": name, "value": value} for name, value in entities.items()]
    return Tracker(
        sender_id="visitor-1",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": "ask_product"}, "entities": found},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def faq_tracker(intent_response_key: str) -> Tracker:
    tracker = make_tracker("what is reflexology?")
    tracker.latest_message["response_selector"] = {
        "faq": {"response": {"intent_response_key": intent_response_key}}
    }
    return tracker


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def run(kb, dispatcher):
    """Runs an action class on a tracker with the project's knowledge and the first phrasing."""

    def run_action(action_class, tracker: Tracker) -> List[Dict[str, Any]]:
        action = action_class(knowledge_loader=lambda: kb, pick_variant=lambda: 0)
        return action.run(dispatcher, tracker, {})

    return run_action


def sent(dispatcher: CollectingDispatcher) -> List[tuple]:
    """(text or response name, buttons) of every message the visitor is sent."""
    return [(m["response"] or m["text"], m["buttons"]) for m in dispatcher.messages]


@pytest.fixture(scope="module")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / "domain.yml").read_text(encoding="utf-8"))


def test_products_in_message_reads_entities_then_the_text(kb):
    tracker = make_tracker("compare the calf massger with the rollers", ["calf massger"])
    assert products_in_message(kb, tracker) == ["deep_calf_massager", "foot_roller"]


def test_current_product_falls_back_to_the_one_discussed(kb):
    tracker = make_tracker("is it good for a spa?", slots={"product": "whole_leg_massager"})
    assert current_product(kb, tracker) == "whole_leg_massager"
    assert current_product(kb, make_tracker("anything for sore calves?")) == "deep_calf_massager"


def test_describe_tells_about_the_product_it_points_back_to(kb, run, dispatcher):
    tracker = make_tracker("tell me about it", slots={"product": "deep_calf_massager"})
    events = run(actions.ActionDescribeProduct, tracker)
    assert sent(dispatcher) == [(describe_product(kb, "deep_calf_massager"), [])]
    assert events == [
        SlotSet("product", "deep_calf_massager"),
        SlotSet("last_subject", "deep_calf_massager"),
    ]


def test_describe_without_a_product_asks_which_one(run, dispatcher):
    assert run(actions.ActionDescribeProduct, make_tracker("tell me about it")) == []
    assert sent(dispatcher) == [(f"Which product do you mean? We have: {RANGE}.", [])]


def test_a_commercial_question_about_a_product_gets_the_sales_team_offer(kb, run, dispatcher):
    tracker = make_tracker(
        "is there a warranty on the roller?", ["roller"], commercial_topic="warranty"
    )
    assert run(actions.ActionDescribeProduct, tracker) == []
    assert sent(dispatcher) == [
        (
            unanswerable_answer(kb, "warranty"),
            [
                {"title": "Start an enquiry", "payload": "/request_quote"},
                {"title": "Show the products", "payload": "/list_products"},
            ],
        )
    ]


def test_compare_it_with_a_product_uses_the_one_discussed_first(kb, run, dispatcher):
    tracker = make_tracker(
        "compare it with the roller", ["roller"], slots={"product": "whole_leg_massager"}
    )
    events = run(actions.ActionCompareProducts, tracker)
    assert sent(dispatcher) == [(compare_products(kb, "whole_leg_massager", "foot_roller"), [])]
    # After the comparison "it" means the product the visitor named last.
    assert events == [SlotSet("product", "foot_roller"), SlotSet("last_subject", "foot_roller")]


def test_compare_two_named_products(kb, run, dispatcher):
    tracker = make_tracker("roller or calf massager?", slots={"product": "whole_leg_massager"})
    events = run(actions.ActionCompareProducts, tracker)
    assert sent(dispatcher) == [(compare_products(kb, "foot_roller", "deep_calf_massager"), [])]
    assert events[0] == SlotSet("product", "deep_calf_massager")


def test_compare_with_one_product_and_nothing_discussed_asks_which_two(run, dispatcher):
    assert run(actions.ActionCompareProducts, make_tracker("compare the roller")) == []
    assert sent(dispatcher) == [(f"Which two would you like to compare? We have: {RANGE}.", [])]


def test_is_it_good_for_a_spa_answers_about_the_product_discussed(kb, run, dispatcher):
    tracker = make_tracker(
        "is it good for a spa?", slots={"product": "whole_leg_massager"}, setting="spa"
    )
    run(actions.ActionProductsForSetting, tracker)
    assert sent(dispatcher) == [(product_suits_setting(kb, "whole_leg_massager", "spa"), [])]


def test_which_suit_a_spa_answers_about_the_whole_range(kb, run, dispatcher):
    tracker = make_tracker(
        "which of them suit a spa?", slots={"product": "whole_leg_massager"}, setting="spa"
    )
    run(actions.ActionProductsForSetting, tracker)
    assert sent(dispatcher) == [(products_for_setting(kb, "spa"), [])]


def test_the_setting_named_before_still_counts(kb, run, dispatcher):
    tracker = make_tracker("is the roller good for that?", ["roller"], slots={"setting": "home"})
    run(actions.ActionProductsForSetting, tracker)
    assert sent(dispatcher) == [(product_suits_setting(kb, "foot_roller", "home"), [])]


def test_without_a_known_setting_the_visitor_is_asked_where(run, dispatcher, domain):
    run(actions.ActionProductsForSetting, make_tracker("is the roller good?", ["roller"]))
    assert sent(dispatcher) == [(actions.UTTER_WHICH_SETTING, [])]
    (question,) = domain["responses"][actions.UTTER_WHICH_SETTING]
    assert question["text"].startswith("Is it for use at home, or for a clinic, spa")
    assert [button["title"] for button in question["buttons"]] == ["At home", "In a clinic or spa"]


def test_tell_more_expands_the_last_answer(kb, run, dispatcher):
    tracker = make_tracker("tell me more", slots={"last_subject": "reflexology"})
    run(actions.ActionTellMore, tracker)
    assert sent(dispatcher) == [(more_about(kb, "reflexology"), [])]


def test_tell_more_with_nothing_discussed_offers_the_products(run, dispatcher, domain):
    run(actions.ActionTellMore, make_tracker("tell me more"))
    assert sent(dispatcher) == [(actions.UTTER_MORE_ABOUT_WHAT, [])]
    (question,) = domain["responses"][actions.UTTER_MORE_ABOUT_WHAT]
    assert question["buttons"] == [{"title": "Show the products", "payload": "/list_products"}]


def test_tell_more_about_a_subject_the_served_model_dropped_asks_what_instead(run, dispatcher):
    tracker = make_tracker("tell me more", slots={"last_subject": "retired_topic"})
    run(actions.ActionTellMore, tracker)
    assert sent(dispatcher) == [(actions.UTTER_MORE_ABOUT_WHAT, [])]


def test_faq_answers_a_known_topic_and_remembers_it(run, dispatcher):
    events = run(actions.ActionAnswerFaq, faq_tracker("faq/reflexology"))
    assert events == [SlotSet("last_subject", "reflexology")]
    assert "reflexology" in dispatcher.messages[0]["text"].lower()


def test_faq_for_a_topic_the_knowledge_base_lacks_gets_the_default_reply(run, dispatcher):
    assert run(actions.ActionAnswerFaq, faq_tracker("faq/no_such_topic")) == []
    assert sent(dispatcher) == [(actions.UTTER_DEFAULT, [])]


def test_list_products_offers_a_button_per_product(kb, run, dispatcher):
    run(actions.ActionListProducts, make_tracker("what do you sell?"))
    (message,) = dispatcher.messages
    assert [button["payload"] for button in message["buttons"]] == [
        f"Tell me about the {product.name}" for product in kb.products
    ]


def test_responses_and_button_intents_named_by_the_actions_exist(domain):
    names = [getattr(actions, name) for name in dir(actions) if name.startswith("UTTER_")]
    assert names and all(name in domain["responses"] for name in names)
    buttons = [b for name in names for r in domain["responses"][name] for b in r.get("buttons", [])]
    buttons += list(UNANSWERABLE_BUTTONS)
    for button in buttons:
        if button["payload"].startswith("/"):
            assert button["payload"][1:] in domain["intents"], button
