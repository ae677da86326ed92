"""The dispatcher: drains the outbox into the sales team's channels.

Run as a long-lived process (``bot handoff dispatch``) or from cron
(``bot handoff dispatch --once``); several may run at once against the same
database. Delivery is at least once: a notification is marked delivered only
after every channel accepted it, so a crash or a failing channel means the
whole hand-off is sent again later, under the same idempotency key.
Notifications of kind ``handoff`` (a visitor asking for a person, see
:mod:`bot.handoff.human`) share the claims, retries and dead letters; only
their message differs.
Each pass first writes leads spooled while the database was down (see
:mod:`bot.leads.durable`), so they are saved and handed off without anyone
having to run ``bot leads replay``: those of this host's spool folder and,
with ``REDIS_URL`` set, those every host spooled to Redis.
The long-lived process outlives database outages, including one at start
(``bot run`` starts anyway): it logs one line when an outage begins and one
when it ends, and until the database answers it only retries
``prepare_database`` (the schema migration), then catches up on the next pass.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Dict, List, Sequence

from sqlalchemy.exc import SQLAlchemyError

from bot.db import DatabaseUnreachable
from bot.db.base import utcnow
from bot.handoff.backoff import Backoff
from bot.handoff.channels import NO_CHANNEL, Channel, DeliveryError
from bot.handoff.human import HANDOFF_KIND, HandoffNotFound
from bot.handoff.human import delivery as person
from bot.handoff.message import build_handoff, idempotency_key
from bot.handoff.outbox import Claim, Outbox
from bot.handoff.unit_of_work import AbstractUnitOfWork
from bot.leads.durable import replay_spool
from bot.leads.errors import DatabaseUnavailable, LeadNotFound
from bot.leads.redis_spool import RedisSpool
from bot.leads.rules import Rules
from bot.leads.services import get_lead

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=2)  # longer than every channel's timeouts together
MAX_ERROR_LENGTH = 2000
SAVED_FROM_SPOOL = "saved"  # a DispatchReport outcome: spooled leads written to the database
# What a pass raises when the database is down, not migrated or dropped the connection.
OUTAGE_ERRORS = (DatabaseUnavailable, DatabaseUnreachable, SQLAlchemyError)


@dataclass
class DispatchReport:
    """What one pass did, by outcome.

    "saved" (a spooled lead written to the database), "delivered", "retry", "dead", "lost".
    """

    outcomes: Dict[str, List[str]] = field(default_factory=dict)

    def add(self, outcome: str, reference: str) -> None:
        self.outcomes.setdefault(outcome, []).append(reference)

    def count(self, outcome: str) -> int:
        return len(self.outcomes.get(outcome, ()))


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], AbstractUnitOfWork],
        outbox: Outbox,
        channels: Sequence[Channel],
        rules: Rules,
        max_attempts: int = 8,
        backoff: Backoff | None = None,
        lease: timedelta = DEFAULT_LEASE,
        clock: Callable[[], datetime] = utcnow,
        spool_directory: Path | None = None,
        prepare_database: Callable[[], object] | None = None,
        shared_spool: RedisSpool | None = None,
    ) -> None:
        self.uow_factory, self.outbox, self.channels = uow_factory, outbox, list(channels)
        self.rules, self.max_attempts = rules, max_attempts
        self.backoff, self.lease, self.clock = backoff or Backoff(), lease, clock
        self.spool_directory = spool_directory  # None: leave spooled leads alone
        self.shared_spool = shared_spool  # the Redis spool, replayed with the folder
        self._redis_spool_down = False
        # Run by run_forever before its first pass and after each outage (the migration).
        self.prepare_database = prepare_database
        self._warned_no_channel = False
        self._outage_since: datetime | None = None
        self._database_prepared = prepare_database is None

    def run_once(self, stop: threading.Event | None = None) -> DispatchReport:
        """Save spooled leads, then deliver every notification due now (until ``stop``)."""
        report = DispatchReport()
        self._replay_spool(report)
        if not self.channels:
            self._warn_no_channel()
            return report
        while not (stop and stop.is_set()):
            claim = self.outbox.claim(self.lease, self.clock())
            if claim is None:
                break
            report.add(self._process(claim), claim.lead_reference)
        return report

    def run_forever(self, stop: threading.Event, interval: float = 5.0) -> None:
        """Poll every ``interval`` seconds until ``stop`` is set (by SIGTERM or SIGINT)."""
        log.info("dispatching to %s", ", ".join(c.name for c in self.channels) or "nothing")
        while not stop.is_set():
            try:
                self._prepare_database()
                self.run_once(stop)
            except OUTAGE_ERRORS as error:
                # Claimed rows come back when their lease ends; nothing to undo.
                self._outage(error, interval)
            else:
                self._outage_over()
            stop.wait(interval)
        log.info("dispatcher stopped")

    def _prepare_database(self) -> None:
        if not self._database_prepared:
            self.prepare_database()
            self._database_prepared = True

    def _outage(self, error: Exception, interval: float) -> None:
        """Log an outage once, not once per poll; prepare the database again once it is back."""
        self._database_prepared = self.prepare_database is None
        if self._outage_since is None:
            self._outage_since = self.clock()
            error = getattr(error, "orig", None) or error
            log.warning("database unavailable, retrying every %ss (logged once per outage): "
                        "%s", interval, str(error).strip().replace("\n", " "))  # fmt: skip

    def _outage_over(self) -> None:
        if self._outage_since is not None:
            down_for = (self.clock() - self._outage_since).total_seconds()
            log.info("database available again after %.0f s; caught up", down_for)
            self._outage_since = None

    def _replay_spool(self, report: DispatchReport) -> None:
        """Write leads spooled while the database was down; they stay spooled while it is."""
        if self.spool_directory is None:
            return
        try:
            replay = replay_spool(self.uow_factory, self.spool_directory, self.shared_spool)
        except OSError:  # an unreadable spool must not hold up deliveries
            log.exception("cannot read the lead spool %s", self.spool_directory)
            return
        self._note_redis_spool(replay.shared_error)
        for reference in replay.replayed:
            report.add(SAVED_FROM_SPOOL, reference)
        if replay.replayed:
            log.info("saved %d lead(s) spooled while the database was down: %s",
                     len(replay.replayed), ", ".join(replay.replayed))  # fmt: skip
        if replay.error:  # delivering would fail too: end the pass here
            raise DatabaseUnavailable(f"{replay.error}; {replay.remaining} lead(s) still "
                                      f"spooled in {self.spool_directory}")  # fmt: skip

    def _note_redis_spool(self, error: str | None) -> None:
        """Log once when the Redis spool becomes unreadable and once when it is back."""
        if error and not self._redis_spool_down:
            log.warning("cannot read the lead spool in Redis, its leads wait (logged once per "
                        "outage): %s", error)  # fmt: skip
        elif not error and self._redis_spool_down:
            log.info("the lead spool in Redis is readable again")
        self._redis_spool_down = bool(error)

    def _warn_no_channel(self) -> None:
        if not self._warned_no_channel:
            log.warning(NO_CHANNEL)
            self._warned_no_channel = True

    def _process(self, claim: Claim) -> str:
        if claim.attempts > self.max_attempts:
            # Earlier attempts never finished: a lead that crashes the dispatcher.
            return self._settle_dead(claim, "gave up: earlier attempts never finished")
        if claim.kind == HANDOFF_KIND:
            return self._process_person_request(claim)
        try:
            lead = get_lead(self.uow_factory(), claim.lead_reference)
        except LeadNotFound:
            return self._settle_dead(claim, "the lead no longer exists (purged)")
        key = idempotency_key(claim.lead_reference, claim.kind, claim.payload)
        errors = self._send_everywhere(build_handoff(self.rules, claim.kind, key, lead))
        return self._settle(claim, errors)

    def _process_person_request(self, claim: Claim) -> str:
        """A visitor asked for a person: same claim and retries, another message."""
        try:
            message = person.person_requested(
                self.uow_factory(), claim.lead_reference, self.rules.default_route
            )
        except HandoffNotFound:
            return self._settle_dead(claim, "the hand-off request no longer exists")
        return self._settle(claim, self._send_everywhere(message, send=person.send))

    def _settle(self, claim: Claim, errors: List[str]) -> str:
        if not errors:
            settled = self.outbox.delivered(claim)
            return self._outcome(claim, "delivered", settled)
        error = "; ".join(errors)[:MAX_ERROR_LENGTH]
        if claim.attempts >= self.max_attempts:
            return self._settle_dead(claim, error)
        retry_at = self.clock() + self.backoff.delay(claim.attempts)
        log.warning("%s attempt %d failed, next at %s: %s", claim.lead_reference,
                    claim.attempts, retry_at.isoformat(timespec="seconds"), error)  # fmt: skip
        return self._outcome(claim, "retry", self.outbox.retry_later(claim, error, retry_at))

    def _send_everywhere(self, handoff, send=None) -> List[str]:
        errors = []
        for channel in self.channels:
            try:
                if send is None:
                    channel.send(handoff)
                else:
                    send(channel, handoff)
            except DeliveryError as error:
                errors.append(f"{channel.name}: {error}")
            except Exception as error:  # a bug in one channel must not starve the others
                log.exception("%s channel failed unexpectedly", channel.name)
                errors.append(f"{channel.name}: unexpected {type(error).__name__}: {error}")
        return errors

    def _settle_dead(self, claim: Claim, error: str) -> str:
        log.error("%s dead-lettered after %d attempt(s): %s (`bot handoff retry %s` requeues)",
                  claim.lead_reference, claim.attempts, error, claim.lead_reference)  # fmt: skip
        return self._outcome(claim, "dead", self.outbox.dead(claim, error))

    def _outcome(self, claim: Claim, outcome: str, settled: bool) -> str:
        if settled:
            if outcome == "delivered":
                log.info("%s delivered (%s)", claim.lead_reference, claim.kind)
            return outcome
        # Our lease ran out or the lead was resubmitted: the row has moved on.
        log.warning("%s: claim lost before it was recorded as %s", claim.lead_reference, outcome)
        return "lost"
