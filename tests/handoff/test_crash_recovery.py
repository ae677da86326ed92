"""A dispatcher process killed with SIGKILL mid-delivery loses no lead.

The real command the supervisor runs, against a receiver that stalls its
first request so the kill lands while the delivery is in flight.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import select

from bot.config import PROJECT_ROOT
from bot.handoff.models import Notification
from tests.handoff.conftest import SECRET
from tests.handoff.receivers import WebhookReceiver

LEASE_SECONDS = "2"


def _dispatcher(log_path):
    command = [sys.executable, "-m", "bot.cli", "handoff", "dispatch",
               "--lease", LEASE_SECONDS, "--interval", "0.2"]  # fmt: skip
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log)


def _notification(session_factory):
    with session_factory() as session:
        return session.execute(select(Notification)).scalar_one()


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sigkill_mid_delivery_then_restart_delivers(
    submit, handoff_env, session_factory, tmp_path, processes
):
    reference = submit()
    log_path = tmp_path / "dispatcher.log"
    with WebhookReceiver(secret=SECRET, stall_first=1) as receiver:
        handoff_env.setenv("HANDOFF_WEBHOOK_URL", receiver.url)
        handoff_env.setenv("HANDOFF_WEBHOOK_SECRET", SECRET)
        processes.append(_dispatcher(log_path))
        assert receiver.wait_for(lambda: len(receiver.requests) == 1), log_path.read_text()
        processes[0].send_signal(signal.SIGKILL)
        processes[0].wait(5)
        row = _notification(session_factory)
        assert (row.status, row.attempts, receiver.accepted) == ("pending", 1, {})

        processes.append(_dispatcher(log_path))
        assert receiver.wait_for(lambda: reference in receiver.accepted), log_path.read_text()
        assert receiver.wait_for(lambda: _notification(session_factory).status == "delivered")
        processes[1].send_signal(signal.SIGTERM)  # and it stops cleanly
        assert processes[1].wait(10) == 0
    assert _notification(session_factory).attempts == 2
    assert "dispatcher stopped" in log_path.read_text()
