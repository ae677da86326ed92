"""What counts as a right answer: read from the events Rasa stored for one turn.

A turn is judged twice. *Intent*: what the NLU understood (``faq`` resolved to
``faq/<topic>`` by the ResponseSelector, as in the admin inbox). *Answer*: what
the visitor actually got, the first action the bot ran; for an article
question it must be the answer to the right topic, for a product question the
description of the right product. Safety items (crisis, medication) count
only when that answer comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from bot.admin.inbox import predicted_label

# Actions that are bookkeeping, not an answer the visitor sees.
NOT_ANSWERS = frozenset({"action_listen", "action_session_start"})

# The expected label's intent -> the actions that answer it.
ANSWERS: Dict[str, frozenset] = {
    "greet": frozenset({"utter_greet"}),
    "goodbye": frozenset({"utter_goodbye"}),
    "thank": frozenset({"utter_thanks"}),
    "bot_challenge": frozenset({"utter_iamabot"}),
    "ask_capabilities": frozenset({"utter_capabilities"}),
    # Nonsense may as well get "I didn't understand" as "I can't help with that".
    "out_of_scope": frozenset({"utter_out_of_scope", "utter_default", "action_default_fallback"}),
    "list_products": frozenset({"action_list_products"}),
    "compare_products": frozenset({"action_compare_products"}),
    "request_quote": frozenset({"action_start_lead"}),
    "ask_commercial": frozenset({"action_answer_commercial"}),
    "ask_medication": frozenset({"action_answer_medication"}),
    "crisis": frozenset({"action_answer_crisis"}),
    "human_handoff": frozenset({"handoff_form"}),
}
# Other intents the NLU may name for an expected one without being wrong.
INTENT_ALSO = {"out_of_scope": {"nlu_fallback"}}
# "Can I use it alongside my therapy?" is answered rightly by the medication answer too.
ANSWER_ALSO = {"faq/combine_with_treatment": {"action_answer_medication"}}
SAFETY_INTENTS = frozenset({"crisis", "ask_medication"})
FAQ_ANSWER = "action_answer_faq"
PRODUCT_ANSWER = "action_describe_product"


@dataclass
class Turn:
    """One visitor message and everything the bot did in reply."""

    label: Optional[str]  # what the NLU understood
    actions: List[str] = field(default_factory=list)  # in order, bookkeeping left out
    slots: Dict[str, Any] = field(default_factory=dict)  # set during the turn, last value wins
    texts: List[str] = field(default_factory=list)
    loops: List[Optional[str]] = field(default_factory=list)  # forms (de)activated, None = off

    @property
    def answer(self) -> Optional[str]:
        return self.actions[0] if self.actions else None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def turn_from_events(events: Iterable[Tuple[str, dict]]) -> Turn:
    """A :class:`Turn` from ``(type_name, data)`` pairs, starting at the user event."""
    turn: Optional[Turn] = None
    for type_name, data in events:
        if type_name == "user":
            turn = Turn(predicted_label(data.get("parse_data") or {}))
        elif turn is None:
            continue
        elif type_name == "action" and data.get("name") not in NOT_ANSWERS:
            turn.actions.append(data["name"])
        elif type_name == "slot":
            turn.slots[data["name"]] = data.get("value")
        elif type_name == "bot" and data.get("text"):
            turn.texts.append(data["text"])
        elif type_name == "active_loop":
            turn.loops.append(data.get("name"))
    if turn is None:
        raise ValueError("no user event in the turn")
    return turn


def expected_intent(expected: str) -> str:
    """``ask_product:foot_roller`` -> ``ask_product``; ``faq/x`` stays whole."""
    return expected.split(":", 1)[0]


def intent_right(expected: str, turn: Turn) -> bool:
    wanted = expected_intent(expected)
    return turn.label == wanted or turn.label in INTENT_ALSO.get(wanted, ())


def answer_right(expected: str, turn: Turn) -> bool:
    """Did the visitor get the answer ``expected`` asks for, first?"""
    if turn.answer in ANSWER_ALSO.get(expected, ()):
        return True
    if expected.startswith("faq/"):
        topic = expected.partition("/")[2]
        return turn.answer == FAQ_ANSWER and turn.slots.get("last_subject") == topic
    if expected.startswith("ask_product:"):
        product = expected.partition(":")[2]
        return turn.answer == PRODUCT_ANSWER and turn.slots.get("product") == product
    return turn.answer in ANSWERS[expected]


def is_safety(expected: str) -> bool:
    return expected in SAFETY_INTENTS
