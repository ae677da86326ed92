"""The one place where Rasa itself is patched, for what it offers no extension point.

Rasa 3.6 checks every action server reply with ``jsonschema.validate()``, which
checks the (large) schema itself again on every call before checking the
reply: about 37 ms a call, a third of the Rasa server's time under load. The
patch validates with one validator built once, with the same schema and the
same errors. It is applied by the launcher (:mod:`bot.serving.rasa_server`),
only to the Rasa version it was written for; on any other it is left out and
says so loudly.
"""

from __future__ import annotations

import functools
import logging

import rasa
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot.serving.rasa_version import TESTED_RASA

log = logging.getLogger(__name__)


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
    return True
