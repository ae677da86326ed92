"""Never lose a lead because the database is down, or refuses it.

The submit action calls :func:`submit_lead_durably`: if the database cannot
be reached the submission goes to the spool folder and the visitor is told it
was received ("queued"); :func:`replay_spool` (``bot leads replay``) writes
spooled leads once the database is back. Replays are idempotent because a
lead is keyed by its conversation id.

A submission the database refuses outright (a data error, not an outage) is
never lost either: it is set aside as a ``.rejected`` spool file, and a short
stand-in lead pointing at that file is saved, so the sales team sees it in
``bot leads list`` and gets the usual notification.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List

from sqlalchemy.exc import DataError, IntegrityError

from bot.leads import spool
from bot.leads.errors import DatabaseUnavailable, InvalidSubmission, WriteConflict
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


@dataclass(frozen=True)
class SubmitOutcome:
    """``status`` is "saved" (``reference`` set), "queued" (saved later, no reference yet)
    or "set_aside" (kept in ``set_aside`` for a person; no reference).

    ``set_aside`` is also set when a stand-in lead was saved for a refused submission.
    """

    status: str
    reference: str | None = None
    created: bool = False
    set_aside: Path | None = None


@dataclass
class ReplayReport:
    replayed: List[str] = field(default_factory=list)
    rejected: List[Path] = field(default_factory=list)
    remaining: int = 0
    error: str | None = None


def submit_lead_durably(
    uow: AbstractUnitOfWork, submission: LeadSubmission, spool_directory: Path
) -> SubmitOutcome:
    """Save the lead, spool it if the database is unavailable, set it aside if refused.

    Only a submission our own form got wrong (see :func:`clean_submission`) is
    refused, before anything is written; what the visitor typed never is.
    """
    submission = clean_submission(submission)
    try:
        outcome = _save(uow, submission, spool_directory)
    except DatabaseUnavailable as error:
        path = spool.write(spool_directory, submission)
        log.warning("database unavailable (%s); lead spooled to %s", error, path)
        return SubmitOutcome(status=QUEUED)
    # An older spooled copy of this conversation would overwrite newer answers on replay.
    spool.discard(spool_directory, submission.conversation_id)
    return outcome


def replay_spool(
    uow_factory: Callable[[], AbstractUnitOfWork], spool_directory: Path
) -> ReplayReport:
    """Write spooled leads to the database, oldest first, removing each file once saved.

    Stops at the first sign the database is still unavailable and leaves the
    remaining files for the next run. A lead the database refuses is set aside
    (see :func:`submit_lead_durably`) and the replay goes on.
    """
    report = ReplayReport()
    for path in spool.spooled_paths(spool_directory):
        try:
            _replay_one(uow_factory, path, report)
        except DatabaseUnavailable as error:
            report.error = str(error)
            break
    report.remaining = len(spool.spooled_paths(spool_directory))
    return report


def _replay_one(uow_factory, path: Path, report: ReplayReport) -> None:
    try:
        spooled = spool.load(path)
        if spooled is None:
            return
        outcome = _save(uow_factory(), spooled.submission, path.parent)
    except InvalidSubmission as error:  # also raised by load() for a corrupt file
        log.error("cannot replay %s, set aside: %s", path, error)
        report.rejected.append(spool.reject(path))
        return
    spool.remove(spooled)
    if outcome.set_aside is not None:
        report.rejected.append(outcome.set_aside)
    if outcome.reference is not None:
        report.replayed.append(outcome.reference)


def _save(
    uow: AbstractUnitOfWork, submission: LeadSubmission, spool_directory: Path
) -> SubmitOutcome:
    """Save the lead, or set it aside if the database refuses it.

    Raises :class:`DatabaseUnavailable`, leaving the caller to spool or keep the submission.
    """
    try:
        receipt = submit_lead(uow, submission)
    except REFUSED_BY_DATABASE as error:
        return _set_aside(uow, submission, _reason(error), spool_directory)
    return SubmitOutcome(status=SAVED, reference=receipt.reference, created=receipt.created)


def _set_aside(
    uow: AbstractUnitOfWork, submission: LeadSubmission, reason: str, spool_directory: Path
) -> SubmitOutcome:
    """Keep the refused submission in a ``.rejected`` file and save a stand-in lead for it.

    If the stand-in is refused too, the file alone remains and the error is logged.
    """
    submission = clean_submission(submission)
    kept = spool.set_aside(spool_directory, submission, reason)
    log.error("database refused the lead of %s (%s); set aside in %s",
              submission.conversation_id, reason, kept)  # fmt: skip
    try:
        receipt = submit_lead(uow, stand_in_lead(submission, kept, reason))
    except (WriteConflict, InvalidSubmission, *REFUSED_BY_DATABASE) as error:
        log.error("the stand-in lead was refused too (%s); only %s remains", _reason(error), kept)
        return SubmitOutcome(status=SET_ASIDE, set_aside=kept)
    return SubmitOutcome(SAVED, receipt.reference, receipt.created, set_aside=kept)


def stand_in_lead(submission: LeadSubmission, kept: Path, reason: str) -> LeadSubmission:
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
