"""Rasa's SQL tracker store, made to outlive a database outage.

Stock ``SQLTrackerStore`` blocks start-up in a loop while the database is down,
exits the whole server on a ``ValueError`` (psycopg2 raises one for a NUL
byte), and, behind Rasa's ``FailSafeTrackerStore``, forgets every conversation
while the database is unreachable: a visitor at the "Submit" step is suddenly
a stranger, so the enquiry never reaches the action that would spool it.

This store keeps serving through an outage instead:

* it starts without the database and creates its tables once it can;
* every saved tracker is also remembered in memory (the most recent
  conversations, bounded), which answers ``retrieve`` while the database is
  down, so a form carries on at the right question;
* trackers it cannot write go to a journal on local disk
  (:mod:`bot.serving.tracker_journal`) and are written, once, when the
  database answers again (also after a restart of the server). The journal
  is read before memory during an outage, so Rasa servers sharing one host's
  ``var/`` carry on each other's conversations, and one of them at a time
  writes it back;
* after a failure it leaves the database alone for a few seconds rather than
  making every visitor wait for a connection attempt.

While the database is up it writes exactly like Rasa's store, and reads like
it too, except that the next turn of a conversation it has just saved is
served from memory: one indexed ``max(id)`` query confirms that nobody (no
other Rasa instance) has written to the conversation since, instead of
reading, decoding and replaying every event of the conversation on every turn,
which made a turn slower the longer a conversation went on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, Generator, Optional

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.config import load_settings
from bot.serving.rasa_version import warn_if_untested
from bot.serving.stored_events import StoredEvents, StoredSession
from bot.serving.tracker_engine import tracker_engine
from bot.serving.tracker_journal import TrackerJournal

log = logging.getLogger(__name__)

# Errors that mean "the database is not there", as opposed to "it refused this row".
OUTAGE_ERRORS = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
RETRY_AFTER_SECONDS = 2.0
RECENT_CONVERSATIONS = 1_000


def journal_dir() -> Path:
    return load_settings().var_dir / "spool" / "trackers"


class ResilientSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with a memory of recent conversations and a disk journal."""

    def __init__(
        self,
        domain=None,
        host: Optional[str] = None,
        event_broker=None,
        journal_directory: Optional[Path] = None,
        recent_limit: int = RECENT_CONVERSATIONS,
        **kwargs: Any,
    ) -> None:
        warn_if_untested("ResilientSQLTrackerStore")
        kwargs.pop("dialect", None)
        self.engine = tracker_engine(host or "sqlite:///rasa.db")
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.journal = TrackerJournal(journal_directory or journal_dir())
        self.recent: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self.recent_limit = recent_limit
        # What the database holds of the conversations in ``recent`` that this
        # store wrote last, while they equal what ``retrieve`` would read.
        self.stored: Dict[str, StoredSession] = {}
        self.sql = StoredEvents(self.SQLEvent.__table__)
        self._tables_ready = False
        self._journal_pending = bool(self.journal)
        self._retry_at = 0.0
        self._outage_logged = False
        self._catch_up: Optional[asyncio.Task] = None
        # TrackerStore.__init__, not SQLTrackerStore's: that one waits for the database.
        super(SQLTrackerStore, self).__init__(domain, event_broker, **kwargs)
        with contextlib.suppress(*OUTAGE_ERRORS):
            self._ensure_tables()

    @contextlib.contextmanager
    def session_scope(self) -> Generator[sa.orm.Session, None, None]:
        """A session; unlike Rasa's, an error never exits the server."""
        session = self.sessionmaker()
        try:
            yield session
        finally:
            session.close()

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        return await self._retrieve_or_remember(sender_id, all_sessions=False)

    async def retrieve_full_tracker(self, conversation_id: str) -> Optional[DialogueStateTracker]:
        return await self._retrieve_or_remember(conversation_id, all_sessions=True)

    async def save(self, tracker: DialogueStateTracker) -> None:
        known = self.stored.pop(tracker.sender_id, None)
        if self.recent.get(tracker.sender_id) is not tracker:
            known = None  # what is known describes another tracker object
        self._remember(tracker)
        if self._database_worth_trying():
            try:
                await self._write_journal()
                if self.journal.holds(tracker.sender_id):
                    # Another server of this host is writing its earlier turns back.
                    self._journal(tracker)
                    return
                stored = await self._write_new_events(tracker, known)
            except OUTAGE_ERRORS as error:
                self._outage(error)
            except (sqlalchemy.exc.SQLAlchemyError, ValueError):
                log.exception("the database refused conversation %r; set aside", tracker.sender_id)
                self._journal(tracker)
                self.journal.set_aside(tracker.sender_id)
                return
            else:
                self._recovered()
                self._remember_stored(tracker, stored)
                return
        self._journal(tracker)

    async def _write_new_events(
        self, tracker: DialogueStateTracker, known: Optional[StoredSession]
    ) -> StoredSession:
        """Rasa's ``save``, knowing without counting which events are new when it can.

        ``known`` describes what this store wrote of ``tracker`` last time; one
        ``max(id)`` query confirms that no other Rasa instance wrote since.
        Otherwise the stored session's events are counted, as Rasa does.
        """
        await self.stream_events(tracker)
        with self.engine.begin() as connection:
            if known is not None and (
                known.events > len(tracker.events)
                or self.sql.newest_id(connection, tracker.sender_id) != known.newest_id
            ):
                known = None
            if known is None:
                known = self.sql.latest_session(connection, tracker.sender_id)
            new_events = list(itertools.islice(tracker.events, known.events, None))
            newest_id = self.sql.append(connection, tracker.sender_id, new_events)
        if any(isinstance(event, SessionStarted) for event in new_events):
            with self.engine.connect() as connection:  # the stored session now starts later
                return self.sql.latest_session(connection, tracker.sender_id)
        return StoredSession(len(tracker.events), newest_id or known.newest_id)

    def _remember_stored(self, tracker: DialogueStateTracker, stored: StoredSession) -> None:
        """Keep what ``retrieve`` would read next: the stored session's events only."""
        if stored.events != len(tracker.events):
            latest_session = list(tracker.events)[len(tracker.events) - stored.events :]
            tracker = DialogueStateTracker.from_events(
                tracker.sender_id, latest_session, self.domain.slots, self.max_event_history
            )
            self.recent[tracker.sender_id] = tracker
        self.stored[tracker.sender_id] = stored

    def _unchanged_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The remembered tracker, if it holds exactly what the database holds.

        Rasa adds events to the tracker it is given during a turn: a turn that
        failed before saving leaves it longer than what was stored, and the
        database is read instead.
        """
        known, tracker = self.stored.get(sender_id), self.recent.get(sender_id)
        if known is None or tracker is None or len(tracker.events) != known.events:
            self.stored.pop(sender_id, None)
            return None
        with self.engine.connect() as connection:
            if self.sql.newest_id(connection, sender_id) == known.newest_id:
                return tracker
        self.stored.pop(sender_id, None)
        return None

    async def _retrieve_or_remember(
        self, sender_id: str, all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        if self._database_worth_trying():
            try:
                await self._write_journal()
                # Turns another server of this host kept and has not written back yet.
                tracker = self._from_journal(sender_id)
                if tracker is None and not all_sessions:
                    tracker = self._unchanged_tracker(sender_id)
                if tracker is None:
                    tracker = await self._retrieve(sender_id, all_sessions)
            except OUTAGE_ERRORS as error:
                self._outage(error)
            else:
                self._recovered()
                return tracker
        return self._from_journal(sender_id) or self.recent.get(sender_id)

    def _from_journal(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """A conversation kept on disk during the outage, by any server of this host."""
        entry = self.journal.read(sender_id)
        if entry is None:
            return None
        return DialogueStateTracker.from_dict(sender_id, entry.events, self.domain.slots)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        self.recent[tracker.sender_id] = tracker
        self.recent.move_to_end(tracker.sender_id)
        while len(self.recent) > self.recent_limit:
            forgotten, _ = self.recent.popitem(last=False)
            self.stored.pop(forgotten, None)

    def _journal(self, tracker: DialogueStateTracker) -> None:
        events = tracker.current_state(EventVerbosity.ALL)["events"]
        self.journal.write(tracker.sender_id, events)
        self._journal_pending = True
        self._start_catching_up()

    async def _write_journal(self) -> None:
        """Write every conversation kept during an outage; raises if the database is still out."""
        self._ensure_tables()
        if not self._journal_pending:
            return
        with self.journal.exclusive() as alone:
            if not alone:  # another Rasa server of this host is writing it back
                return
            await self._write_journal_entries()
        self._journal_pending = False

    async def _write_journal_entries(self) -> None:
        for entry in self.journal.entries():
            tracker = DialogueStateTracker.from_dict(
                entry.sender_id, entry.events, self.domain.slots
            )
            try:
                await super().save(tracker)
            except OUTAGE_ERRORS:
                raise
            except (sqlalchemy.exc.SQLAlchemyError, ValueError):
                log.exception("the database refused conversation %r; set aside", entry.sender_id)
                self.journal.set_aside(entry.sender_id)
                continue
            self.journal.discard(entry)
            log.info("wrote conversation %r kept during the database outage", entry.sender_id)

    def _ensure_tables(self) -> None:
        if not self._tables_ready:
            self.Base.metadata.create_all(self.engine)
            self._tables_ready = True

    def _database_worth_trying(self) -> bool:
        return time.monotonic() >= self._retry_at

    def _outage(self, error: Exception) -> None:
        self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
        if not self._outage_logged:
            self._outage_logged = True
            log.warning(
                "The conversation database is unreachable; conversations are kept in memory "
                "and in %s until it is back (%s).",
                self.journal.directory, str(error).splitlines()[0][:200],
            )  # fmt: skip

    def _start_catching_up(self) -> None:
        """Write the journal as soon as the database is back, even if no visitor writes."""
        if self._catch_up is not None and not self._catch_up.done():
            return
        # Without an event loop (a script) the next retrieve or save writes it.
        with contextlib.suppress(RuntimeError):
            self._catch_up = asyncio.get_running_loop().create_task(self._keep_trying())

    async def _keep_trying(self) -> None:
        while self._journal_pending:
            await asyncio.sleep(max(RETRY_AFTER_SECONDS, 0.5))
            if not self._database_worth_trying():
                continue
            try:
                await self._write_journal()
            except OUTAGE_ERRORS as error:
                self._outage(error)
            else:
                self._recovered()

    def _recovered(self) -> None:
        if self._outage_logged:
            self._outage_logged = False
            log.warning("The conversation database is reachable again.")
