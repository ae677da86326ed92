"""Label a visitor's message: validate it, add it to the training data, log who did it.

The log is append-only JSON lines next to the data it explains
(``data/labels/labels.jsonl``), so "why is this example here?" has an answer
in the repository history: who labelled what, when, and what the model had
predicted before.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from bot.admin.examples import append_example, example_key, known_intents, known_texts
from bot.admin.personal_data import contact_details

LABEL_LOG = Path("data") / "labels" / "labels.jsonl"
OUT_OF_SCOPE = "out_of_scope"


class LabelError(ValueError):
    """The label cannot be applied; the message says why, in words for the admin."""


@dataclass(frozen=True)
class Label:
    """One labelling decision, as written to the log."""

    at: str
    user: str
    text: str
    intent: str
    previous_intent: Optional[str]
    previous_confidence: Optional[float]
    file: str


def current_user(explicit: Optional[str] = None) -> str:
    return explicit or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def check_label(project_dir: Path, text: str, intent: str) -> str:
    """The cleaned text, or :class:`LabelError` if it must not go into the data."""
    text = " ".join(text.split())
    if not text:
        raise LabelError("the text is empty")
    if text.startswith("/"):
        raise LabelError(f"{text!r} is a button payload, not something a visitor typed")
    found = contact_details(text)
    if found:
        # Refused, not merely warned about: the data is committed and git keeps it for
        # ever, and a made-up address written into the YAML by hand teaches the same.
        raise LabelError(
            f"the text contains {found}; a visitor's contact details must not go into the "
            "training data (write a made-up example into data/nlu/ by hand instead)"
        )
    if any(char in text for char in "[]{}"):
        raise LabelError(f"{text!r} contains [ ] {{ }}, which Rasa reads as entity markup")
    intents = known_intents(project_dir)
    if intent not in intents:
        raise LabelError(f"unknown intent {intent!r}; known intents: {', '.join(intents)}")
    existing = known_texts(project_dir).get(example_key(text))
    if existing is not None:
        raise LabelError(f"{text!r} is already in the training data (as {existing})")
    return text


def label(
    project_dir: Path,
    text: str,
    intent: str,
    user: Optional[str] = None,
    previous_intent: Optional[str] = None,
    previous_confidence: Optional[float] = None,
) -> Label:
    """Append ``text`` as an example of ``intent`` and record the decision."""
    project_dir = Path(project_dir)
    text = check_label(project_dir, text, intent)
    path = append_example(project_dir, intent, text)
    record = Label(
        at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        user=current_user(user),
        text=text,
        intent=intent,
        previous_intent=previous_intent,
        previous_confidence=previous_confidence,
        file=path.relative_to(project_dir).as_posix(),
    )
    _log(project_dir / LABEL_LOG, record)
    return record


def _log(path: Path, record: Label) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
