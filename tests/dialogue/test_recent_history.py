"""The policies' view of a long conversation: the recent part, in the same state."""

from __future__ import annotations

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT
from bot.dialogue.recent_history import RECENT_EVENTS, recent_part

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def question(tracker: DialogueStateTracker, n: int) -> None:
    tracker.update(UserUttered(f"question {n}", {"name": "faq", "confidence": 0.9}))
    tracker.update(ActionExecuted("action_answer_faq"))
    tracker.update(BotUttered(f"answer {n}"))
    tracker.update(SlotSet("last_subject", f"subject {n}"))
    tracker.update(ActionExecuted("action_listen"))


def form_answer(tracker: DialogueStateTracker, n: int) -> None:
    tracker.update(UserUttered(f"answer {n}", {"name": "inform", "confidence": 0.9}))
    tracker.update(ActionExecuted("lead_form"))
    tracker.update(SlotSet("notes", f"note {n}"))
    tracker.update(ActionExecuted("action_listen"))


def long_conversation(questions: int, answers: int) -> DialogueStateTracker:
    """Questions, then a quote request that opens the form, then many answers in it."""
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    for n in range(questions):
        question(tracker, n)
    tracker.update(UserUttered("I want a quote", {"name": "request_quote", "confidence": 0.9}))
    tracker.update(ActionExecuted("lead_form"))
    tracker.update(ActiveLoop("lead_form"))
    tracker.update(SlotSet("buyer_type", "clinic"))
    tracker.update(ActionExecuted("action_listen"))
    for n in range(answers):
        form_answer(tracker, n)
    return tracker


def test_a_short_conversation_is_left_whole():
    tracker = long_conversation(3, 3)
    assert recent_part(tracker) is tracker


def same_view(recent: DialogueStateTracker, tracker: DialogueStateTracker) -> None:
    """What the policies read is the same in both."""
    assert recent.active_loop_name == tracker.active_loop_name
    assert recent.current_slot_values() == tracker.current_slot_values()
    assert recent.latest_message.text == tracker.latest_message.text
    assert recent.latest_action_name == tracker.latest_action_name
    assert recent.past_states(DOMAIN)[-10:] == tracker.past_states(DOMAIN)[-10:]


def test_a_long_conversation_is_cut_to_its_recent_events():
    tracker = long_conversation(questions=100, answers=3)
    recent = recent_part(tracker)
    assert len(recent.events) < RECENT_EVENTS + 40 < len(tracker.events)
    same_view(recent, tracker)


def test_a_form_open_for_long_is_kept_from_where_it_opened():
    tracker = long_conversation(questions=40, answers=60)  # the form opened 240 events ago
    recent = recent_part(tracker)
    assert len(recent.events) < len(tracker.events)
    assert any(isinstance(e, ActiveLoop) and e.name == "lead_form" for e in recent.events)
    same_view(recent, tracker)
    tracker.update(UserUttered("one more", {"name": "inform", "confidence": 0.9}))
    same_view(recent_part(tracker), tracker)


def test_a_form_closed_before_the_cut_stays_closed():
    tracker = long_conversation(questions=2, answers=3)
    tracker.update(ActiveLoop(None))
    for n in range(60):
        question(tracker, n)
    recent = recent_part(tracker)
    assert recent is not tracker
    same_view(recent, tracker)


def test_no_slot_influences_the_conversation():
    """What makes the cut safe: a state holds no slot, so earlier slot values cannot matter."""
    slots = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))["slots"]
    assert [name for name, slot in slots.items() if slot.get("influence_conversation")] == []
