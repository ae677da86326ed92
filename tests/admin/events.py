"""Write a tracker-store ``events`` table by hand, shaped like Rasa's SQL tracker store."""

from __future__ import annotations

import json
from typing import List, Optional

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


def user(text: str, intent: str, confidence: float, topic: Optional[str] = None) -> dict:
    """A ``user`` event's data as Rasa stores it (``faq`` with its selected answer)."""
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": intent, "confidence": confidence}],
    }
    if intent == "nlu_fallback":
        parse["intent_ranking"].append({"name": "greet", "confidence": 0.3})
    if topic:
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": 0.9}}
        }
    return {"event": "user", "text": text, "parse_data": parse}


def bot(text: str) -> dict:
    return {"event": "bot", "text": text}


def write_events(url: str, conversations: dict, start: float = 1_700_000_000.0) -> None:
    """``conversations`` maps sender id -> list of event data dicts, in order."""
    engine = create_engine(url, future=True)
    METADATA.create_all(engine)
    rows: List[dict] = []
    for sender, events in conversations.items():
        for data in events:
            stamp = start + len(rows)
            rows.append(
                {"sender_id": sender, "type_name": data["event"], "timestamp": stamp,
                 "data": json.dumps({**data, "timestamp": stamp})}
            )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(EVENTS.insert(), rows)
    engine.dispose()
