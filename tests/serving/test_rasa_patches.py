"""The action-reply validation patch: same verdicts as Rasa's, applied only to its version."""

from __future__ import annotations

import logging

import pytest
import rasa
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.serving import rasa_patches

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
