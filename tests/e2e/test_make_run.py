"""`bot run` (behind `make run`) starts while the database is down.

Answering needs no database, and enquiries are spooled until the lead
dispatcher can save them. (Starting, serving and stopping everything is in
test_supervisor_restarts.py, which shares one `bot run` with the restarts.)
"""

from __future__ import annotations

import pytest

from tests.e2e.bot_run import bot_run, is_greeting
from tests.support.servers import free_port

pytestmark = pytest.mark.e2e


def test_run_with_the_database_down_says_so_once_and_answers(trained_model, tmp_path):
    port = free_port()  # nothing listens there: PostgreSQL is "down"
    with bot_run(
        tmp_path,
        MODELS_DIR=str(trained_model.parent),
        DATABASE_URL=f"postgresql://postgres:s3cret-pw@127.0.0.1:{port}/test",
        TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'tracker.db'}",
    ) as run:
        greeting = run.greeting("db-down")
        assert is_greeting(greeting), greeting
        output = run.output()
    [said] = [line for line in output.splitlines() if "database is down" in line]
    assert f"127.0.0.1:{port}" in said and "s3cret-pw" not in output
    assert "exited with code" not in output, "every server starts and stays up"
    assert "Traceback" not in output
    assert run.leftovers() == []
