"""``bot admin review``: walk the inbox and label each message with one key.

Reads answers line by line from a stream (stdin by default) rather than raw
key presses, so the same loop runs in a terminal, in tmux and under a test.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, TextIO

from bot.admin.examples import known_intents
from bot.admin.inbox import InboxRow
from bot.admin.labels import OUT_OF_SCOPE, Label, LabelError, label

PROMPT = "[a]ccept {suggestion}, [c]hoose another intent, [o]ut of scope, [s]kip, [q]uit > "


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
        if intent == "":
            result.skipped += 1
            continue
        _apply(session, row, intent, result)
    session.say(f"\nLabelled {len(result.labelled)}, skipped {result.skipped}.")
    return result


def _show(session: _Session, row: InboxRow, number: int, total: int) -> None:
    session.say(f"\n[{number}/{total}] {row.text!r}  (seen {row.count}x)")
    session.say(f"  predicted: {row.intent} ({row.confidence:.2f})")
    session.say(f"  bot answered: {' / '.join(row.answers) or '(nothing)'}")


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
