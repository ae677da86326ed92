"""An enquiry submitted while PostgreSQL is really stopped is kept and written once it is back.

The test runs its own throw-away PostgreSQL cluster, so it can stop and start
the server without touching the one other tests share. The stack runs from a
copy of the project made of symlinks with its own ``var/``, so the spool the
action server writes is the test's, not the developer's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, List

import pytest
from sqlalchemy import select

from bot import processes
from bot.config import PROJECT_ROOT
from bot.db import dispose_engine, get_session_factory
from bot.db.testing import free_port, postgres_unreachable_reason
from bot.leads import spool
from bot.leads.models import Notification
from tests.enquiry import REFERENCE, Visitor, up_to_the_summary
from tests.servers import RunningStack, Stack, stack_settings

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

POSTGRES_BIN = Path(os.environ.get("TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
HONEST_QUEUED_REPLY = "your enquiry is saved and will reach our sales team"


def _missing_tools_reason() -> str | None:
    for tool in ("initdb", "pg_ctl"):
        if not os.access(POSTGRES_BIN / tool, os.X_OK):
            return f"{POSTGRES_BIN / tool} not found; set TEST_POSTGRES_BIN to PostgreSQL's bin/"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing: PostgreSQL refuses to run as root"
    return None


class PrivateCluster:
    """A PostgreSQL server of our own, under ``root``, run as ``postgres`` when we are root."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.data, self.sockets, self.log = root / "data", root / "sockets", root / "server.log"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.running = False

    def _run(self, tool: str, *args: str) -> None:
        command = [str(POSTGRES_BIN / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        assert result.returncode == 0, f"{tool} failed:\n{result.stdout}{result.stderr}\n{log}"

    def create(self) -> None:
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip
        self.running = True

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "stop", "-m", "fast")
        self.running = False


@pytest.fixture
def postgres_cluster() -> Iterator[PrivateCluster]:
    reason = _missing_tools_reason()
    if reason:
        pytest.skip(reason)
    # Not under pytest's tmp_path: its folders are private to us, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="lead-durability-pg-"))
    cluster = PrivateCluster(root)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        try:
            if cluster.running:
                cluster.stop()
        finally:
            dispose_engine(cluster.url)
            shutil.rmtree(root, ignore_errors=True)


def project_copy(target: Path) -> Path:
    """The project's files as symlinks, with an empty ``var/`` for spool, logs and databases."""
    target.mkdir()
    for entry in PROJECT_ROOT.iterdir():
        if entry.name != "var":
            (target / entry.name).symlink_to(entry)
    (target / "var").mkdir()
    return target


@pytest.fixture
def durable_stack(postgres_cluster, trained_model, tmp_path) -> Iterator[RunningStack]:
    """Rasa and action servers saving leads to the private cluster (trackers stay in SQLite)."""
    project = project_copy(tmp_path / "project")
    settings = stack_settings(tmp_path, BOT_PROJECT_DIR=str(project),
                              DATABASE_URL=postgres_cluster.url)  # fmt: skip
    assert settings.var_dir == project / "var" and settings.tracker_store_url.startswith("sqlite")
    stack = Stack(settings, trained_model, tmp_path)  # start() migrates the database
    try:
        yield stack.start()
    finally:
        stack.stop()


def dispatch_once(stack: RunningStack) -> subprocess.CompletedProcess:
    """``bot handoff dispatch --once`` exactly as ``make run`` starts the dispatcher."""
    spec = processes.dispatcher(stack.settings)
    return subprocess.run(spec.command + ["--once"], cwd=stack.settings.project_dir,
                          env=spec.env, capture_output=True, text=True, timeout=120)  # fmt: skip


def notifications(database_url: str, reference: str) -> List[Notification]:
    with get_session_factory(database_url)() as session:
        query = select(Notification).where(Notification.lead_reference == reference)
        return list(session.execute(query).scalars())


def test_enquiry_sent_while_postgres_is_stopped_is_saved_once_it_is_back(
    durable_stack, postgres_cluster
):
    visitor = Visitor(durable_stack)
    up_to_the_summary(visitor)
    spooled = spool.spool_path(spool.spool_dir(durable_stack.settings.var_dir), visitor.sender)

    postgres_cluster.stop()
    assert postgres_unreachable_reason(postgres_cluster.url)
    reply = visitor.say("Submit", expect=HONEST_QUEUED_REPLY)
    assert not REFERENCE.search(reply) and "reference number yet" in reply
    assert spool.load(spooled).submission.email == "jo@example.com"

    still_down = dispatch_once(durable_stack)
    assert "1 lead(s) still spooled" in still_down.stderr, still_down.stdout + still_down.stderr
    assert spooled.exists(), "a dispatcher pass while the database is down must keep the lead"

    postgres_cluster.start()
    back = dispatch_once(durable_stack)
    assert back.returncode == 0, back.stdout + back.stderr
    assert back.stdout.strip() == "saved: 1", back.stdout + back.stderr
    assert not spooled.exists()

    lead = visitor.lead()
    assert (lead["organisation"], lead["name"], lead["email"]) == (
        "Sunrise Spa & Wellness", "Jo Bloggs", "jo@example.com",
    )  # fmt: skip
    assert (lead["phone"], lead["country"], lead["notes"]) == (
        "+44 20 7946 0000", "Germany", "please deliver to the back entrance",
    )  # fmt: skip
    assert lead["items"] == [{"product": "whole_leg_massager", "quantity": 30}]
    assert lead["consents"][0]["granted"] is True
    assert lead["transcript"][0]["text"].startswith("we'd like to order 30 whole leg")
    (notification,) = notifications(durable_stack.settings.database_url, lead["reference"])
    assert notification.status == "pending"  # no channel configured: waits for one
