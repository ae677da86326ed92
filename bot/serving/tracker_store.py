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
  database answers again (also after a restart of the server);
* after a failure it leaves the database alone for a few seconds rather than
  making every visitor wait for a connection attempt.

While the database is up it reads and writes exactly like Rasa's store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Generator, Optional

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, is_postgresql_url
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.config import load_settings
from bot.serving.rasa_version import warn_if_untested
from bot.serving.tracker_journal import TrackerJournal

log = logging.getLogger(__name__)

# Errors that mean "the database is not there", as opposed to "it refused this row".
OUTAGE_ERRORS = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)
RETRY_AFTER_SECONDS = 2.0
CONNECT_TIMEOUT_SECONDS = 3
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
        url = host or "sqlite:///rasa.db"
        engine_kwargs = create_engine_kwargs(url)
        if is_postgresql_url(url):
            connect_args = engine_kwargs.setdefault("connect_args", {})
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.journal = TrackerJournal(journal_directory or journal_dir())
        self.recent: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self.recent_limit = recent_limit
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
        self._remember(tracker)
        if self._database_worth_trying():
            try:
                await self._write_journal()
                await super().save(tracker)
            except OUTAGE_ERRORS as error:
                self._outage(error)
            except (sqlalchemy.exc.SQLAlchemyError, ValueError):
                log.exception("the database refused conversation %r; set aside", tracker.sender_id)
                self._journal(tracker)
                self.journal.set_aside(tracker.sender_id)
                return
            else:
                self._recovered()
                return
        self._journal(tracker)

    async def _retrieve_or_remember(
        self, sender_id: str, all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        if self._database_worth_trying():
            try:
                await self._write_journal()
                tracker = await self._retrieve(sender_id, all_sessions)
            except OUTAGE_ERRORS as error:
                self._outage(error)
            else:
                self._recovered()
                return tracker
        return self.recent.get(sender_id) or self._from_journal(sender_id)

    def _from_journal(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """A conversation kept on disk by an earlier run of this server during the outage."""
        entry = self.journal.read(sender_id)
        if entry is None:
            return None
        return DialogueStateTracker.from_dict(sender_id, entry.events, self.domain.slots)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        self.recent[tracker.sender_id] = tracker
        self.recent.move_to_end(tracker.sender_id)
        while len(self.recent) > self.recent_limit:
            self.recent.popitem(last=False)

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
            self.journal.discard(entry.sender_id)
            log.info("wrote conversation %r kept during the database outage", entry.sender_id)
        self._journal_pending = False

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
