"""Run ``bot run`` (behind ``make run``) as a person does: a real process tree, own ports and files.

The project is a copy made of symlinks with an empty ``var/`` (logs, spool,
SQLite files), so a test never writes into the developer's ``var/``; the model
comes from the ``trained_model`` fixture through ``MODELS_DIR``. Every process
started carries a marker in its environment, so a test can tell that none is
left behind.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

from bot.config import PROJECT_ROOT, Settings
from tests.support.servers import RunningStack, free_port, project_copy, stack_settings

READY_TIMEOUT = 300.0  # the first start loads TensorFlow and the model on two cores
GREETING_WORDS = ("hello", "hi there", "welcome")


def processes_with_marker(marker: str) -> List[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@dataclass
class BotRun:
    process: subprocess.Popen
    output_path: Path
    settings: Settings
    marker: str

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float, after: int = 0) -> re.Match:
        """The first match of ``pattern`` in the output after character ``after``."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.compile(pattern).search(self.output(), after)
            if match:
                return match
            assert self.process.poll() is None, f"bot run exited:\n{self.output()}"
            assert time.monotonic() < deadline, f"no {pattern!r} in:\n{self.output()}"
            time.sleep(0.5)

    def child_pid(self, name: str) -> int:
        """The pid of the newest process of the server ``name``, as the supervisor reported it."""
        name = re.escape(name)
        pattern = rf"(?:Starting the {name} \(pid|The {name} is back \(pid) (\d+)"
        return int(re.findall(pattern, self.output())[-1])

    def greeting(self, sender: str) -> str:
        """What the bot answers "hello" through the REST channel, lower-cased."""
        stack = RunningStack(self.settings, self.settings.rasa_url, self.output_path.parent)
        return " ".join(stack.texts(sender, "hello")).lower()

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C or a service manager would, then wait for every process to go."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.process.kill()  # its children get SIGTERM from the kernel (PDEATHSIG)
            raise
        deadline = time.monotonic() + 10
        while processes_with_marker(self.marker) and time.monotonic() < deadline:
            time.sleep(0.2)

    def leftovers(self) -> List[bytes]:
        return [_cmdline(pid) for pid in processes_with_marker(self.marker)]


def is_greeting(text: str) -> bool:
    return any(word in text for word in GREETING_WORDS)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b"(gone)"


@contextmanager
def bot_run(work_dir: Path, **overrides: str) -> Iterator[BotRun]:
    """``bot run`` with free ports and SQLite files in ``work_dir``, once it says it is running.

    ``overrides`` are settings variables (e.g. ``MODELS_DIR``, ``DATABASE_URL``).
    """
    project = project_copy(work_dir / "project")
    variables = {"BOT_PROJECT_DIR": str(project), "WEB_PORT": str(free_port()),
                 "WORKSPACE_PORT": str(free_port()), **overrides}  # fmt: skip
    settings = stack_settings(work_dir, **variables)
    marker = str(uuid.uuid4())
    env = {**os.environ, **settings.child_environment(), "BOT_RUN_TEST_MARKER": marker}
    output_path = work_dir / "run.log"
    with open(output_path, "w") as output:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=PROJECT_ROOT,
                                   env=env, stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
    run = BotRun(process, output_path, settings, f"BOT_RUN_TEST_MARKER={marker}")
    try:
        run.wait_for("The assistant is running", READY_TIMEOUT)
        yield run
    finally:
        run.stop()
