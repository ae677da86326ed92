"""Conversation review: the conversations worth a look, each as a chat, and labelling.

Conversations are read from the tracker store, as ``bot admin review`` reads
them; anyone signed in may read them (sales follow a lead to its chat), only
admins label. What may be labelled is decided on the server from the stored
events (:func:`bot.admin.inbox.user_turns`), never from what a form sends:
form answers and contact details are not offered, and a forged form naming
one is refused, as the training data is committed to git for ever.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.admin.analytics import Conversation, conversations
from bot.admin.conversations import Turn, chosen, enquiry_state, turns
from bot.admin.examples import example_key, known_intents, known_texts
from bot.admin.inbox import InboxRow, user_turns
from bot.admin.labels import OUT_OF_SCOPE, LabelError, label
from bot.admin.personal_data import contact_details, looks_like_name
from bot.config import Settings
from bot.leads.filters import FilterError, parse_since
from bot.workspace.auth import page, workspace_of
from bot.workspace.templating import render

DEFAULT_SINCE = "30d"
LOW_CONFIDENCE = 0.6  # below this a visitor message was a guess worth checking
SHOW_LABELS = {"fallbacks": "Not understood", "low_confidence": "Low confidence",
               "abandoned": "Enquiry left", "submitted": "Enquiry sent", "all": "All"}  # fmt: skip
NOT_LABELLABLE = (
    "Not labelled: that message cannot be labelled. Answers to the enquiry or hand-off form "
    "and messages with contact details never become examples."
)
NAME_WARNING = (
    "Not labelled: {text!r} looks like a person's name, and visitors' names must not go into "
    "the training data, which is committed to git. If it is no name, tick the box to confirm "
    "and label it again."
)


def _settings(request: Request) -> Settings:
    return workspace_of(request).settings


def _is_admin(request: Request) -> bool:
    return request.state.account["role"] == "admin"


@page()
def conversation_list(request: Request) -> Response:
    """Conversations worth a look: not understood, unsure, enquiries left, or all."""
    query = request.query_params
    show = query.get("show") if query.get("show") in SHOW_LABELS else "fallbacks"
    since_text = (query.get("since") or "").strip() or DEFAULT_SINCE
    try:
        since = parse_since(since_text)
    except FilterError as error:
        return render(request, "conversations.html", 400, rows=[], show=show, since=since_text,
                      shows=SHOW_LABELS, error=str(error))  # fmt: skip
    events = workspace_of(request).tracker_events(since=since.timestamp() if since else None)
    rows = [_list_row(found) for found in _chosen(events, show)]
    return render(request, "conversations.html", rows=rows, show=show, since=since_text,
                  shows=SHOW_LABELS)  # fmt: skip


def _chosen(events: List[tuple], show: str) -> List[Conversation]:
    if show != "low_confidence":
        return chosen(conversations(events), show)
    unsure = _unsure_senders(events)
    return [found for found in chosen(conversations(events), "all") if found.sender in unsure]


def _unsure_senders(events: List[tuple]) -> set:
    """Conversations with a visitor message read below :data:`LOW_CONFIDENCE`
    (for a fallback, the model's own best guess, which is what it was unsure of)."""
    return {
        sender
        for sender, own in itertools.groupby(events, key=lambda event: event[0])
        if any(_unsure(turn) for turn in turns(own))
    }


def _unsure(turn: Turn) -> bool:
    reading = turn.confidence
    return turn.speaker == "visitor" and reading is not None and reading < LOW_CONFIDENCE


def _list_row(found: Conversation) -> dict:
    return {
        "sender": found.sender,
        "link": "/conversation?" + urlencode({"id": found.sender}),
        "started": found.started,
        "messages": found.messages,
        "fallbacks": found.fallbacks,
        "topics": ", ".join(topic for topic, _ in found.topics.most_common(3)),
        "state": enquiry_state(found),
    }


@page()
def conversation_page(request: Request) -> Response:
    sender = request.query_params.get("id") or ""
    events = workspace_of(request).tracker_events(sender=sender) if sender else []
    return _conversation(request, sender, events, labelled=_labelled_intent(request))


def _labelled_intent(request: Request) -> Optional[str]:
    """The intent a label was just added to, for the notice after the redirect; only a
    known intent name, so a crafted link cannot make the page say anything else."""
    query = request.query_params
    if query.get("done") != "labelled" or not _is_admin(request):
        return None
    intent = query.get("intent") or ""
    return intent if intent in known_intents(_settings(request).project_dir) else None


def _conversation(request: Request, sender: str, events: List[tuple], status: int = 200,
                  **alerts) -> Response:  # fmt: skip
    """The chat, with a label form beside each message an admin may label; 404 if empty."""
    said = turns(events)
    if not said:
        raise HTTPException(404)
    project_dir = _settings(request).project_dir
    offers = _offers(project_dir, events) if _is_admin(request) else {}
    bubbles = [{"turn": turn, "offer": offers.get((turn.text.strip(), turn.at))}
               for turn in said]  # fmt: skip
    intents = known_intents(project_dir) if offers else []
    context = {"labelled": None, **alerts}
    return render(request, "conversation.html", status, sender=sender, bubbles=bubbles,
                  intents=intents, **context)  # fmt: skip


def _labellable(events: List[tuple]) -> Dict[float, InboxRow]:
    """The visitor messages that may become examples, by timestamp (unique in a chat)."""
    return {row.last_seen: row for row in user_turns(events)}


def _offers(project_dir: Path, events: List[tuple]) -> Dict[tuple, dict]:
    """What the label form beside each labellable message needs, by (text, timestamp)."""
    known = known_texts(project_dir)
    return {
        (row.text, row.last_seen): {
            "row": row,
            "known_as": known.get(example_key(row.text)),
            "name_like": _may_be_a_name(row.text),
        }
        for row in _labellable(events).values()
    }


def _may_be_a_name(text: str) -> bool:
    """As ``bot admin review`` warns: contact details are refused anyway, so no question."""
    return looks_like_name(text) and contact_details(text) is None


@page(role="admin")
def label_message(request: Request) -> Response:
    """Label one visitor message, re-read from the tracker store by conversation and time."""
    form, settings = request.state.form, _settings(request)
    sender, intent = form.get("conversation", ""), form.get("intent", "")
    events = workspace_of(request).tracker_events(sender=sender) if sender else []
    row = _labellable(events).get(_timestamp(form.get("at")))
    refusal = _refusal(row, intent, form.get("confirm_name") == "yes")
    if refusal is None:
        try:
            label(settings.project_dir, row.text, intent, user=request.state.account["username"],
                  previous_intent=row.intent, previous_confidence=row.confidence)  # fmt: skip
        except LabelError as error:
            refusal = f"Not labelled: {error}."
    if refusal is not None:
        return _conversation(request, sender, events, 409, error=refusal)
    done = urlencode({"id": sender, "done": "labelled", "intent": intent})
    return RedirectResponse(f"/conversation?{done}", status_code=303)


def _timestamp(text: Optional[str]) -> Optional[float]:
    try:
        return float(text or "")
    except ValueError:
        return None


def _refusal(row: Optional[InboxRow], intent: str, name_confirmed: bool) -> Optional[str]:
    """Why this label must not be applied yet, or None."""
    if row is None:
        return NOT_LABELLABLE
    if intent != OUT_OF_SCOPE and _may_be_a_name(row.text) and not name_confirmed:
        return NAME_WARNING.format(text=row.text)
    return None


routes = [
    Route("/conversations", conversation_list, methods=["GET"]),
    Route("/conversation", conversation_page, methods=["GET"]),
    Route("/admin/label", label_message, methods=["POST"]),
]
