"""One visitor talking to the running bot, with what the bot did read back from its tracker store.

Replies come through the REST channel, as a website visitor's would; what the
bot understood and which actions it ran come from the events Rasa stored for
the turn, read straight from the tracker store's database.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from tests.blind.judge import Turn, turn_from_events

_EVENTS = sa.text(
    "SELECT id, type_name, data FROM events WHERE sender_id = :sender AND id > :after ORDER BY id"
)


class Conversation:
    """A fresh visitor; :meth:`say` returns the judged :class:`Turn`."""

    def __init__(self, rasa_url: str, tracker_engine: sa.engine.Engine, prefix: str) -> None:
        self.webhook = f"{rasa_url}/webhooks/rest/webhook"
        self.engine = tracker_engine
        self.sender = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.after = 0
        self.slots: Dict[str, Any] = {}
        self.active_loop: Optional[str] = None
        self.exchanges: List[tuple] = []

    def say(self, text: str, timeout: float = 60.0) -> Turn:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        request = urllib.request.Request(
            self.webhook, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            replies = json.loads(response.read())
        turn = self._stored_turn()
        self.slots.update(turn.slots)
        if turn.loops:
            self.active_loop = turn.loops[-1]
        self.exchanges.append((text, "\n".join(r.get("text", "") for r in replies)))
        return turn

    def _stored_turn(self) -> Turn:
        with self.engine.connect() as connection:
            rows = connection.execute(_EVENTS, {"sender": self.sender, "after": self.after}).all()
        if not rows:
            raise RuntimeError(f"nothing stored for {self.sender}")
        self.after = rows[-1][0]
        return turn_from_events((type_name, json.loads(data)) for _, type_name, data in rows)

    @property
    def requested_slot(self) -> Optional[str]:
        return self.slots.get("requested_slot") if self.active_loop else None
