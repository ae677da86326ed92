"""Write a tracker-store ``events`` table by hand, shaped like Rasa's SQL tracker store.

The event data are what Rasa 3.6's ``Event.as_dict()`` stores; the form helpers
give the order in which Rasa logs a form's turn: the form action, its
``active_loop`` (when it starts), ``requested_slot`` and the question, then
``action_listen``; a visitor's answer is followed by the slot it filled.
"""

from __future__ import annotations

import json
from typing import List, Optional, Sequence, Tuple

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine

METADATA = MetaData()
EVENTS = Table(
    "events",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def user(
    text: str,
    intent: str,
    confidence: float,
    topic: Optional[str] = None,
    ranking: Sequence[Tuple[str, float]] = (),
) -> dict:
    """A ``user`` event's data as Rasa stores it (``faq`` with its selected answer).

    ``ranking`` follows the top intent in ``intent_ranking``; for ``nlu_fallback``
    it is the classifier's own guesses (``greet`` at 0.3 unless given).
    """
    if intent == "nlu_fallback" and not ranking:
        ranking = [("greet", 0.3)]
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}]
        + [{"name": name, "confidence": score} for name, score in ranking],
    }
    if topic:
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": 0.9}}
        }
    return {"event": "user", "text": text, "parse_data": parse}


def bot(text: str, utter_action: Optional[str] = None) -> dict:
    """A bot message; responses of domain.yml carry their name in the metadata."""
    metadata = {"utter_action": utter_action} if utter_action else {}
    return {"event": "bot", "text": text, "data": {}, "metadata": metadata}


def action(name: str) -> dict:
    return {"event": "action", "name": name, "policy": "RulePolicy", "confidence": 1.0}


def active_loop(name: Optional[str]) -> dict:
    return {"event": "active_loop", "name": name}


def slot(name: str, value) -> dict:
    return {"event": "slot", "name": name, "value": value}


def form_asks(form: str, slot_name: str, question: str, utter: Optional[str] = "") -> list:
    """The form asking for ``slot_name``; ``utter=None`` for a custom ``action_ask_*``."""
    utter_action = f"utter_ask_{slot_name}" if utter == "" else utter
    return [action(form), slot("requested_slot", slot_name), bot(question, utter_action),
            action("action_listen")]  # fmt: skip


def form_starts(form: str, slot_name: str, question: str, utter: Optional[str] = "") -> list:
    first_turn = form_asks(form, slot_name, question, utter)
    return first_turn[:1] + [active_loop(form)] + first_turn[1:]


def form_ends(form: str) -> list:
    return [action(form), active_loop(None), slot("requested_slot", None)]


def answer(text: str, slot_name: str, intent: str = "inform", confidence: float = 0.9) -> list:
    """A visitor's answer and the slot Rasa filled from it (``action_extract_slots``)."""
    return [user(text, intent, confidence), slot(slot_name, text)]


def write_events(url: str, conversations: dict, start: float = 1_700_000_000.0) -> None:
    """``conversations`` maps sender id -> list of event data dicts, in order."""
    engine = create_engine(url, future=True)
    METADATA.create_all(engine)
    rows: List[dict] = []
    for sender, events in conversations.items():
        for data in events:
            stamp = start + len(rows)
            intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
            rows.append({"sender_id": sender, "type_name": data["event"], "timestamp": stamp,
                         "intent_name": intent,
                         "action_name": data["name"] if data["event"] == "action" else None,
                         "data": json.dumps({**data, "timestamp": stamp})})  # fmt: skip
    with engine.begin() as connection:
        connection.execute(EVENTS.insert(), rows)
    engine.dispose()
