"""`bot run` (behind `make run`) starts everything, answers, and leaves nothing behind.

It also starts while the database is down: answering needs no database, and
enquiries are spooled until the lead dispatcher can save them.
"""

from __future__ import annotations

import urllib.request

import pytest

from bot.db.testing import free_port
from bot.sales.passwords import hash_password
from tests.e2e.bot_run import bot_run, is_greeting, processes_with_marker

pytestmark = pytest.mark.e2e


def test_run_serves_a_greeting_and_stops_every_process(trained_model, tmp_path):
    with bot_run(
        tmp_path,
        MODELS_DIR=str(trained_model.parent),
        SALES_INBOX_PORT=str(free_port()),
        SALES_INBOX_PASSWORD_HASH=hash_password("correct horse battery"),
    ) as run:
        # supervisor, action server, Rasa, website, dispatcher, sales inbox
        running = processes_with_marker(run.marker)
        assert len(running) >= 6, run.leftovers()
        greeting = run.greeting("run-test")
        assert is_greeting(greeting), greeting
        settings = run.settings
        with urllib.request.urlopen(settings.web_url + "/") as page:
            assert settings.rasa_url in page.read().decode(), "the page points at this bot"
        with urllib.request.urlopen(settings.sales_inbox_url + "/healthz") as inbox:
            assert inbox.status == 200
    assert run.leftovers() == []
    assert "Stopped every process." in run.output()
    assert (settings.var_dir / "logs" / "rasa-server.log").exists(), "logs stay in its var/"


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
