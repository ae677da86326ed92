"""How the bot is used, read from the tracker store: activity, topics, fallbacks, the funnel.

Everything comes from the events Rasa already keeps (read-only, like the admin
inbox), so the figures need no extra logging and cover conversations from
before this module existed. Counts are per conversation where a person would
count people (the funnel) and per message where they would count questions.

The enquiry funnel follows ``lead_form``: *started* when the form became
active, then each question the bot asked (``requested_slot``), then
*submitted* when the lead was stored (``lead_reference`` set). The form skips
questions (no organisation for a personal buyer), so "reached" is counted per
question, and a conversation that started and never submitted is *dropped* at
the last question it was asked: where the visitor left.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Dict, Iterable, List, Optional, Tuple

from bot.admin.examples import FALLBACK_INTENT
from bot.admin.inbox import predicted_label
from bot.leads.intake import fields as f

LEAD_FORM = "lead_form"
DEFAULT_FALLBACK = "action_default_fallback"
FUNNEL_QUESTIONS = f.FORM_SLOTS
QUESTION_LABELS = {
    **{slot: label.capitalize() for slot, label in f.FIELD_LABELS.items()},
    f.ITEMS: "Products and quantities",
    f.CONFIRMED: "Summary confirmed",
}
# Intents that are questions about something, named as a person would name the topic.
TOPIC_NAMES = {
    "list_products": "the product range",
    "ask_product": "a product",
    "compare_products": "comparing products",
    "product_for_setting": "products for a setting",
    "tell_more": "more detail",
    "ask_commercial": "prices, delivery and terms",
    "ask_medication": "medication and health",
    "crisis": "crisis",
    "human_handoff": "talking to a person",
    "request_quote": "asking for a quote",
}


@dataclass
class Conversation:
    """What one conversation did, reduced to what the figures need."""

    sender: str
    started: float = 0.0
    messages: int = 0
    fallbacks: int = 0
    topics: Counter = field(default_factory=Counter)
    form_started: bool = False
    asked: List[str] = field(default_factory=list)  # form questions, first time asked, in order
    submitted: bool = False

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.started, timezone.utc).date()

    @property
    def abandoned_at(self) -> Optional[str]:
        """The last question of an enquiry left unfinished, else None."""
        if not self.form_started or self.submitted:
            return None
        return self.asked[-1] if self.asked else FUNNEL_START


FUNNEL_START = "started"


@dataclass(frozen=True)
class FunnelStep:
    name: str
    label: str
    reached: int
    dropped: int  # conversations that left at this step without submitting


@dataclass
class Report:
    conversations: int
    messages: int
    fallbacks: int
    per_day: List[Tuple[date, int]]
    topics: List[Tuple[str, int]]
    funnel: List[FunnelStep]

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.messages if self.messages else 0.0


def conversations(events: Iterable[tuple]) -> List[Conversation]:
    """One :class:`Conversation` per sender from ``(sender, type, timestamp, data)`` events.

    Events must come grouped by sender and in order, as
    :func:`bot.admin.inbox.read_events` yields them.
    """
    found: List[Conversation] = []
    current: Optional[Conversation] = None
    in_form = False
    last_user_fell_back = False
    for sender, kind, stamp, data in events:
        if current is None or sender != current.sender:
            current, in_form = Conversation(sender, started=stamp), False
            found.append(current)
        if kind == "user":
            current.messages += 1
            parse = data.get("parse_data") or {}
            label = predicted_label(parse)
            last_user_fell_back = label == FALLBACK_INTENT
            current.fallbacks += last_user_fell_back
            topic = _topic(label)
            if topic:
                current.topics[topic] += 1
        elif kind == "action" and data.get("name") == DEFAULT_FALLBACK:
            if not last_user_fell_back and current.messages:
                current.fallbacks += 1  # understood, but the dialogue did not know what to do
                last_user_fell_back = True
        elif kind == "active_loop":
            in_form = data.get("name") == LEAD_FORM
            current.form_started |= in_form
        elif kind == "slot" and in_form and data.get("name") == "requested_slot":
            question = data.get("value")
            if question in FUNNEL_QUESTIONS and question not in current.asked:
                current.asked.append(question)
        elif kind == "slot" and data.get("name") == f.REFERENCE and data.get("value"):
            current.submitted = True
    return found


def _topic(label: Optional[str]) -> Optional[str]:
    if not label:
        return None
    if label.startswith("faq/"):
        return label[len("faq/") :].replace("_", " ")
    return TOPIC_NAMES.get(label)


def report(found: List[Conversation], top_topics: int = 12) -> Report:
    """The figures of ``found``: per day, topics, fallbacks and the enquiry funnel."""
    per_day = Counter(c.day for c in found if c.messages)
    topics: Counter = Counter()
    for conversation in found:
        topics.update(conversation.topics)
    talked = [c for c in found if c.messages]
    return Report(
        conversations=len(talked),
        messages=sum(c.messages for c in talked),
        fallbacks=sum(c.fallbacks for c in talked),
        per_day=_every_day(per_day),
        topics=topics.most_common(top_topics),
        funnel=funnel(found),
    )


def _every_day(counts: Counter) -> List[Tuple[date, int]]:
    """Counts from the first day to the last, quiet days included as 0: a gap is news too."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(first + timedelta(days=n), counts.get(first + timedelta(days=n), 0))
            for n in range((last - first).days + 1)]  # fmt: skip


def funnel(found: List[Conversation]) -> List[FunnelStep]:
    """Started, each question in form order, submitted: how many reached it, how many left."""
    enquiries = [c for c in found if c.form_started]
    dropped: Dict[str, int] = Counter(c.abandoned_at for c in enquiries if c.abandoned_at)
    steps = [FunnelStep(FUNNEL_START, "Enquiry started", len(enquiries), dropped[FUNNEL_START])]
    for question in FUNNEL_QUESTIONS:
        reached = sum(question in c.asked for c in enquiries)
        steps.append(FunnelStep(question, QUESTION_LABELS.get(question, question), reached,
                                dropped[question]))  # fmt: skip
    steps.append(FunnelStep("submitted", "Submitted", sum(c.submitted for c in enquiries), 0))
    return steps
