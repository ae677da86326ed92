"""Start and stop the three systems under test, each on its own free loopback port.

``product``: the assistant, started as the tests start it (``tests.support.servers``:
action server, then the Rasa server with its SQLite tracker store).
``stock-memory`` and ``stock-sqlite``: the ``rasa init`` moodbot under plain
``rasa run``, with Rasa's in-memory tracker store and with its SQL tracker
store on SQLite. Each start is timed from the first process spawned to the
first reply through the REST channel.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict

from bot import processes
from bot.training import rasa_environment
from tests.support.servers import Stack, free_port, stack_settings

START_TIMEOUT = 300.0
WEBHOOK = "/webhooks/rest/webhook"
STOCK_SQLITE_ENDPOINTS = """\
# Written by bench/systems.py: Rasa's own SQL tracker store on a SQLite file.
tracker_store:
  type: SQL
  dialect: sqlite
  db: {db}
"""


@dataclass
class System:
    """A running system: where to chat with it and which process groups serve it."""

    name: str
    url: str
    groups: Dict[str, int]  # role ("rasa", "action server") -> process group id
    cold_start: float
    stop: Callable[[], None] = field(repr=False)

    @property
    def webhook(self) -> str:
        return self.url + WEBHOOK


def start_product(model: Path, work_dir: Path, name: str = "product", **settings: str) -> System:
    """The product as the tests start it; ``settings`` override its environment."""
    product_dir = work_dir / name
    product_dir.mkdir()
    stack = Stack(stack_settings(product_dir, **settings), model, product_dir)
    started = time.perf_counter()
    try:
        running = stack.start()
        action, rasa = stack.children
        cold_start = _first_reply(running.url + WEBHOOK, rasa, started, product_dir)
    except BaseException:
        stack.stop()
        raise
    groups = {"rasa": rasa.pid, "action server": action.pid}
    return System(name, running.url, groups, cold_start, stack.stop)


def start_stock(stock_dir: Path, model: Path, work_dir: Path, sqlite: bool) -> System:
    name = "stock-sqlite" if sqlite else "stock-memory"
    endpoints = stock_dir / "endpoints.yml"  # as `rasa init` wrote it: no tracker store
    if sqlite:
        endpoints = work_dir / "stock-sqlite-endpoints.yml"
        endpoints.write_text(STOCK_SQLITE_ENDPOINTS.format(db=work_dir / "stock-tracker.db"))
    port = free_port()
    command = [
        sys.executable, "-m", "rasa", "run", "--model", str(model),
        "--endpoints", str(endpoints), "--credentials", "credentials.yml",
        "--interface", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    spec = processes.ServerSpec(name, command, None, rasa_environment())
    log_path = work_dir / f"{name}.log"
    started = time.perf_counter()
    with open(log_path, "ab") as log_file:
        process = processes.start(spec, stock_dir, log_file)
    url = f"http://127.0.0.1:{port}"
    try:
        cold_start = _first_reply(url + WEBHOOK, process, started, log_path)
    except BaseException:
        processes.stop(process)
        raise
    return System(name, url, {"rasa": process.pid}, cold_start, lambda: processes.stop(process))


def _first_reply(webhook: str, process: subprocess.Popen, started: float, logs: Path) -> float:
    """Seconds from ``started`` until ``webhook`` answers a greeting with a message."""
    body = json.dumps({"sender": "bench-cold-start", "message": "hi"}).encode()
    request = urllib.request.Request(webhook, body, {"Content-Type": "application/json"})
    while time.perf_counter() - started < START_TIMEOUT:
        if process.poll() is not None:
            raise RuntimeError(f"{webhook} exited with {process.returncode}; logs in {logs}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                if json.loads(response.read()):
                    return time.perf_counter() - started
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no reply from {webhook} within {START_TIMEOUT:.0f} s; logs in {logs}")
