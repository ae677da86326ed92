"""A folder of lead submissions waiting for the database to come back.

One JSON file per conversation, named by a hash of the conversation id (ids
come from the outside world and are not safe file names). Files are written
to a temporary name, flushed to disk and renamed with ``os.replace``, so a
crash leaves either the old file or the new one, never half of one.

A submission that cannot be saved at all (unreadable, or refused by the
database) is set aside as a ``.rejected`` file in the same folder, with the
reason in it, for a person to look at; nothing replays it.

With ``REDIS_URL`` set, submissions are spooled to Redis instead (see
:mod:`bot.leads.redis_spool`), so that every host can replay them; this
folder then only takes what arrives while Redis itself is unreachable, and
replays still read it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Tuple

from bot.atomic_file import write_atomically
from bot.leads.errors import InvalidSubmission
from bot.leads.submission import LeadSubmission, submission_from_dict, submission_to_dict

SPOOL_SUFFIX = ".json"
REJECTED_SUFFIX = ".rejected"


def spool_dir(var_dir: Path) -> Path:
    """Where ``settings.var_dir`` keeps spooled leads."""
    return Path(var_dir) / "spool" / "leads"


@dataclass(frozen=True)
class SpooledLead:
    path: Path
    inode: int
    submission: LeadSubmission


def spool_path(directory: Path, conversation_id: str) -> Path:
    digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()
    return Path(directory) / (digest + SPOOL_SUFFIX)


def write(directory: Path, submission: LeadSubmission) -> Path:
    """Store ``submission`` durably; a newer submission of the same conversation replaces it."""
    target = spool_path(directory, submission.conversation_id)
    return _write_atomically(target, submission_to_dict(submission))


def set_aside(directory: Path, submission: LeadSubmission, reason: str) -> Path:
    """Keep a submission the database refused, with why and when, for a person to look at.

    A later refusal of the same conversation replaces the file: it holds newer answers.
    """
    target = spool_path(directory, submission.conversation_id)
    target = target.with_name(target.name + REJECTED_SUFFIX)
    data = submission_to_dict(submission)
    data["set_aside"] = {"at": datetime.now(timezone.utc).isoformat(), "reason": reason}
    return _write_atomically(target, data)


def set_aside_paths(directory: Path) -> List[Path]:
    """Files set aside for a person (by :func:`set_aside` or :func:`reject`), oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(directory.glob("*" + REJECTED_SUFFIX), key=_age)


def _write_atomically(target: Path, content: dict) -> Path:
    return write_atomically(target, json.dumps(content, ensure_ascii=False).encode("utf-8"))


def spooled_paths(directory: Path) -> List[Path]:
    """Spooled files, oldest first (temporary files of unfinished writes excluded)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    paths = [p for p in directory.glob("*" + SPOOL_SUFFIX) if not p.name.startswith(".tmp-")]
    return sorted(paths, key=_age)


def _age(path: Path) -> Tuple[int, str]:
    return spooled_at_ns(path), path.name


def spooled_at_ns(path: Path) -> int:
    """When a file was written, to replay it in turn with the Redis spool's entries."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def load(path: Path) -> SpooledLead | None:
    """Read one spooled file; ``None`` if another process replayed it meanwhile.

    Raises :class:`InvalidSubmission` when the content is not a submission.
    """
    try:
        inode = path.stat().st_ino
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        submission = submission_from_dict(json.loads(raw.decode("utf-8")))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidSubmission(f"{path.name} is not a spooled lead: {error}") from error
    return SpooledLead(path=path, inode=inode, submission=submission)


def reject(path: Path) -> Path:
    """Keep a file that cannot be replayed for a human to look at."""
    target = path.with_name(path.name + REJECTED_SUFFIX)
    os.replace(path, target)
    return target


def remove(spooled: SpooledLead) -> bool:
    """Delete a replayed file unless a newer submission replaced it since it was read."""
    try:
        if spooled.path.stat().st_ino != spooled.inode:
            return False
        spooled.path.unlink()
    except FileNotFoundError:
        return False
    return True


def discard(directory: Path, conversation_id: str) -> None:
    """Drop a spooled submission that a newer, saved one supersedes."""
    spool_path(directory, conversation_id).unlink(missing_ok=True)
