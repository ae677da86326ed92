"""Never lose a lead because the database is down.

The submit action calls :func:`submit_lead_durably`: if the database cannot
be reached the submission goes to the spool folder and the visitor is told it
was received ("queued"); :func:`replay_spool` (``bot leads replay``) writes
spooled leads once the database is back. Replays are idempotent because a
lead is keyed by its conversation id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List

from bot.leads import spool
from bot.leads.errors import DatabaseUnavailable, InvalidSubmission
from bot.leads.services import submit_lead
from bot.leads.submission import LeadSubmission, clean_submission
from bot.leads.unit_of_work import AbstractUnitOfWork

log = logging.getLogger(__name__)

SAVED = "saved"
QUEUED = "queued"


@dataclass(frozen=True)
class SubmitOutcome:
    """``status`` is "saved" (``reference`` set) or "queued" (saved later, no reference yet)."""

    status: str
    reference: str | None = None
    created: bool = False


@dataclass
class ReplayReport:
    replayed: List[str] = field(default_factory=list)
    rejected: List[Path] = field(default_factory=list)
    remaining: int = 0
    error: str | None = None


def submit_lead_durably(
    uow: AbstractUnitOfWork, submission: LeadSubmission, spool_directory: Path
) -> SubmitOutcome:
    """Save the lead, or spool it if the database is unavailable.

    Invalid input is refused before anything is written, so the spool only
    ever holds submissions the database will accept.
    """
    submission = clean_submission(submission)
    try:
        receipt = submit_lead(uow, submission)
    except DatabaseUnavailable as error:
        path = spool.write(spool_directory, submission)
        log.warning("database unavailable (%s); lead spooled to %s", error, path)
        return SubmitOutcome(status=QUEUED)
    # An older spooled copy of this conversation would overwrite newer answers on replay.
    spool.discard(spool_directory, submission.conversation_id)
    return SubmitOutcome(status=SAVED, reference=receipt.reference, created=receipt.created)


def replay_spool(
    uow_factory: Callable[[], AbstractUnitOfWork], spool_directory: Path
) -> ReplayReport:
    """Write spooled leads to the database, oldest first, removing each file once saved.

    Stops at the first sign the database is still unavailable and leaves the
    remaining files for the next run.
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
        receipt = submit_lead(uow_factory(), spooled.submission)
    except InvalidSubmission as error:  # also raised by load() for a corrupt file
        log.error("cannot replay %s, set aside: %s", path, error)
        report.rejected.append(spool.reject(path))
        return
    spool.remove(spooled)
    report.replayed.append(receipt.reference)
