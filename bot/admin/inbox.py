"""What visitors said and how the bot understood it, worst first.

The tracker store already holds every conversation; reading its ``events``
table directly (read-only, no Rasa import) lets an admin see which messages
the model was unsure about, without a running server. Messages the training
data already contains are left out: labelling them again teaches nothing.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional

from sqlalchemy import column, create_engine, inspect, select, table

from bot.admin.examples import FALLBACK_INTENT, RETRIEVAL_INTENT, known_texts, normalise

EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("data"),
)
_RELATIVE = re.compile(r"^(\d+)\s*([dhm])$")
_UNITS = {"d": 86400, "h": 3600, "m": 60}


@dataclass
class InboxRow:
    """One distinct visitor message (duplicates folded into ``count``)."""

    text: str
    intent: str
    confidence: float
    suggestion: Optional[str]
    answers: List[str] = field(default_factory=list)
    count: int = 1
    last_seen: float = 0.0

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "suggestion": self.suggestion,
            "answers": self.answers,
            "count": self.count,
            "last_seen": datetime.fromtimestamp(self.last_seen).isoformat(timespec="seconds"),
        }


def parse_since(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``7d``/``12h``/``30m`` ago, or an ISO date/time, as a Unix timestamp."""
    if not value:
        return None
    match = _RELATIVE.match(value.strip())
    if match:
        return (now or time.time()) - int(match.group(1)) * _UNITS[match.group(2)]
    try:
        return datetime.fromisoformat(value.strip()).timestamp()
    except ValueError:
        raise ValueError(f"--since wants an ISO date or e.g. 7d, 12h, 30m; got {value!r}") from None


def predicted_label(parse_data: dict, intent: Optional[str] = None) -> Optional[str]:
    """The intent as an admin labels it: ``faq`` resolved to ``faq/<topic>``."""
    name = intent if intent is not None else (parse_data.get("intent") or {}).get("name")
    if name == RETRIEVAL_INTENT:
        selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        return key or name
    return name


def suggested_label(parse_data: dict) -> Optional[str]:
    """Best guess that is not the fallback: what "accept" should label."""
    for ranked in parse_data.get("intent_ranking") or []:
        if ranked.get("name") and ranked["name"] != FALLBACK_INTENT:
            return predicted_label(parse_data, ranked["name"])
    name = predicted_label(parse_data)
    return None if name == FALLBACK_INTENT else name


def read_events(url: str, since: Optional[float] = None) -> Iterator[tuple]:
    """(sender_id, type_name, timestamp, data dict) of user and bot events, per conversation."""
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return
        query = select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        query = query.where(EVENTS.c.type_name.in_(["user", "bot"]))
        if since is not None:
            query = query.where(EVENTS.c.timestamp >= since)
        query = query.order_by(EVENTS.c.sender_id, EVENTS.c.id)
        with engine.connect() as connection:
            for sender, kind, stamp, data in connection.execute(query):
                yield sender, kind, float(stamp or 0), json.loads(data or "{}")
    finally:
        engine.dispose()


def user_turns(events: Iterable[tuple]) -> List[InboxRow]:
    """One row per user message, with the bot messages that followed it."""
    rows: List[InboxRow] = []
    current: Optional[InboxRow] = None
    current_sender = None
    for sender, kind, stamp, data in events:
        if sender != current_sender:
            current, current_sender = None, sender
        if kind == "bot" and current is not None and data.get("text"):
            current.answers.append(data["text"])
        elif kind == "user":
            current = _row(data, stamp)
            if current is not None:
                rows.append(current)
    return rows


def _row(data: dict, stamp: float) -> Optional[InboxRow]:
    text = (data.get("text") or "").strip()
    if not text or text.startswith("/"):
        return None
    parse = data.get("parse_data") or {}
    return InboxRow(
        text=text,
        intent=predicted_label(parse) or "?",
        confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
        suggestion=suggested_label(parse),
        last_seen=stamp,
    )


def fold(rows: Iterable[InboxRow], known: Dict[str, str]) -> List[InboxRow]:
    """Merge repeats of one message (keeping its least confident reading); drop known texts."""
    folded: Dict[str, InboxRow] = {}
    for row in rows:
        key = normalise(row.text)
        if not key or key in known:
            continue
        seen = folded.get(key)
        if seen is None:
            folded[key] = row
            continue
        best = row if row.confidence < seen.confidence else seen
        best.count, best.last_seen = seen.count + 1, max(seen.last_seen, row.last_seen)
        folded[key] = best
    return sorted(folded.values(), key=lambda r: (r.intent != FALLBACK_INTENT, r.confidence))


def _matches(row: InboxRow, intent: Optional[str], max_confidence: Optional[float]) -> bool:
    if intent and row.intent != intent and row.intent.split("/")[0] != intent:
        return False
    return max_confidence is None or row.confidence <= max_confidence


def build_inbox(
    tracker_store_url: str,
    project_dir: Path,
    since: Optional[float] = None,
    intent: Optional[str] = None,
    max_confidence: Optional[float] = None,
) -> List[InboxRow]:
    """The inbox: unseen visitor messages, nlu_fallback and low confidence first."""
    rows = fold(user_turns(read_events(tracker_store_url, since)), known_texts(project_dir))
    return [row for row in rows if _matches(row, intent, max_confidence)]


def format_table(rows: List[InboxRow], width: int = 120) -> str:
    """A plain-text table for a terminal: count, confidence, prediction, text, answer."""
    if not rows:
        return "The inbox is empty: no unseen visitor messages match."
    lines = [f"{'#':>3} {'n':>3} {'conf':>5}  {'prediction':<28} {'message':<40} answer"]
    for number, row in enumerate(rows, 1):
        answer = " / ".join(row.answers).replace("\n", " ") or "(no answer)"
        line = (
            f"{number:>3} {row.count:>3} {row.confidence:>5.2f}  {_cut(row.intent, 28):<28} "
            f"{_cut(row.text, 40):<40} {answer}"
        )
        lines.append(_cut(line, width))
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
