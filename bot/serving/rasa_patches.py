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

Applied by the launcher (:mod:`bot.serving.rasa_server`), only to the Rasa
version it was written for; on any other it is left out and says so loudly.
"""

from __future__ import annotations

import functools
import itertools
import logging
from typing import Any, Dict

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.serving.rasa_version import TESTED_RASA

log = logging.getLogger(__name__)

RECENT_EVENTS = 60
# Actions that read every event of the conversation (the transcript for sales).
WHOLE_CONVERSATION_ACTIONS = frozenset({"action_submit_lead", "action_submit_handoff"})
_rasa_action_call_format = RemoteAction._action_call_format


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


def apply() -> bool:
    """Patch Rasa if it is the version this was written for; True if applied."""
    if not rasa.__version__.startswith(TESTED_RASA):
        log.error(
            "NOT patching Rasa %s: bot/serving/rasa_patches.py was written for Rasa %sx. "
            "Action replies are validated the slow way; check the patch against this version.",
            rasa.__version__, TESTED_RASA,
        )  # fmt: skip
        return False
    RemoteAction._validate_action_result = validate_action_result
    RemoteAction._action_call_format = action_call_format
    return True
