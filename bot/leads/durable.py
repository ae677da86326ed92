"""Never lose a lead because the database is down, or refuses it.

The submit action calls :func:`submit_lead_durably`: if the database cannot
be reached the submission is spooled and the visitor is told it was received
("queued"); :func:`replay_spool` (the lead dispatcher, ``bot run``, ``bot leads
replay``) writes spooled leads once the database is back. Replays are
idempotent because a lead is keyed by its conversation id.

Where a submission waits: in Redis when ``REDIS_URL`` is set, so that any
host replays it (:mod:`bot.leads.redis_spool`); in the local folder without
Redis, or while Redis is unreachable (:mod:`bot.leads.spool`). Replays read
both, oldest first, so the newest submission of a conversation is written last
whichever spool holds it, and a folder filled before Redis was configured or
during a Redis outage is not forgotten.

A submission the database refuses outright (a data error, not an outage) is
never lost either: it is set aside for a person (in Redis when there is one,
else as a ``.rejected`` file), and a short stand-in lead saying where is saved,
so the sales team sees it in ``bot leads list`` and gets the usual notification.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, List, Tuple, Union

from sqlalchemy.exc import DataError, IntegrityError

from bot.leads import redis_spool, spool
from bot.leads.errors import DatabaseUnavailable, InvalidSubmission, WriteConflict
from bot.leads.redis_spool import RedisLocation, RedisSpool, RedisSpooled, SpoolUnavailable
from bot.leads.services import submit_lead
from bot.leads.submission import TEXT_FIELDS, LeadSubmission, clean_submission
from bot.leads.unit_of_work import AbstractUnitOfWork
from bot.visitor_input import shorten

log = logging.getLogger(__name__)

SAVED = "saved"
QUEUED = "queued"
SET_ASIDE = "set_aside"
# The unit of work turns outages into DatabaseUnavailable and unique violations
# into WriteConflict; what is left of these is the database refusing the data.
REFUSED_BY_DATABASE = (DataError, IntegrityError)
STAND_IN_TEXT = 200
STAND_IN_NOTE = (
    "[set aside] The database refused this enquiry as submitted ({reason}). "
    "The complete submission is kept in {path}: please review it by hand."
)
Kept = Union[Path, RedisLocation]  # a spooled or set-aside submission: a file or a Redis entry


@dataclass(frozen=True)
class SubmitOutcome:
    """``status`` is "saved" (``reference`` set), "queued" (saved later, no reference yet)
    or "set_aside" (kept in ``set_aside`` for a person; no reference).

    ``set_aside`` is also set when a stand-in lead was saved for a refused submission.
    """

    status: str
    reference: str | None = None
    created: bool = False
    set_aside: Kept | None = None


@dataclass
class ReplayReport:
    """``error``: the database is still down; ``shared_error``: Redis could not be read,
    its entries wait for the next replay (the folder was replayed all the same)."""

    replayed: List[str] = field(default_factory=list)
    rejected: List[Kept] = field(default_factory=list)
    remaining: int = 0
    error: str | None = None
    shared_error: str | None = None


@dataclass(frozen=True)
class _Spools:
    """The folder, and Redis when configured: where submissions wait or are set aside.

    Redis comes first because every host sees it; the folder takes over when
    Redis fails, since an enquiry is never lost because one of them is down.
    """

    folder: Path
    shared: RedisSpool | None = None

    def queue(self, submission: LeadSubmission) -> Kept:
        if self.shared is not None:
            try:
                kept = self.shared.write(submission)
            except SpoolUnavailable as error:
                log.error("%s; spooling to the folder %s instead", error, self.folder)
            else:
                # A copy left here by a Redis outage is older: no use replaying it.
                spool.discard(self.folder, submission.conversation_id)
                return kept
        return spool.write(self.folder, submission)

    def discard(self, conversation_id: str) -> None:
        spool.discard(self.folder, conversation_id)
        if self.shared is not None:
            try:
                self.shared.discard(conversation_id)
            except SpoolUnavailable as error:
                log.warning("%s; an older spooled copy of %r, if any, will be replayed over "
                            "the saved lead", error, conversation_id)  # fmt: skip

    def set_aside(self, submission: LeadSubmission, reason: str) -> Kept:
        if self.shared is not None:
            try:
                return self.shared.set_aside(submission, reason)
            except SpoolUnavailable as error:
                log.error("%s; setting aside in the folder %s instead", error, self.folder)
        return spool.set_aside(self.folder, submission, reason)


def submit_lead_durably(
    uow: AbstractUnitOfWork,
    submission: LeadSubmission,
    spool_directory: Path,
    shared: RedisSpool | None = None,
) -> SubmitOutcome:
    """Save the lead, spool it if the database is unavailable, set it aside if refused.

    ``shared`` is the Redis spool (``None`` without ``REDIS_URL``). Only a
    submission our own form got wrong (see :func:`clean_submission`) is
    refused, before anything is written; what the visitor typed never is.
    """
    spools = _Spools(Path(spool_directory), shared)
    submission = clean_submission(submission)
    try:
        outcome = _save(uow, submission, spools)
    except DatabaseUnavailable as error:
        kept = spools.queue(submission)
        log.warning("database unavailable (%s); lead spooled to %s", error, kept)
        return SubmitOutcome(status=QUEUED)
    # An older spooled copy of this conversation would overwrite newer answers on replay.
    spools.discard(submission.conversation_id)
    return outcome


def replay_spool(
    uow_factory: Callable[[], AbstractUnitOfWork],
    spool_directory: Path,
    shared: RedisSpool | None = None,
) -> ReplayReport:
    """Write spooled leads to the database, oldest first, removing each once saved.

    Reads the folder and, when ``shared`` is given, Redis. Stops at the first
    sign the database (or Redis) is unavailable and leaves the rest for the
    next run. A lead the database refuses is set aside (see
    :func:`submit_lead_durably`) and the replay goes on.
    """
    spools = _Spools(Path(spool_directory), shared)
    report = ReplayReport()
    for _, replay_one in _pending(spools, report):
        try:
            replay_one(uow_factory, spools, report)
        except DatabaseUnavailable as error:
            report.error = str(error)
            break
        except SpoolUnavailable as error:
            report.shared_error = str(error)
            break
    report.remaining = _remaining(spools, report)
    return report


def _pending(spools: _Spools, report: ReplayReport) -> List[Tuple[int, Callable]]:
    """Both spools' entries, oldest first, each with the function that replays it."""
    pending = [(spool.spooled_at_ns(path), partial(_replay_file, path))
               for path in spool.spooled_paths(spools.folder)]  # fmt: skip
    if spools.shared is not None:
        try:
            entries = spools.shared.entries()
        except SpoolUnavailable as error:  # callers say so: the dispatcher once per outage
            report.shared_error = str(error)
        else:
            pending += [(entry.spooled_at_ns, partial(_replay_entry, entry)) for entry in entries]
    return sorted(pending, key=lambda item: item[0])


def _remaining(spools: _Spools, report: ReplayReport) -> int:
    remaining = len(spool.spooled_paths(spools.folder))
    if spools.shared is not None and report.shared_error is None:
        try:
            remaining += spools.shared.count()
        except SpoolUnavailable as error:
            report.shared_error = str(error)
    return remaining


def _replay_file(path: Path, uow_factory, spools: _Spools, report: ReplayReport) -> None:
    try:
        spooled = spool.load(path)
        if spooled is None:
            return
        outcome = _save(uow_factory(), spooled.submission, spools)
    except InvalidSubmission as error:  # also raised by load() for a corrupt file
        log.error("cannot replay %s, set aside: %s", path, error)
        report.rejected.append(spool.reject(path))
        return
    spool.remove(spooled)
    _record(outcome, report)


def _replay_entry(entry: RedisSpooled, uow_factory, spools: _Spools, report: ReplayReport) -> None:
    try:
        outcome = _save(uow_factory(), redis_spool.load(entry), spools)
    except InvalidSubmission as error:  # also raised by load() for a damaged entry
        log.error("cannot replay Redis entry %s, set aside: %s", entry.field, error)
        report.rejected.append(spools.shared.reject(entry, str(error)))
        return
    spools.shared.remove(entry)
    _record(outcome, report)


def _record(outcome: SubmitOutcome, report: ReplayReport) -> None:
    if outcome.set_aside is not None:
        report.rejected.append(outcome.set_aside)
    if outcome.reference is not None:
        report.replayed.append(outcome.reference)


def _save(uow: AbstractUnitOfWork, submission: LeadSubmission, spools: _Spools) -> SubmitOutcome:
    """Save the lead, or set it aside if the database refuses it.

    Raises :class:`DatabaseUnavailable`, leaving the caller to spool or keep the submission.
    """
    try:
        receipt = submit_lead(uow, submission)
    except REFUSED_BY_DATABASE as error:
        return _set_aside(uow, submission, _reason(error), spools)
    return SubmitOutcome(status=SAVED, reference=receipt.reference, created=receipt.created)


def _set_aside(
    uow: AbstractUnitOfWork, submission: LeadSubmission, reason: str, spools: _Spools
) -> SubmitOutcome:
    """Keep the refused submission for a person and save a stand-in lead saying where.

    If the stand-in is refused too, the kept copy alone remains and the error is logged.
    """
    submission = clean_submission(submission)
    kept = spools.set_aside(submission, reason)
    log.error("database refused the lead of %s (%s); set aside in %s",
              submission.conversation_id, reason, kept)  # fmt: skip
    try:
        receipt = submit_lead(uow, stand_in_lead(submission, kept, reason))
    except (WriteConflict, InvalidSubmission, *REFUSED_BY_DATABASE) as error:
        log.error("the stand-in lead was refused too (%s); only %s remains", _reason(error), kept)
        return SubmitOutcome(status=SET_ASIDE, set_aside=kept)
    return SubmitOutcome(SAVED, receipt.reference, receipt.created, set_aside=kept)


def stand_in_lead(submission: LeadSubmission, kept: Kept, reason: str) -> LeadSubmission:
    """The submission cut down to what sales needs to act on it, and a note where the rest is."""
    fields = {name: _short(getattr(submission, name)) for name in TEXT_FIELDS}
    note = STAND_IN_NOTE.format(reason=reason, path=kept)
    return dataclasses.replace(submission, **fields, notes=note, transcript=())


def _short(value: str | None) -> str | None:
    return None if value is None else shorten(value, STAND_IN_TEXT)


def _reason(error: BaseException) -> str:
    """The first line of the database's message: later lines may quote the whole row."""
    message = str(getattr(error, "orig", None) or error).strip()
    return shorten(message.splitlines()[0] if message else type(error).__name__, STAND_IN_TEXT)
