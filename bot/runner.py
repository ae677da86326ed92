"""``bot run`` (behind ``make run``): prepare, then keep every server running until stopped.

It migrates the database, trains only when the data changed, and hands the
servers to :class:`~bot.supervisor.Supervisor`, which starts them, restarts
any that exits and stops them all on Ctrl-C or SIGTERM. A database that is
down does not stop it: it says so once and starts anyway, because answering
questions needs no database and enquiries are spooled meanwhile; the lead
dispatcher migrates the schema and saves the spooled enquiries once the
database is back.
"""

from __future__ import annotations

import signal
import sys
import tarfile
from pathlib import Path
from typing import Callable, List

from bot import processes
from bot.admin import active_model
from bot.config import Settings
from bot.db import DatabaseUnreachable, upgrade
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.channels import no_channel_warning
from bot.leads.durable import replay_spool
from bot.leads.redis_spool import shared_spool
from bot.leads.spool import spool_dir
from bot.processes import ServerSpec
from bot.serving import cluster
from bot.supervisor import Supervisor, say
from bot.training import TrainingError, ensure_model, fingerprint


def run(settings: Settings, log: Callable[[str], None] = say) -> int:
    """Prepare and run the whole assistant until interrupted."""
    if settings.clustered:
        problems = cluster.missing_prerequisites(settings)
        for problem in problems:
            log(problem)
        if problems:
            log(f"Not starting {settings.rasa_instances} Rasa and {settings.action_servers} action "
                "servers. One of each (`make run`, RASA_INSTANCES=1 ACTION_SERVERS=1) needs none "
                "of this.")  # fmt: skip
            return 1
        warning = cluster.capacity_warning(settings)
        if warning:
            log(warning)
    supervisor = Supervisor(settings, log)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    try:
        prepare(settings, log)
        model = choose_model(settings, log)
        for spec in server_specs(settings, model):
            supervisor.add(spec)
        return supervisor.run(on_ready=lambda: print_urls(settings, log))
    except TrainingError as error:
        log(str(error))
        return 1
    finally:
        supervisor.shutdown()


def server_specs(settings: Settings, model: Path) -> List[ServerSpec]:
    """The servers of ``make run``, in start order."""
    specs = cluster.serving_specs(settings, model)
    specs += [processes.web_server(settings), processes.dispatcher(settings)]
    specs.append(processes.workspace(settings))
    return specs


def prepare(settings: Settings, log: Callable[[str], None]) -> bool:
    """Create runtime folders, bring the schema up to date, save spooled leads.

    Returns False, after saying so in one line, when the database is down.
    """
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    try:
        upgrade(settings.database_url)
    except DatabaseUnreachable as error:
        log(f"The database is down, starting anyway: {error}. Enquiries are queued until it "
            "is back; the lead dispatcher then migrates it and saves them.")  # fmt: skip
        return False
    log("Database schema is up to date.")
    report = replay_spool(
        unit_of_work_factory(settings.database_url),
        spool_dir(settings.var_dir),
        shared_spool(settings.redis_url),
    )
    if report.replayed:
        log(f"Saved {len(report.replayed)} lead(s) that were queued while the database was down.")
    if report.shared_error:
        log(f"Cannot read the lead spool in Redis ({report.shared_error}); the lead dispatcher "
            "saves its enquiries once Redis is back.")  # fmt: skip
    return True


def choose_model(settings: Settings, log: Callable[[str], None]) -> Path:
    """The admin-promoted model if there is one, else a model of the current data.

    Once an admin promotes models through ``bot admin train``, starting the
    servers must not bypass its quality gate by training on newer data.
    """
    promoted = active_model(settings)
    if promoted is None:
        model = ensure_model(settings.project_dir, settings.models_dir, log=log)
        check_model(model, "delete it or run `bot train --force`")
        return model
    if not promoted.name.endswith(f"{fingerprint(settings.project_dir)}.tar.gz"):
        log("The training data changed since the active model was promoted;")
        log("run `bot admin train` to retrain it through the quality gate.")
    check_model(promoted, "make another one active with `bot admin activate`")
    log(f"Using the active model {promoted.name}")
    return promoted


class DamagedModel(TrainingError):
    """The model file exists but Rasa could not load it."""


def check_model(model: Path, fix: str) -> None:
    """Raise :class:`DamagedModel` if ``model`` is not a readable Rasa model archive.

    Rasa 3.6 does not exit on a damaged model: it serves without one, answers
    its health URL and ignores every message, so the supervisor would never
    see it fail. Saying so here is the only clear way to tell the user.
    """
    try:
        with tarfile.open(model, "r:gz") as archive:
            names = archive.getnames()
    except (OSError, EOFError, tarfile.TarError) as error:
        problem = str(error) or type(error).__name__
    else:
        problem = None if "metadata.json" in names else "no metadata.json inside"
    if problem:
        raise DamagedModel(f"The model {model} is damaged ({problem}); {fix}.")


def print_urls(settings: Settings, log: Callable[[str], None]) -> None:
    log("")
    log("The assistant is running:")
    log(f"  Website and chat:  {settings.web_url}/")
    log(f"  Chat API (REST):   POST {settings.rasa_url}/webhooks/rest/webhook")
    log(f"  socket.io channel: {settings.rasa_url}/socket.io")
    if settings.clustered:
        log(f"  Behind nginx:      {settings.rasa_instances} Rasa servers at "
            f"{', '.join(settings.rasa_instance_urls)}")  # fmt: skip
        log(f"                     {settings.action_servers} action servers on ports "
            f"{', '.join(map(str, settings.action_server_ports))}")  # fmt: skip
    else:
        log(f"  Action server:     {settings.action_url}")
    log(
        f"  Workspace:         {settings.workspace_url}/ (sales and admin; accounts: "
        "`.venv/bin/bot accounts add NAME --role admin`)"
    )
    warning = no_channel_warning(settings)
    if warning:
        log("")
        log(warning)
    log("Press Ctrl-C to stop.")
    sys.stdout.flush()
