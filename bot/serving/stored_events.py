"""The SQL the tracker store runs on every turn, as statements built once.

Rasa's ``SQLTrackerStore`` builds ORM queries on every call and counts a
conversation's stored events before every write; under load that took a
quarter of the Rasa server's time. These are the same rows and the same
"latest session" rule (events from the newest ``session_started`` on), as Core
statements that SQLAlchemy compiles once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional

import sqlalchemy as sa
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.nlu.constants import INTENT_NAME_KEY


@dataclass(frozen=True)
class StoredSession:
    """The latest session of a conversation in the database: how many events, the newest id."""

    events: int
    newest_id: Optional[int]


class StoredEvents:
    """Statements on Rasa's ``events`` table."""

    def __init__(self, table: sa.Table) -> None:
        sender = table.c.sender_id == sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(table.c.timestamp))
            .where(sender, table.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        self._insert = table.insert()
        self._newest_id = sa.select(sa.func.max(table.c.id)).where(sender)
        self._latest_session = sa.select(sa.func.count(table.c.id), sa.func.max(table.c.id)).where(
            sender, sa.or_(table.c.timestamp >= session_start, session_start.is_(None))
        )

    def newest_id(self, connection: sa.engine.Connection, sender_id: str) -> Optional[int]:
        return connection.execute(self._newest_id, {"sender_id": sender_id}).scalar()

    def latest_session(self, connection: sa.engine.Connection, sender_id: str) -> StoredSession:
        events, newest_id = connection.execute(self._latest_session, {"sender_id": sender_id}).one()
        return StoredSession(events, newest_id)

    def append(
        self, connection: sa.engine.Connection, sender_id: str, events: Iterable[Event]
    ) -> Optional[int]:
        """Insert ``events``; the id of the last one (None if there were none)."""
        newest_id = None
        for event in events:
            result = connection.execute(self._insert, row(sender_id, event))
            newest_id = result.inserted_primary_key[0]
        return newest_id


def row(sender_id: str, event: Event) -> Dict[str, Any]:
    """The row Rasa's ``SQLTrackerStore.save`` writes for ``event``."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }
