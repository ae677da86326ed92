"""The supervisor behind ``make run``: prepare, start every server, stop them all.

It migrates the database, trains only when the data changed, starts each
server in its own process group, waits until each answers, prints where to
chat, and on Ctrl-C, SIGTERM or a crashed child stops every process it started.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, List, Tuple

from bot import processes
from bot.admin import active_model
from bot.config import Settings
from bot.db import DatabaseUnreachable, upgrade
from bot.leads.durable import replay_spool
from bot.leads.spool import spool_dir
from bot.leads.unit_of_work import unit_of_work_factory
from bot.processes import ServerDied, ServerSpec
from bot.training import TrainingError, ensure_model, fingerprint

READY_TIMEOUT = {"action server": 90.0, "Rasa server": 300.0}
DEFAULT_READY_TIMEOUT = 60.0


class Supervisor:
    """Owns the child processes of one ``bot run``."""

    def __init__(self, settings: Settings, log: Callable[[str], None] = print) -> None:
        self.settings = settings
        self.log = log
        self.stopping = threading.Event()
        self.children: List[Tuple[ServerSpec, subprocess.Popen, Path]] = []

    def request_stop(self, *_signal_args) -> None:
        self.stopping.set()

    def launch(self, spec: ServerSpec) -> bool:
        """Start ``spec`` and wait until it answers; False if it failed or we stop."""
        log_dir = self.settings.var_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / (spec.name.replace(" ", "-").lower() + ".log")
        with open(log_path, "ab") as log_file:
            process = processes.start(spec, self.settings.project_dir, log_file)
        self.children.append((spec, process, log_path))
        self.log(
            f"Starting the {spec.name} (log: {log_path.relative_to(self.settings.project_dir)})"
        )
        timeout = READY_TIMEOUT.get(spec.name, DEFAULT_READY_TIMEOUT)
        try:
            ready = processes.wait_until_ready(spec, process, timeout, self.stopping.is_set)
        except ServerDied as error:
            self.log(f"{error}. Last lines of its log:\n{processes.tail(log_path)}")
            return False
        if not ready and not self.stopping.is_set():
            self.log(f"The {spec.name} did not answer within {timeout:.0f} s.")
        return ready

    def watch(self) -> int:
        """Block until asked to stop (exit 0) or until a child dies (exit 1)."""
        while not self.stopping.wait(1.0):
            for spec, process, log_path in self.children:
                if process.poll() is not None:
                    self.log(f"The {spec.name} stopped unexpectedly (exit {process.returncode}).")
                    self.log(processes.tail(log_path))
                    return 1
        return 0

    def shutdown(self) -> None:
        for _spec, process, _ in reversed(self.children):
            processes.stop(process)
        if self.children:
            self.log("Stopped every process.")


def run(settings: Settings, log: Callable[[str], None] = print) -> int:
    """Prepare and run the whole assistant until interrupted."""
    supervisor = Supervisor(settings, log)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    try:
        prepare(settings, log)
        model = choose_model(settings, log)
        specs = [
            processes.action_server(settings),
            processes.rasa_server(settings, model),
            processes.web_server(settings),
            processes.dispatcher(settings),
        ]
        if settings.sales_inbox_password_hash:
            specs.append(processes.sales_inbox(settings))
        for spec in specs:
            if not supervisor.launch(spec):
                return 0 if supervisor.stopping.is_set() else 1
        print_urls(settings, log)
        return supervisor.watch()
    except TrainingError as error:
        log(str(error))
        return 1
    except DatabaseUnreachable as error:
        return database_unreachable(error)
    finally:
        supervisor.shutdown()


def prepare(settings: Settings, log: Callable[[str], None]) -> None:
    """Create runtime folders, bring the schema up to date, save spooled leads."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    log("Database schema is up to date.")
    report = replay_spool(unit_of_work_factory(settings.database_url), spool_dir(settings.var_dir))
    if report.replayed:
        log(f"Saved {report.replayed} lead(s) that were queued while the database was down.")


def database_unreachable(error: DatabaseUnreachable) -> int:
    """Say in one line why nothing started; a traceback would bury the address to check."""
    print(f"Could not bring the database schema up to date: {error}.", file=sys.stderr)
    return 1


def choose_model(settings: Settings, log: Callable[[str], None]) -> Path:
    """The admin-promoted model if there is one, else a model of the current data.

    Once an admin promotes models through ``bot admin train``, starting the
    servers must not bypass its quality gate by training on newer data.
    """
    promoted = active_model(settings)
    if promoted is None:
        return ensure_model(settings.project_dir, settings.models_dir, log=log)
    if not promoted.name.endswith(f"{fingerprint(settings.project_dir)}.tar.gz"):
        log("The training data changed since the active model was promoted;")
        log("run `bot admin train` to retrain it through the quality gate.")
    log(f"Using the active model {promoted.name}")
    return promoted


def print_urls(settings: Settings, log: Callable[[str], None]) -> None:
    log("")
    log("The assistant is running:")
    log(f"  Website and chat:  {settings.web_url}/")
    log(f"  Chat API (REST):   POST {settings.rasa_url}/webhooks/rest/webhook")
    log(f"  socket.io channel: {settings.rasa_url}/socket.io")
    log(f"  Action server:     {settings.action_url}")
    if settings.sales_inbox_password_hash:
        log(f"  Sales inbox:       {settings.sales_inbox_url}/")
    else:
        log("  Sales inbox:       off (set SALES_INBOX_PASSWORD_HASH; see README)")
    log("Press Ctrl-C to stop.")
    sys.stdout.flush()
