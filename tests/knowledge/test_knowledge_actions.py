"""The knowledge actions' product helpers read a Tracker and leave the deciding to bot/."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker

from actions.support import current_product, products_in_message


def make_tracker(text: str, entities: List[str] = (), slots: Dict[str, Any] | None = None):
    return Tracker(
        sender_id="visitor-1",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": "ask_product"},
            "entities": [{"entity": "product", "value": value} for value in entities],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def test_products_in_message_reads_entities_then_the_text(kb):
    tracker = make_tracker("compare the calf massger with the rollers", ["calf massger"])
    assert products_in_message(kb, tracker) == ["deep_calf_massager", "foot_roller"]


def test_current_product_falls_back_to_the_one_discussed(kb):
    tracker = make_tracker("is it good for a spa?", slots={"product": "whole_leg_massager"})
    assert current_product(kb, tracker) == "whole_leg_massager"
    assert current_product(kb, make_tracker("anything for sore calves?")) == "deep_calf_massager"
