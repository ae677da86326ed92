"""Keep the assistant's servers running: a child that exits is restarted, the others serve on.

Why restart rather than stop everything: one crashed or killed server (an
out-of-memory kill, a bug in a custom action) must not take the website and
the chat down with it. Each exit is logged in one line (exit code, log file)
followed by the last lines of that server's log, and the server is started
again after a delay that starts at 1 s and doubles up to 30 s, so a server
that crashes as soon as it starts costs one attempt every 30 s, not a busy
loop. The delay goes back to 1 s once the server has stayed ready for
``STABLE_AFTER`` seconds.

A server that fails to become ready, at first start or later (it exits, or
does not answer within its ready timeout), is treated the same way: retried
with backoff, never fatal. Its cause (a port in use, a database or a model
that is being fixed) may go away, and the servers that did start keep serving
meanwhile. So that a server that can never start (a port in use, a missing
file) is still reported clearly, every failure is logged with its log's tail,
and after ``KEEPS_FAILING`` failures in a row one sentence says that it keeps
failing and where its log is; later failures of that streak are one line
each. (A damaged model is caught before anything starts, by
:func:`bot.runner.check_model`: Rasa serves on without one and looks healthy.)

At first start the servers start one after the other, in the order given
(each waits until the previous one is ready or has failed once), which keeps
two cores from loading Rasa and the action server at the same time; servers
of one kind (several Rasa servers) start together, one core each. Only
:meth:`Supervisor.request_stop` (Ctrl-C, SIGTERM) stops everything, newest
first.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from textwrap import indent
from typing import Callable, List

from bot import processes
from bot.config import Settings
from bot.processes import ServerDied, ServerSpec

FIRST_DELAY = 1.0  # seconds before the first restart; doubled after each failure
MAX_DELAY = 30.0
STABLE_AFTER = 60.0  # seconds ready before a server's failures are forgotten
KEEPS_FAILING = 5  # failures in a row before saying so, and before the log tails stop
TAIL_LINES = 15
POLL = 0.5


def say(message: str) -> None:
    """Print at once: ``bot run``'s output is often a file or a pipe, read while it runs."""
    print(message, flush=True)


def restart_delay(failures: int) -> float:
    """Seconds to wait before starting a server again after ``failures`` failures in a row."""
    return min(FIRST_DELAY * 2 ** max(failures - 1, 0), MAX_DELAY)


@dataclass
class Child:
    """One supervised server and where it stands."""

    spec: ServerSpec
    log_path: Path
    process: subprocess.Popen | None = None
    starts: int = 0
    started_at: float = 0.0
    ready: bool = False
    ready_at: float = 0.0
    failures: int = 0  # in a row; forgotten once ready for STABLE_AFTER
    next_start: float = 0.0
    log_offset: int = 0  # where this run's lines begin in the (appended) log file

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def ready_timeout(self) -> float:
        return self.spec.ready_timeout

    @property
    def settled(self) -> bool:
        """Ready, or failed at least once: the next server may start."""
        return self.ready or self.failures > 0


class Supervisor:
    """Owns the child processes of one ``bot run``."""

    def __init__(
        self,
        settings: Settings,
        log: Callable[[str], None] = say,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.log = log
        self.clock = clock
        self.stopping = threading.Event()
        self.children: List[Child] = []

    def request_stop(self, *_signal_args) -> None:
        self.stopping.set()

    def add(self, spec: ServerSpec) -> Child:
        log_dir = self.settings.var_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        child = Child(spec, log_dir / (spec.name.replace(" ", "-").lower() + ".log"))
        self.children.append(child)
        return child

    def run(self, on_ready: Callable[[], None] = lambda: None) -> int:
        """Keep every child running until asked to stop; ``on_ready`` once all first answer."""
        announced = False
        while not self.stopping.is_set():
            for child in self.children:
                if not self.stopping.is_set():
                    self.tend(child)
            if not announced and all(child.ready for child in self.children):
                announced = True
                on_ready()
            self.stopping.wait(POLL)
        return 0

    def tend(self, child: Child) -> None:
        """One look at ``child``: start it when due, notice it exited or became ready."""
        now = self.clock()
        if child.process is None:
            if now >= child.next_start and self._its_turn(child):
                self._start(child)
        elif child.process.poll() is not None:
            self._failed(child, describe_exit(child.process.returncode))
        elif not child.ready:
            self._check_ready(child, now)
        elif child.failures and now - child.ready_at >= STABLE_AFTER:
            child.failures = 0

    def launch(self, spec: ServerSpec) -> bool:
        """Start ``spec`` once and wait until it answers (no restarts): for ``bot shell``."""
        child = self.add(spec)
        self._start(child)
        if child.process is None:
            return False
        try:
            return processes.wait_until_ready(
                spec, child.process, child.ready_timeout, self.stopping.is_set
            )
        except ServerDied as error:
            self.log(f"{error}. Last lines of its log:\n{processes.tail(child.log_path)}")
            return False

    def shutdown(self) -> None:
        started = [child for child in self.children if child.process is not None]
        for child in reversed(started):
            processes.stop(child.process)
        if self.children:
            self.log("Stopped every process.")

    def _its_turn(self, child: Child) -> bool:
        if child.starts:
            return True
        earlier = self.children[: self.children.index(child)]
        return all(other.settled for other in earlier
                   if other.spec.start_group != child.spec.start_group)  # fmt: skip

    def _start(self, child: Child) -> None:
        child.starts += 1
        child.started_at = self.clock()
        try:
            with open(child.log_path, "ab") as log_file:
                child.log_offset = log_file.tell()
                child.process = processes.start(child.spec, self.settings.project_dir, log_file)
        except OSError as error:
            self._failed(child, f"could not be started ({error})")
            return
        if child.starts == 1:
            self.log(f"Starting the {child.name} (pid {child.process.pid}, "
                     f"log: {self._shown(child.log_path)})")  # fmt: skip

    def _check_ready(self, child: Child, now: float) -> None:
        if processes.is_ready(child.spec, now - child.started_at):
            child.ready, child.ready_at = True, now
            if child.starts > 1:
                self.log(f"The {child.name} is back (pid {child.process.pid}).")
        elif now - child.started_at > child.ready_timeout:
            self._failed(child, f"did not answer within {child.ready_timeout:g} s")

    def _failed(self, child: Child, what: str) -> None:
        """Log why ``child`` is down and schedule its restart."""
        if child.process is not None:
            processes.stop(child.process)  # what is left of its group may hold its port
        child.process, child.ready = None, False
        child.failures += 1
        delay = restart_delay(child.failures)
        child.next_start = self.clock() + delay
        self.log(f"The {child.name} {what}; restarting it in {delay:g} s "
                 f"(log: {self._shown(child.log_path)}).")  # fmt: skip
        tail = last_lines(child.log_path, child.log_offset)
        if tail and child.failures < KEEPS_FAILING:
            self.log(indent(tail, "    | "))
        elif child.failures == KEEPS_FAILING:
            self.log(f"The {child.name} failed {KEEPS_FAILING} times in a row: fix what "
                     f"its log says; it is retried every {MAX_DELAY:g} s at most, until "
                     "Ctrl-C.")  # fmt: skip

    def _shown(self, path: Path) -> Path:
        try:
            return path.relative_to(self.settings.project_dir)
        except ValueError:
            return path


def last_lines(path: Path, offset: int, lines: int = TAIL_LINES) -> str:
    """The end of what a child wrote to ``path`` after ``offset`` (its latest run)."""
    try:
        with open(path, "rb") as log_file:
            log_file.seek(offset)
            text = log_file.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def describe_exit(returncode: int) -> str:
    """Say how a child ended: "exited with code -9 (killed by SIGKILL)" for a signal."""
    if returncode >= 0:
        return f"exited with code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"exited with code {returncode} (killed by {name})"
