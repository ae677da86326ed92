"""The gated training (``bot admin train``) started from the workspace, one at a time.

Training takes many minutes, longer than a request may, so the page starts it
as a process of its own and later pages read how it went from two files in
``var/training``: the process's log, and ``current.json`` saying who started
it, when, which log and which pid, plus its exit code once it has one.

One training at a time, across every workspace process: the starter takes an
exclusive ``flock`` on ``var/training/lock`` without waiting, and hands the
locked file to the training process, so the lock lasts as long as the
training does, even when the workspace restarts in between. A training that
outlived its workspace gets no exit code written: the page then says it ended
with an unknown result and points at the log.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from bot.config import Settings
from bot.processes import base_environment

# Replaced by tests with a short script; the real one runs for many minutes.
COMMAND: List[str] = [sys.executable, "-m", "bot.cli", "admin", "train"]
STATE_FILE = "current.json"
LOCK_FILE = "lock"
EXIT_CODES = {0: "promoted", 3: "not promoted"}  # bot.admin.cli.train_handler's codes


class TrainingRunning(RuntimeError):
    """Another training holds the lock; a second one would fight over the models folder."""


@dataclass
class Training:
    """One run as ``current.json`` records it."""

    started_by: str
    started_at: str
    log: str
    pid: int
    exit_code: Optional[int] = None

    @property
    def running(self) -> bool:
        return self.exit_code is None and _alive(self.pid)

    @property
    def result(self) -> str:
        """How it went, in words for the page: "running", "promoted", "not promoted",
        "failed (exit code N)", or "ended (result unknown, see the log)" when the
        workspace restarted while it ran and nobody saw its exit code."""
        if self.running:
            return "running"
        if self.exit_code is None:
            return "ended (result unknown, see the log)"
        return EXIT_CODES.get(self.exit_code, f"failed (exit code {self.exit_code})")


def folder(settings: Settings) -> Path:
    return Path(settings.var_dir) / "training"


def current(settings: Settings) -> Optional[Training]:
    """The last training started, running or not; None if there never was one."""
    path = folder(settings) / STATE_FILE
    try:
        return Training(**json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, TypeError):  # none yet, or not one we wrote
        return None


def start(settings: Settings, username: str) -> Training:
    """Start ``COMMAND`` in the background for ``username``; TrainingRunning if one runs."""
    where = folder(settings)
    where.mkdir(parents=True, exist_ok=True)
    lock = _take_lock(where / LOCK_FILE)
    try:
        stamp = datetime.now(timezone.utc)
        log_path = where / f"{stamp.strftime('%Y%m%d-%H%M%S-%f')}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                COMMAND, cwd=settings.project_dir, env=base_environment(settings), stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                pass_fds=(lock,),
            )  # fmt: skip
    except BaseException:
        os.close(lock)
        raise
    training = Training(username, stamp.isoformat(timespec="seconds"), str(log_path), process.pid)
    _save(where, training)
    threading.Thread(target=_await, args=(process, where, training, lock), daemon=True).start()
    return training


def _take_lock(path: Path) -> int:
    """The locked file's descriptor, or TrainingRunning when any process holds the lock."""
    lock = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        raise TrainingRunning("A training is already running") from None
    return lock


def _await(process: subprocess.Popen, where: Path, training: Training, lock: int) -> None:
    """Record the exit code before the process is reaped and the lock released, so no
    page ever sees it gone without a result."""
    try:
        status = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        exited = status.si_code == os.CLD_EXITED
        training.exit_code = status.si_status if exited else -status.si_status  # as Popen does
        _save(where, training)
        process.wait()
    finally:
        os.close(lock)


def _save(where: Path, training: Training) -> None:
    """Write the state file whole (temp file + rename): a page never reads half of it."""
    fd, scratch = tempfile.mkstemp(dir=where, prefix=".current-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(training), handle)
    os.replace(scratch, where / STATE_FILE)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:  # gone, or the pid now belongs to another user's process
        return False
    return True
