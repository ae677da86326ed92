"""Rasa's rule and memoization policies, looking at the recent part of a conversation.

Rasa's policies rebuild the dialogue state after every event of the whole
conversation before each prediction, and then look only at the last few
states (``max_history``) or match rules against the end. So a turn costs more
the longer a visitor chats: turn 300 took about three times turn 10. These
subclasses hand the policies the conversation's last ``RECENT_EVENTS`` events,
cut where the bot last listened, starting in the form that was active there
and with the current slot values.

What the policies read does not change: no slot of this bot influences the
conversation (``influence_conversation: false`` everywhere, checked by
``tests/dialogue``), so a state holds the previous action, the visitor's
intent and entities, and the active form; rules and memorised stories span a
few turns, far fewer than the events kept.
"""

from __future__ import annotations

import itertools
from typing import Any, Dict, Optional, Sequence

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    LegacyForm,
    Restarted,
    SessionStarted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker

RECENT_EVENTS = 120
# Rasa folds the turns of an active form into one step: events kept before a form
# opened, so the policies still see several turns (MemoizationPolicy: max_history 5).
BEFORE_FORM = 48


def recent_part(tracker: DialogueStateTracker, keep: int = RECENT_EVENTS) -> DialogueStateTracker:
    """``tracker`` itself if short, else a tracker of its last events and current slot values.

    The cut is where the bot listened with no form active, at least ``keep``
    events back and ``BEFORE_FORM`` events before the active form opened: a form
    cut in half would fold differently.
    """
    cut = _quiet_point_before(tracker.events, len(tracker.events) - keep)
    if cut is None:
        return tracker
    filled = [SlotSet(name, slot.value) for name, slot in tracker.slots.items() if slot.value]
    return DialogueStateTracker.from_events(
        tracker.sender_id,
        filled + list(itertools.islice(tracker.events, cut, None)),
        slots=list(tracker.slots.values()),
    )


def _quiet_point_before(events: Sequence[Event], index: int) -> Optional[int]:
    """The last ``action_listen`` at or before ``index`` with no form active, if any."""
    while index > 0:
        event = events[index]
        if not (type(event) is ActionExecuted and event.action_name == ACTION_LISTEN_NAME):
            index -= 1
            continue
        opened_at = _form_opened_at(events, index)
        if opened_at is None:
            return index
        index = opened_at - BEFORE_FORM
    return None


# Exact types, not isinstance(): events are ABCs, and this scan can walk back
# through a whole long conversation on every prediction.
_LOOP_EVENTS = frozenset({ActiveLoop, LegacyForm})
_SESSION_BOUNDARIES = frozenset({Restarted, SessionStarted})


def _form_opened_at(events: Sequence[Event], index: int) -> Optional[int]:
    """Where the form active at ``index`` was opened; None if no form is active there."""
    for position in range(index - 1, -1, -1):
        kind = type(events[position])
        if kind in _LOOP_EVENTS:
            return position if events[position].name else None
        if kind in _SESSION_BOUNDARIES:
            return None
    return None


class RecentHistory:
    """Mixin for a Rasa policy: predict from :func:`recent_part` of the tracker."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[str, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return super().predict_action_probabilities(
            recent_part(tracker), domain, rule_only_data=rule_only_data, **kwargs
        )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentMemoizationPolicy(RecentHistory, MemoizationPolicy):
    """``MemoizationPolicy`` on the recent part of the conversation."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentRulePolicy(RecentHistory, RulePolicy):
    """``RulePolicy`` on the recent part of the conversation."""
