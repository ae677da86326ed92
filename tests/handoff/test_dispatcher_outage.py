"""``bot handoff dispatch`` outlives database outages and catches up once the database is back.

``bot run`` starts even while the database is down, so the dispatcher process
is what migrates the schema and saves the spooled enquiries afterwards. These
tests run that process as the supervisor does, against a database that is
really unreachable (a refused port, or a SQLite file that cannot be opened).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.config import PROJECT_ROOT
from bot.db import current_revision, dispose_engine, head_revision
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import spool
from bot.leads.services import submit_lead
from tests.handoff.conftest import SECRET, make_submission
from tests.handoff.outages import SqliteSwitch, TcpSwitch
from tests.support.database import (
    postgres_test_url,
    postgres_unreachable_reason,
    temporary_postgres_schema,
)

OUTAGE_LINE = "database unavailable, retrying"
BACK_LINE = "database available again"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """A database that is down until the test calls ``up()``."""
    if request.param == "sqlite":
        switch = SqliteSwitch(tmp_path)
        yield switch
        dispose_engine(switch.url)
        return
    with _postgres_switch() as switch:
        yield switch


@pytest.fixture
def postgres(tmp_path):
    with _postgres_switch() as switch:
        yield switch


@contextmanager
def _postgres_switch() -> Iterator[TcpSwitch]:
    reason = postgres_unreachable_reason(postgres_test_url())
    if reason:
        pytest.skip(reason)
    with temporary_postgres_schema(postgres_test_url()) as url:  # empty: not migrated
        switch = TcpSwitch(url)
        try:
            yield switch
        finally:
            switch.down()
            dispose_engine(switch.url)


class DispatcherProcess:
    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process, self.log_path = process, log_path

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.process.poll() is None, f"the dispatcher exited:\n{self.log()}"
            assert time.monotonic() < deadline, f"timed out; dispatcher log:\n{self.log()}"
            time.sleep(0.1)


@contextmanager
def dispatcher_process(database_url: str, project_dir: Path, webhook_url: str):
    """``bot handoff dispatch`` as ``bot run`` starts it, polling every 0.2 s."""
    env = dict(os.environ, DATABASE_URL=database_url, BOT_PROJECT_DIR=str(project_dir),
               HANDOFF_WEBHOOK_URL=webhook_url, HANDOFF_WEBHOOK_SECRET=SECRET)  # fmt: skip
    log_path = project_dir / "dispatcher.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "handoff", "dispatch", "--interval", "0.2"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    dispatcher = DispatcherProcess(process, log_path)
    try:
        yield dispatcher
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert process.returncode == 0, dispatcher.log()


def spooled(project_dir: Path, number: int) -> Path:
    """A lead the action server spooled because the database was down."""
    return spool.write(spool.spool_dir(project_dir / "var"), make_submission(number))


def test_started_while_the_database_is_down_it_migrates_and_saves_spooled_leads_once_back(
    database, tmp_path, receiver
):
    waiting = spooled(tmp_path, 1)
    with dispatcher_process(database.url, tmp_path, receiver.url) as dispatcher:
        dispatcher.wait_for(lambda: OUTAGE_LINE in dispatcher.log())
        time.sleep(1.5)  # several polls, still down
        assert dispatcher.process.poll() is None
        assert dispatcher.log().count(OUTAGE_LINE) == 1, "one line per outage, not per poll"
        assert waiting.exists()

        database.up()
        dispatcher.wait_for(lambda: len(receiver.accepted) == 1 and BACK_LINE in dispatcher.log())
    assert not waiting.exists()
    assert current_revision(database.url) == head_revision()
    [lead] = receiver.accepted.values()
    assert lead["lead"]["email"] == "ana1@clinic.example"
    assert dispatcher.log().count(OUTAGE_LINE) == 1 and dispatcher.log().count(BACK_LINE) == 1


@pytest.mark.postgres
def test_an_outage_while_running_is_logged_once_and_caught_up_after(postgres, tmp_path, receiver):
    postgres.up()
    with dispatcher_process(postgres.url, tmp_path, receiver.url) as dispatcher:
        dispatcher.wait_for(lambda: current_revision(postgres.url) == head_revision())
        submit_lead(unit_of_work_factory(postgres.url)(), make_submission(1))
        dispatcher.wait_for(lambda: len(receiver.accepted) == 1)

        postgres.down()
        waiting = spooled(tmp_path, 2)
        dispatcher.wait_for(lambda: OUTAGE_LINE in dispatcher.log())
        time.sleep(1.5)
        assert dispatcher.log().count(OUTAGE_LINE) == 1 and waiting.exists()

        postgres.up()
        dispatcher.wait_for(lambda: len(receiver.accepted) == 2 and BACK_LINE in dispatcher.log())
    assert not waiting.exists()
    assert dispatcher.log().count(OUTAGE_LINE) == 1
    assert "Traceback" not in dispatcher.log()
