"""What visitors said and how the bot understood it, worst first.

The tracker store already holds every conversation; reading its ``events``
table directly (read-only, no Rasa import) lets an admin see which messages
the model was unsure about, without a running server. Messages the training
data already contains are left out: labelling them again teaches nothing.
Form answers and messages with contact details are left out too, and the
visitor's details are blanked in the bot's messages shown beside a row
(:mod:`bot.admin.personal_data` says how they are recognised).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional

from sqlalchemy import column, create_engine, inspect, select, table

from bot.admin.examples import FALLBACK_INTENT, RETRIEVAL_INTENT, example_key, known_texts
from bot.admin.personal_data import FormProgress, contact_details, redact

EVENTS = table(
    "events",
    column("id"),
    column("sender_id"),
    column("type_name"),
    column("timestamp"),
    column("data"),
)
# What a conversation's form state is read from; events of other types only cost time.
EVENT_TYPES = ("user", "bot", "action", "slot", "active_loop", "session_started", "restart")


@dataclass
class InboxRow:
    """One distinct visitor message (duplicates folded into ``count``).

    For ``nlu_fallback`` the confidence is the classifier's best guess's, not the
    fallback threshold: how unsure the model was is what the admin sorts by.
    """

    text: str
    intent: str
    confidence: float
    suggestion: Optional[str]
    answers: List[str] = field(default_factory=list)
    count: int = 1
    last_seen: float = 0.0
    bot_before: str = ""

    def as_dict(self) -> dict:
        return {
            "text": self.text,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "suggestion": self.suggestion,
            "bot_before": self.bot_before,
            "answers": self.answers,
            "count": self.count,
            "last_seen": datetime.fromtimestamp(self.last_seen).isoformat(timespec="seconds"),
        }


def predicted_label(parse_data: dict, intent: Optional[str] = None) -> Optional[str]:
    """The intent as an admin labels it: ``faq`` resolved to ``faq/<topic>``."""
    name = intent if intent is not None else (parse_data.get("intent") or {}).get("name")
    if name == RETRIEVAL_INTENT:
        selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
        key = (selector.get("response") or {}).get("intent_response_key")
        return key or name
    return name


def best_guess(parse_data: dict) -> Optional[dict]:
    """The classifier's top intent that is not the fallback, as ``{"name", "confidence"}``.

    When Rasa's FallbackClassifier fires it puts ``nlu_fallback`` first, with the
    threshold as its confidence; the model's own guess is the next entry.
    """
    for ranked in parse_data.get("intent_ranking") or []:
        if ranked.get("name") and ranked["name"] != FALLBACK_INTENT:
            return ranked
    intent = parse_data.get("intent") or {}
    return intent if intent.get("name") and intent["name"] != FALLBACK_INTENT else None


def suggested_label(parse_data: dict) -> Optional[str]:
    """Best guess that is not the fallback: what "accept" should label."""
    guess = best_guess(parse_data)
    return predicted_label(parse_data, guess["name"]) if guess else None


def read_events(
    url: str, since: Optional[float] = None, sender: Optional[str] = None
) -> Iterator[tuple]:
    """(sender_id, type_name, timestamp, data dict) of each conversation active since ``since``
    (or of the one conversation ``sender``).

    Conversations are read whole: whether a recent message answered a form
    depends on events (the form's start) that may be older than ``since``.
    """
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return
        query = select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
        query = query.where(EVENTS.c.type_name.in_(EVENT_TYPES))
        if since is not None:
            recent = select(EVENTS.c.sender_id).where(EVENTS.c.timestamp >= since)
            query = query.where(EVENTS.c.sender_id.in_(recent))
        if sender is not None:
            query = query.where(EVENTS.c.sender_id == sender)
        query = query.order_by(EVENTS.c.sender_id, EVENTS.c.id)
        with engine.connect() as connection:
            for sender, kind, stamp, data in connection.execute(query):
                yield sender, kind, float(stamp or 0), json.loads(data or "{}")
    finally:
        engine.dispose()


def user_turns(events: Iterable[tuple]) -> List[InboxRow]:
    """One row per user message that may be labelled, with the bot's messages around it."""
    rows: List[InboxRow] = []
    conversation, current_sender = _Conversation(), None
    for sender, kind, stamp, data in events:
        if sender != current_sender:
            rows += conversation.rows
            conversation, current_sender = _Conversation(), sender
        conversation.see(kind, stamp, data)
    return rows + conversation.rows


class _Conversation:
    """One conversation read event by event: its rows, and what the bot was asking.

    A message sent while the form waited on a personal detail is never a row.
    Elsewhere in a form a message is a row until the awaited slot is filled
    from it: then it was an answer, and goes; a question asked mid-form (the
    bot answers it and asks again) fills nothing and stays.
    """

    def __init__(self) -> None:
        self.form = FormProgress()
        self.rows: List[InboxRow] = []
        self.current: Optional[InboxRow] = None
        self.awaited: tuple = ()
        self.bot_before = ""

    def see(self, kind: str, stamp: float, data: dict) -> None:
        if kind == "user":
            self._user(data, stamp)
        elif kind == "slot" and self.current is not None:
            self._slot(data)
        elif kind == "bot" and data.get("text"):
            self._bot(data["text"])
        self.form.update(kind, data)

    def _user(self, data: dict, stamp: float) -> None:
        self.current, self.awaited = None, self.form.awaited_slots
        if self.form.awaits_personal_data:
            return
        row = _row(data, stamp, self.bot_before)
        if row is not None and contact_details(row.text) is None:
            self.rows.append(row)
            self.current = row

    def _slot(self, data: dict) -> None:
        if data.get("name") in self.awaited and data.get("value") not in (None, ""):
            self.rows.pop()  # the current row is always the newest
            self.current = None

    def _bot(self, text: str) -> None:
        self.bot_before = redact(text, self.form.personal_values)
        if self.current is not None:
            self.current.answers.append(self.bot_before)


def _row(data: dict, stamp: float, bot_before: str) -> Optional[InboxRow]:
    text = (data.get("text") or "").strip()
    if not text or text.startswith("/"):
        return None
    parse = data.get("parse_data") or {}
    intent = predicted_label(parse) or "?"
    reading = (best_guess(parse) if intent == FALLBACK_INTENT else None) or parse.get("intent")
    return InboxRow(
        text=text,
        intent=intent,
        confidence=float((reading or {}).get("confidence") or 0.0),
        suggestion=suggested_label(parse),
        last_seen=stamp,
        bot_before=bot_before,
    )


def fold(rows: Iterable[InboxRow], known: Dict[str, str]) -> List[InboxRow]:
    """Merge repeats of one message (keeping its least confident reading); drop known texts."""
    folded: Dict[str, InboxRow] = {}
    for row in rows:
        key = example_key(row.text)
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
    turns = user_turns(read_events(tracker_store_url, since))
    recent = [row for row in turns if since is None or row.last_seen >= since]
    rows = fold(recent, known_texts(project_dir))
    return [row for row in rows if _matches(row, intent, max_confidence)]


def format_table(rows: List[InboxRow], width: int = 120) -> str:
    """A plain-text table for a terminal: count, confidence, prediction, text, answer."""
    if not rows:
        return "The inbox is empty: no unseen visitor messages match."
    lines = [f"{'#':>3} {'n':>3} {'conf':>5}  {'prediction':<32} {'message':<40} answer"]
    for number, row in enumerate(rows, 1):
        answer = " / ".join(row.answers).replace("\n", " ") or "(no answer)"
        line = (
            f"{number:>3} {row.count:>3} {row.confidence:>5.2f}  {_cut(prediction(row), 32):<32} "
            f"{_cut(row.text, 40):<40} {answer}"
        )
        lines.append(_cut(line, width))
    return "\n".join(lines)


def prediction(row: InboxRow) -> str:
    """``greet``, or ``nlu_fallback→greet``: the fallback fired, the model leaned to greet."""
    if row.intent == FALLBACK_INTENT and row.suggestion:
        return f"{row.intent}→{row.suggestion}"
    return row.intent


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
