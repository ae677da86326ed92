"""``bot admin review``: walk the inbox and label each message with one key.

Reads answers line by line from a stream (stdin by default) rather than raw
key presses, so the same loop runs in a terminal, in tmux and under a test.

Each message is shown between what the bot said before it and what it
answered: "Austria" means little alone, and much after "Which country?".
A text that looks like a person's name is labelled only after a warning and a
"yes": names cannot be told from product or place names reliably ("Calf
Massager Pro", "Graz"), so refusing would block good examples, while a
warning is enough to stop a hurried "accept". E-mail addresses and phone
numbers are unambiguous and :func:`bot.admin.labels.check_label` refuses them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, TextIO

from bot.admin.examples import FALLBACK_INTENT, known_intents
from bot.admin.inbox import InboxRow
from bot.admin.labels import OUT_OF_SCOPE, Label, LabelError, label
from bot.admin.personal_data import contact_details, looks_like_name

PROMPT = "[a]ccept {suggestion}, [c]hoose another intent, [o]ut of scope, [s]kip, [q]uit > "
CONTEXT_WIDTH = 100  # one line of a terminal per bot message: enough to recognise it


@dataclass
class ReviewResult:
    labelled: List[Label] = field(default_factory=list)
    skipped: int = 0
    quit_early: bool = False


class _Session:
    """The streams and the project of one review, so helpers stay small."""

    def __init__(self, project_dir: Path, user: Optional[str], stdin: TextIO, stdout: TextIO):
        self.project_dir, self.user = project_dir, user
        self.stdin, self.stdout = stdin, stdout
        self.intents = known_intents(project_dir)

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> Optional[str]:
        """One answer, or None at end of input (which ends the review)."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        return None if line == "" else line.strip()


def review(
    rows: List[InboxRow],
    project_dir: Path,
    user: Optional[str] = None,
    stdin: Optional[TextIO] = None,
    stdout: Optional[TextIO] = None,
) -> ReviewResult:
    """Label ``rows`` one by one; returns what was labelled."""
    session = _Session(Path(project_dir), user, stdin or sys.stdin, stdout or sys.stdout)
    result = ReviewResult()
    for number, row in enumerate(rows, 1):
        _show(session, row, number, len(rows))
        intent = _decide(session, row)
        if intent is None:
            result.quit_early = True
            break
        if intent == "" or (_may_be_a_name(row) and not _name_confirmed(session, row)):
            result.skipped += 1
            continue
        _apply(session, row, intent, result)
    session.say(f"\nLabelled {len(result.labelled)}, skipped {result.skipped}.")
    return result


def _show(session: _Session, row: InboxRow, number: int, total: int) -> None:
    session.say(f"\n[{number}/{total}] {row.text!r}  (seen {row.count}x)")
    session.say(f"  bot before:   {_short(row.bot_before) or '(start of the conversation)'}")
    session.say(f"  bot answered: {_short(' / '.join(row.answers)) or '(nothing)'}")
    session.say(f"  predicted:    {_prediction(row)}")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CONTEXT_WIDTH else text[: CONTEXT_WIDTH - 1] + "…"


def _prediction(row: InboxRow) -> str:
    """The fallback's own confidence is only its threshold; the best guess's says how unsure."""
    if row.intent == FALLBACK_INTENT:
        guess = row.suggestion or "(none)"
        return f"{FALLBACK_INTENT}: unsure, best guess {guess} at {row.confidence:.2f}"
    return f"{row.intent} ({row.confidence:.2f})"


def _may_be_a_name(row: InboxRow) -> bool:
    """Contact details are refused when labelling, so asking about a name there is noise."""
    return looks_like_name(row.text) and contact_details(row.text) is None


def _name_confirmed(session: _Session, row: InboxRow) -> bool:
    """Asked before labelling a text that looks like a person's name; no by default."""
    session.say(
        f"  Careful: {row.text!r} looks like a person's name. Visitors' names must not go "
        "into the training data, which is committed to git."
    )
    if (session.ask("  Label it anyway? [y/N] > ") or "").lower() in ("y", "yes"):
        return True
    session.say("  Not labelled.")
    return False


def _decide(session: _Session, row: InboxRow) -> Optional[str]:
    """The chosen intent, "" to skip, None to quit."""
    while True:
        key = session.ask(PROMPT.format(suggestion=row.suggestion or "(none)"))
        if key is None or key.lower().startswith("q"):
            return None
        key = key.lower()[:1]
        if key == "s":
            return ""
        if key == "o":
            return OUT_OF_SCOPE
        if key == "a" and row.suggestion:
            return row.suggestion
        if key == "c":
            chosen = _choose(session)
            if chosen:
                return chosen
            continue
        session.say("  Please answer a, c, o, s or q.")


def _choose(session: _Session) -> Optional[str]:
    """Pick an intent by number or name; empty input goes back to the main prompt."""
    for number, name in enumerate(session.intents, 1):
        session.say(f"  {number:>2}. {name}")
    while True:
        answer = session.ask("  intent number or name (empty to go back) > ")
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(session.intents):
            return session.intents[int(answer) - 1]
        if answer in session.intents:
            return answer
        session.say(f"  Unknown intent {answer!r}.")


def _apply(session: _Session, row: InboxRow, intent: str, result: ReviewResult) -> None:
    try:
        record = label(
            session.project_dir, row.text, intent, session.user, row.intent, row.confidence
        )
    except LabelError as error:
        session.say(f"  Not labelled: {error}")
        result.skipped += 1
        return
    result.labelled.append(record)
    session.say(f"  Labelled as {intent} in {record.file}.")
