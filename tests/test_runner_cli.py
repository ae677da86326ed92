"""``bot run`` prepares what it can: a database that is down is said once, not a reason to stop;
a damaged model is named before anything starts."""

from __future__ import annotations

import tarfile

import pytest

from bot import runner
from bot.config import load_settings
from bot.db import current_revision, dispose_engine, head_revision
from bot.leads import spool
from bot.training import TrainingError
from tests.handoff.conftest import make_submission
from tests.support.database import sqlite_url
from tests.support.servers import free_port


def test_a_database_that_is_down_is_said_once_with_where_and_without_the_password(tmp_path):
    port = free_port()
    url = f"postgresql+psycopg2://postgres:s3cret-pw@127.0.0.1:{port}/test"
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path), "DATABASE_URL": url})
    said = []
    assert runner.prepare(settings, said.append) is False
    [sentence] = said
    assert sentence.startswith("The database is down, starting anyway: cannot connect to the ")
    assert f"127.0.0.1:{port}" in sentence and "DATABASE_URL" in sentence
    assert "s3cret-pw" not in sentence
    assert "queued" in sentence, "the visitor's enquiries are not lost, and the user knows it"


def test_a_reachable_database_is_migrated_and_spooled_leads_are_saved(tmp_path):
    url = sqlite_url(tmp_path / "var" / "leads.db")
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path), "DATABASE_URL": url})
    spool.write(spool.spool_dir(settings.var_dir), make_submission(7))
    said = []
    try:
        assert runner.prepare(settings, said.append) is True
        assert current_revision(url) == head_revision()
        assert said == [
            "Database schema is up to date.",
            "Saved 1 lead(s) that were queued while the database was down.",
        ]
        assert spool.spooled_paths(spool.spool_dir(settings.var_dir)) == []
    finally:
        dispose_engine(url)


def test_a_damaged_model_is_named_with_what_to_do_before_anything_starts(tmp_path):
    model = tmp_path / "model-0123456789abcdef.tar.gz"
    model.write_bytes(b"half a download")
    with pytest.raises(TrainingError) as raised:  # `bot run` prints it and exits 1
        runner.check_model(model, "run `bot train --force`")
    assert str(raised.value).startswith(f"The model {model} is damaged (")
    assert str(raised.value).endswith("; run `bot train --force`.")
    assert "\n" not in str(raised.value)


def test_a_model_archive_with_its_metadata_passes(tmp_path):
    (tmp_path / "metadata.json").write_text("{}")
    model = tmp_path / "model.tar.gz"
    with tarfile.open(model, "w:gz") as archive:
        archive.add(tmp_path / "metadata.json", arcname="metadata.json")
    runner.check_model(model, "unused")


def test_start_up_says_when_nothing_would_reach_the_sales_team(tmp_path):
    said = []
    runner.print_urls(load_settings({"BOT_PROJECT_DIR": str(tmp_path)}), said.append)
    assert any("no notification channel is configured" in line for line in said), said
    said.clear()
    configured = {"BOT_PROJECT_DIR": str(tmp_path), "SMTP_HOST": "mail.example.test",
                  "SMTP_FROM": "bot@example.test"}  # fmt: skip
    runner.print_urls(load_settings(configured), said.append)
    assert not any("notification channel" in line for line in said), said


def test_shell_while_the_servers_run_says_so_at_once_and_fails(tmp_path, capsys):
    import socket

    from bot.cli import main

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        taken = listener.getsockname()[1]
        env = {"BOT_PROJECT_DIR": str(tmp_path), "BIND_HOST": "127.0.0.1",
               "RASA_PORT": str(taken), "ACTION_PORT": str(free_port())}  # fmt: skip
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            patch.setattr("dotenv.load_dotenv", lambda *a, **k: False)
            assert main(["shell"]) == 1
    said = capsys.readouterr().err
    assert f"Port {taken} is in use, most likely by `make run`" in said
    assert "stop `make run` (Ctrl-C)" in said
