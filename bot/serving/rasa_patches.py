"""The one place where Rasa itself is patched, for what it offers no extension point.

Two costs of calling the action server, both on every turn:

* Rasa 3.6 checks every action server reply with ``jsonschema.validate()``,
  which checks the (large) schema itself again on every call before checking
  the reply: about 37 ms a call, a third of the Rasa server's time under load.
  The patch validates with one validator built once: same schema, same errors.
* Rasa sends the whole conversation with every call, so a turn costs more the
  longer a visitor chats (at turn 300, megabytes of JSON each way). Our actions
  read the slots, the latest message and the last few events; only the two
  that write a transcript read everything (``WHOLE_CONVERSATION_ACTIONS``). The
  others get the latest ``RECENT_EVENTS`` events.

One cost of running any action: before each action of a turn Rasa copies the
tracker with ``DialogueStateTracker.copy()``, which builds an empty tracker and
replays every event of the conversation into it: at turn 300, thousands of
events, several times a turn. :func:`copy_tracker` builds the same tracker
from the current state instead (the events themselves are shared, as the
replay shares them too); ``tests/serving`` compares the two, field by field,
on conversations holding every kind of event that changes a tracker.

And one cost of understanding a message: the same short texts come again and
again (quick replies such as "Submit", "skip", "Yes, you may contact me",
greetings), and each time the whole NLU pipeline runs. The pipeline reads
nothing but the text, so a loaded model keeps the results of the last
``PARSE_CACHE_SIZE`` short texts (a setting; 0 turns it off; a copy is handed
out each time); a newly loaded model starts with an empty cache.

Applied by the launcher (:mod:`bot.serving.rasa_server`), only to the Rasa
version it was written for; on any other it is left out and says so loudly.
"""

from __future__ import annotations

import copy
import functools
import itertools
import logging
from collections import OrderedDict, deque
from typing import Any, Dict

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.serving.rasa_version import TESTED_RASA

log = logging.getLogger(__name__)

RECENT_EVENTS = 60
# Actions that read every event of the conversation (the transcript for sales).
WHOLE_CONVERSATION_ACTIONS = frozenset({"action_submit_lead", "action_submit_handoff"})
_rasa_action_call_format = RemoteAction._action_call_format
_rasa_parse_with_graph = MessageProcessor._parse_message_with_graph
PARSE_CACHE_SIZE = 4096  # set by apply() from the settings
CACHED_TEXT_CHARS = 200  # longer messages are rarely repeated word for word


@functools.lru_cache(maxsize=1)
def action_reply_validator():
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict) -> bool:
    """Rasa's ``RemoteAction._validate_action_result`` with a validator built once."""
    try:
        action_reply_validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            "from the Action endpoint is valid."
        )
        raise
    return True


def action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> Dict:
    """Rasa's ``RemoteAction._action_call_format`` with only the recent events for most actions."""
    if self.name() in WHOLE_CONVERSATION_ACTIONS:
        return _rasa_action_call_format(self, tracker, domain)
    state: Dict[str, Any] = tracker.current_state(EventVerbosity.NONE)
    recent = list(itertools.islice(reversed(tracker.events), RECENT_EVENTS))
    state["events"] = [event.as_dict() for event in reversed(recent)]
    call = {
        "next_action": self.name(),
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(
        self.name()
    ):
        call["domain"] = domain.as_dict()
    return call


def copy_tracker(self: DialogueStateTracker) -> DialogueStateTracker:
    """Rasa's ``DialogueStateTracker.copy()`` without replaying the conversation.

    The replay starts from ``init_copy()`` (no model or assistant id, no
    sender source) and ends in the current state: the same events, slots
    holding the same values, the same latest message, action and form. Only
    what an event may change in place later (the slots, the latest action and
    the form's state) is copied rather than shared.
    """
    clone = self.init_copy()
    clone.events = deque(self.events, self._max_event_history)
    clone.slots = {name: copy.copy(slot) for name, slot in self.slots.items()}
    clone._paused = self._paused
    clone.followup_action = self.followup_action
    clone.latest_action = copy.copy(self.latest_action)
    clone.latest_message = self.latest_message
    clone.latest_bot_utterance = self.latest_bot_utterance
    clone.active_loop = copy.copy(self.active_loop)
    return clone


def parse_message_with_graph(
    self: MessageProcessor, message, tracker, only_output_properties: bool = True
) -> Dict:
    """Rasa's ``MessageProcessor._parse_message_with_graph``, remembering short texts."""
    text = message.text
    if not isinstance(text, str) or len(text) > CACHED_TEXT_CHARS or PARSE_CACHE_SIZE < 1:
        return _rasa_parse_with_graph(self, message, tracker, only_output_properties)
    cache: OrderedDict = self.__dict__.setdefault("_parse_cache", OrderedDict())
    key = (text, only_output_properties)
    parsed = cache.get(key)
    if parsed is None:
        parsed = _rasa_parse_with_graph(self, message, tracker, only_output_properties)
        cache[key] = parsed
        if len(cache) > PARSE_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return copy.deepcopy(parsed)


def apply(parse_cache_size: int = PARSE_CACHE_SIZE) -> bool:
    """Patch Rasa if it is the version this was written for; True if applied."""
    global PARSE_CACHE_SIZE
    PARSE_CACHE_SIZE = parse_cache_size
    if not rasa.__version__.startswith(TESTED_RASA):
        log.error(
            "NOT patching Rasa %s: bot/serving/rasa_patches.py was written for Rasa %sx. "
            "Action replies are validated the slow way, trackers are copied by replaying them "
            "and nothing is cached; check the patch against this version.",
            rasa.__version__, TESTED_RASA,
        )  # fmt: skip
        return False
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction._action_call_format = action_call_format
    MessageProcessor._parse_message_with_graph = parse_message_with_graph
    DialogueStateTracker.copy = copy_tracker
    return True
