"""The supervisor restarts what exits, with backoff, and stops everything only when asked.

Children are small real processes (``sh`` and ``python -c``); the delays are
shrunk so a test takes a few seconds. ``tests/e2e/test_supervisor_restarts.py``
does the same to the real servers of ``bot run``.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from typing import Callable, Iterator, List

import pytest

from bot import supervisor as supervision
from bot.config import load_settings
from bot.processes import ServerSpec
from bot.supervisor import Supervisor, restart_delay
from tests.support.servers import free_port

SLEEPER = [sys.executable, "-c", "import time; print('sleeper up', flush=True); time.sleep(300)"]
CRASHER = [sys.executable, "-c", "import sys; print('model file is broken'); sys.exit(3)"]
# A server with a helper process in its group, as a server with workers would have.
WITH_HELPER = ["sh", "-c", "sleep 300 & echo helper $!; exec sleep 300"]


@pytest.fixture(autouse=True)
def quick_delays(monkeypatch):
    monkeypatch.setattr(supervision, "POLL", 0.05)
    monkeypatch.setattr(supervision, "FIRST_DELAY", 0.1)
    monkeypatch.setattr(supervision, "MAX_DELAY", 0.4)
    monkeypatch.setattr(supervision, "STABLE_AFTER", 1.5)
    monkeypatch.setattr(supervision, "KEEPS_FAILING", 3)


class Running:
    """A supervisor running in a thread, as ``bot run`` runs it in its main thread."""

    def __init__(self, supervisor: Supervisor, lines: List[str]) -> None:
        self.supervisor, self.lines = supervisor, lines
        self.all_ready = threading.Event()
        self.thread = threading.Thread(target=supervisor.run, args=(self.all_ready.set,))

    def child(self, name: str):
        return next(child for child in self.supervisor.children if child.name == name)

    def pid(self, name: str) -> int:
        return self.child(name).process.pid

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "\n".join(self.lines)
            time.sleep(0.02)

    def back_after_kill(self, name: str) -> int:
        """SIGKILL ``name`` and wait until a new process of it is ready; its new pid."""
        old = self.pid(name)
        os.kill(old, signal.SIGKILL)
        child = self.child(name)
        self.wait_for(lambda: child.ready and child.process.pid != old)
        return child.process.pid

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def supervise(tmp_path) -> Iterator[Callable[..., Running]]:
    started: List[Running] = []

    def start(*specs: ServerSpec) -> Running:
        lines: List[str] = []
        supervisor = Supervisor(load_settings({"BOT_PROJECT_DIR": str(tmp_path)}), lines.append)
        for spec in specs:
            supervisor.add(spec)
        running = Running(supervisor, lines)
        running.thread.start()
        started.append(running)
        return running

    yield start
    for running in started:
        running.supervisor.request_stop()
        running.thread.join(timeout=10)
        running.supervisor.shutdown()


def spec(name: str, command: List[str], health_url: str | None = None) -> ServerSpec:
    return ServerSpec(name, command, health_url, dict(os.environ))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not open(f"/proc/{pid}/stat").read().split(") ")[1].startswith("Z")


def test_a_killed_child_is_restarted_and_logged_while_the_others_keep_running(supervise):
    running = supervise(spec("worker", WITH_HELPER), spec("web", SLEEPER))
    assert running.all_ready.wait(15), running.text()
    web_pid = running.pid("web")
    helper = int(re.search(r"helper (\d+)", (running.child("worker").log_path).read_text())[1])

    running.back_after_kill("worker")

    assert running.pid("web") == web_pid, "the other children keep running"
    assert not alive(helper), "what was left of the killed child's group is stopped"
    log = running.text()
    assert re.search(r"The worker exited with code -9 \(killed by SIGKILL\); restarting it in "
                     r"0\.1 s \(log: var/logs/worker\.log\)\.", log), log  # fmt: skip
    assert "    | helper " in log, "the last lines of its log follow"
    assert "The worker is back (pid " in log


def test_ctrl_c_stops_every_child_and_nothing_is_restarted(supervise):
    running = supervise(spec("worker", WITH_HELPER), spec("web", SLEEPER))
    assert running.all_ready.wait(15), running.text()
    pids = [running.pid("worker"), running.pid("web")]
    running.supervisor.request_stop()
    running.thread.join(timeout=10)
    running.supervisor.shutdown()
    assert not any(map(alive, pids))
    assert "restarting" not in running.text()


def test_restarts_back_off_and_the_backoff_resets_once_a_child_stayed_up(supervise):
    running = supervise(spec("worker", SLEEPER))
    assert running.all_ready.wait(15), running.text()
    running.back_after_kill("worker")
    running.back_after_kill("worker")
    time.sleep(supervision.STABLE_AFTER + 0.3)
    running.back_after_kill("worker")
    delays = re.findall(r"restarting it in ([\d.]+) s", running.text())
    assert delays == ["0.1", "0.2", "0.1"]


def test_a_child_crashing_at_start_is_retried_with_backoff_not_in_a_busy_loop(supervise):
    running = supervise(spec("Rasa server", CRASHER), spec("web", SLEEPER))
    running.wait_for(lambda: running.child("Rasa server").starts >= 7)
    assert running.child("web").ready, "a broken server does not keep the others from starting"
    log = running.text()
    delays = re.findall(r"restarting it in ([\d.]+) s", log)
    assert delays[:6] == ["0.1", "0.2", "0.4", "0.4", "0.4", "0.4"]
    assert "The Rasa server exited with code 3" in log
    assert log.count("model file is broken") == 2, "this run's log lines, until it keeps failing"
    assert log.count("The Rasa server failed 3 times in a row") == 1
    assert not running.all_ready.is_set()


def test_a_child_that_never_answers_is_stopped_and_retried(supervise):
    health_url = f"http://127.0.0.1:{free_port()}/"
    silent = ServerSpec("web", SLEEPER, health_url, dict(os.environ), ready_timeout=0.5)
    running = supervise(silent, spec("worker", SLEEPER))
    running.wait_for(lambda: running.child("worker").ready, timeout=10)
    running.wait_for(lambda: running.child("web").starts >= 3)
    assert "The web did not answer within 0.5 s; restarting it in 0.1 s" in running.text()


def test_restart_delay_doubles_from_one_second_up_to_thirty(monkeypatch):
    monkeypatch.undo()
    assert [restart_delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
