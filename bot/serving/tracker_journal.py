"""Conversations that could not be written to the tracker store, kept on local disk.

One JSON file per conversation (named by a hash of its id, which comes from
the outside world), replaced atomically on every turn, deleted once the
database has the events. It lets a conversation survive a database outage and
a restart of the Rasa server during one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from bot.atomic_file import write_atomically

log = logging.getLogger(__name__)

SUFFIX = ".json"
SET_ASIDE_SUFFIX = ".set-aside"


@dataclass(frozen=True)
class JournalEntry:
    sender_id: str
    events: List[Dict[str, Any]]
    inode: int = 0  # of the file read: a newer turn replaces the file, with a new inode


class TrackerJournal:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, sender_id: str) -> Path:
        digest = hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / (digest + SUFFIX)

    def write(self, sender_id: str, events: List[Dict[str, Any]]) -> Path:
        data = json.dumps({"sender_id": sender_id, "events": events}).encode("utf-8")
        return write_atomically(self.path(sender_id), data)

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[bool]:
        """Whether this process holds the journal alone for the block.

        Two servers writing one entry back would store its events twice. The
        lock is never waited for (a Rasa server must not block its event loop):
        ``False`` means another process has it, and will write the entries.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a") as lock_file:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def holds(self, sender_id: str) -> bool:
        return self.path(sender_id).exists()

    def discard(self, entry: JournalEntry) -> None:
        """Delete a written-back entry, unless a newer turn replaced it since it was read."""
        path = self.path(entry.sender_id)
        try:
            if path.stat().st_ino == entry.inode:
                path.unlink()
        except FileNotFoundError:
            pass

    def __bool__(self) -> bool:
        return any(self._paths())

    def read(self, sender_id: str) -> Optional[JournalEntry]:
        return self._load(self.path(sender_id))

    def entries(self) -> Iterator[JournalEntry]:
        """Every waiting conversation."""
        for path in self._paths():
            entry = self._load(path)
            if entry is not None:
                yield entry

    def _load(self, path: Path) -> Optional[JournalEntry]:
        """One file's conversation; an unreadable file is set aside, not retried forever."""
        try:
            inode = path.stat().st_ino
            data = json.loads(path.read_text(encoding="utf-8"))
            return JournalEntry(str(data["sender_id"]), list(data["events"]), inode)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as error:
            log.error("tracker journal file %s is unreadable (%s); set aside", path, error)
            self.set_aside_path(path)
            return None

    def set_aside(self, sender_id: str) -> None:
        """Keep a conversation the database refuses for a person to look at."""
        self.set_aside_path(self.path(sender_id))

    @staticmethod
    def set_aside_path(path: Path) -> None:
        if path.exists():
            path.replace(path.with_name(path.name + SET_ASIDE_SUFFIX))

    def _paths(self) -> Iterator[Path]:
        if self.directory.is_dir():
            yield from sorted(
                p for p in self.directory.glob("*" + SUFFIX) if not p.name.startswith(".tmp-")
            )
