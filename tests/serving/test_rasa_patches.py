"""The Rasa patches: same results as Rasa's own code, cheaper, applied only to its version."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil

import pytest
import rasa
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    EntitiesAdded,
    FollowupAction,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from bot.config import PROJECT_ROOT
from bot.serving import rasa_patches

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))

GOOD = {
    "events": [{"event": "slot", "name": "email", "value": "a@b.c"}],
    "responses": [{"text": "hi"}],
}
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("reply", BAD, ids=repr)
def test_replies_rasa_refuses_are_refused(reply):
    with pytest.raises(ValidationError):
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        rasa_patches.validate_action_result(None, reply)


def test_a_good_reply_passes():
    assert rasa_patches.validate_action_result(None, GOOD) is True


def test_another_rasa_version_is_left_alone_loudly(monkeypatch, caplog):
    original = RemoteAction._validate_action_result
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with caplog.at_level(logging.ERROR):
        assert rasa_patches.apply() is False
    assert RemoteAction._validate_action_result is original
    assert "NOT patching Rasa 3.7.0" in caplog.text


def long_tracker(turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker("visitor", DOMAIN.slots)
    for turn in range(turns):
        tracker.update(UserUttered(f"message {turn}", {"name": "faq", "confidence": 0.9}))
        tracker.update(ActionExecuted("action_answer_faq"))
        tracker.update(SlotSet("last_subject", f"topic {turn}"))
        tracker.update(ActionExecuted("action_listen"))
    return tracker


def remote(name: str) -> RemoteAction:
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True)
    return RemoteAction(name, endpoint)


def test_most_actions_get_the_latest_events_and_everything_else_rasa_sends():
    tracker = long_tracker(100)
    action = remote("action_answer_faq")
    ours = rasa_patches.action_call_format(action, tracker, DOMAIN)
    rasas = rasa_patches._rasa_action_call_format(action, tracker, DOMAIN)
    assert ours["tracker"]["events"] == rasas["tracker"]["events"][-rasa_patches.RECENT_EVENTS :]
    ours["tracker"].pop("events"), rasas["tracker"].pop("events")
    assert ours == rasas
    assert "domain" not in ours  # not marked send_domain in domain.yml


@pytest.mark.parametrize("name", sorted(rasa_patches.WHOLE_CONVERSATION_ACTIONS))
def test_actions_that_write_a_transcript_get_the_whole_conversation(name):
    tracker = long_tracker(100)
    call = rasa_patches.action_call_format(remote(name), tracker, DOMAIN)
    assert len(call["tracker"]["events"]) == len(tracker.events) == 400


def test_the_form_validators_get_the_domain_they_read_the_form_from():
    call = rasa_patches.action_call_format(remote("validate_lead_form"), long_tracker(2), DOMAIN)
    assert call["domain"]["forms"]["lead_form"]["required_slots"]


def test_every_action_that_reads_all_events_gets_the_whole_conversation():
    """An action whose code reads ``tracker.events`` must be listed, or its transcript is cut."""
    from rasa_sdk import Action

    import actions

    for module_info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Action) or cls.__module__ != module.__name__:
                continue
            if "tracker.events" in inspect.getsource(cls):
                assert cls.name(cls) in rasa_patches.WHOLE_CONVERSATION_ACTIONS, cls


class CountingProcessor:
    """Stands in for Rasa's MessageProcessor: counts how often the NLU graph runs."""

    def __init__(self) -> None:
        self.runs = 0


@pytest.fixture
def graph(monkeypatch):
    def run_graph(processor, message, tracker, only_output_properties=True):
        processor.runs += 1
        return {"text": message.text, "intent": {"name": "greet", "confidence": 0.9}}

    monkeypatch.setattr(rasa_patches, "_rasa_parse_with_graph", run_graph)


def parse(processor, text):
    from rasa.core.channels import UserMessage

    return rasa_patches.parse_message_with_graph(processor, UserMessage(text), None)


def test_a_repeated_short_message_is_understood_once_and_handed_out_as_a_copy(graph):
    processor = CountingProcessor()
    first = parse(processor, "Submit")
    first["intent"]["name"] = "changed by a caller"
    assert parse(processor, "Submit")["intent"]["name"] == "greet"
    assert processor.runs == 1
    parse(processor, "skip")
    assert processor.runs == 2


def test_long_messages_are_never_cached_and_the_cache_stays_bounded(graph, monkeypatch):
    monkeypatch.setattr(rasa_patches, "PARSE_CACHE_SIZE", 2)
    processor = CountingProcessor()
    long_text = "x" * (rasa_patches.CACHED_TEXT_CHARS + 1)
    parse(processor, long_text)
    parse(processor, long_text)
    assert processor.runs == 2
    for text in ("a", "b", "c", "a"):  # "a" was the oldest of three: forgotten
        parse(processor, text)
    assert processor.runs == 6


def test_a_newly_loaded_model_starts_with_an_empty_cache(graph):
    old, new = CountingProcessor(), CountingProcessor()
    parse(old, "hi")
    parse(new, "hi")
    assert (old.runs, new.runs) == (1, 1)


def test_a_cache_size_of_zero_turns_the_cache_off(graph, monkeypatch):
    monkeypatch.setattr(rasa_patches, "PARSE_CACHE_SIZE", 0)
    processor = CountingProcessor()
    parse(processor, "Submit")
    parse(processor, "Submit")
    assert processor.runs == 2


def eventful_tracker(max_event_history=None) -> DialogueStateTracker:
    """A conversation with every kind of event that changes a tracker's state."""
    tracker = DialogueStateTracker("visitor", DOMAIN.slots, max_event_history)
    tracker.model_id = "model-1"  # Rasa's own copy does not carry these over
    tracker.assistant_id = "assistant"
    for event in [
        SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 0.9}), ActionExecuted("utter_greet"),
        BotUttered("Hello!"), ActionExecuted("action_listen"),
        UserUttered("a quote", {"name": "request_quote", "confidence": 0.9}),
        ActionExecuted("lead_form"), ActiveLoop("lead_form"), SlotSet("buyer_type", "spa"),
        SlotSet("requested_slot", "products"), ActionExecuted("action_listen"),
        UserUttered("what?", {"name": "faq", "confidence": 0.5}),
        EntitiesAdded([{"entity": "product", "value": "foot_roller"}]),
        ActionExecutionRejected("lead_form"), LoopInterrupted(True),
        ActionExecuted("action_answer_faq"), FollowupAction("lead_form"),
        ActionExecuted("action_listen"), UserUttered("oops", {"name": "deny", "confidence": 0.9}),
        UserUtteranceReverted(), ActionExecuted("utter_x"), ActionReverted(),
        ConversationPaused(), ConversationResumed(), AllSlotsReset(),
        SlotSet("lead_items", [["foot_roller", 2]]),  # a list value, shared as the replay shares it
        ActionExecuted("action_listen"),
    ]:  # fmt: skip
        tracker.update(event)
    return tracker


def state_of(tracker: DialogueStateTracker) -> dict:
    state = dict(vars(tracker))
    state["events"] = (list(tracker.events), tracker.events.maxlen)
    state["slots"] = {n: (s.value, s.has_been_set) for n, s in tracker.slots.items()}
    return state


@pytest.mark.parametrize("cut", range(0, 29, 3))
@pytest.mark.parametrize("max_event_history", [None, 20])
def test_a_copied_tracker_is_the_tracker_rasas_replay_builds(cut, max_event_history):
    tracker = eventful_tracker(max_event_history)
    events = list(tracker.events)[:cut] if cut else list(tracker.events)
    tracker = DialogueStateTracker.from_events("visitor", events, DOMAIN.slots, max_event_history)
    replayed = tracker.travel_back_in_time(float("inf"))
    copied = rasa_patches.copy_tracker(tracker)
    assert state_of(copied) == state_of(replayed)
    assert copied.current_state(EventVerbosity.ALL) == replayed.current_state(EventVerbosity.ALL)


def test_changing_a_copy_leaves_the_tracker_alone():
    tracker = eventful_tracker()
    tracker.update(ActiveLoop("lead_form"))
    before = state_of(tracker)
    copied = rasa_patches.copy_tracker(tracker)
    for event in [LoopInterrupted(True), ActionExecutionRejected("lead_form"),
                  SlotSet("buyer_type", "clinic"), ActionExecuted("utter_ok")]:  # fmt: skip
        copied.update(event)
    assert state_of(tracker) == before
    assert tracker.slots["buyer_type"].value != copied.slots["buyer_type"].value


def test_a_long_conversation_is_copied_without_replaying_it(monkeypatch):
    tracker = long_tracker(500)
    applied = []
    monkeypatch.setattr(DialogueStateTracker, "update", lambda self, event, *_: applied.append(1))
    copied = rasa_patches.copy_tracker(tracker)
    assert not applied and len(copied.events) == 2000
