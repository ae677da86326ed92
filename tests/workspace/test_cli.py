"""``bot accounts``, ``bot workspace`` and the ``bot leads list`` filters, through the real
entry point."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from bot.cli import main
from bot.config import PROJECT_ROOT
from tests.support.servers import free_port
from tests.workspace.conftest import LEADS


@pytest.fixture
def cli_env(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_PROJECT_DIR", str(tmp_path))
    return tmp_path


def run_cli(monkeypatch, capsys, *args, stdin: str = ""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_first_admin_is_created_listed_and_can_be_disabled(cli_env, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "accounts", "add", "Ada", "--role", "admin",
                           "--name", "Ada Admin", stdin="correct horse battery\n")  # fmt: skip
    assert code == 0 and "Created ada (admin)" in out
    code, out, _ = run_cli(monkeypatch, capsys, "accounts", "list")
    assert code == 0 and "ada" in out and "admin" in out and "active" in out
    assert "correct horse" not in out
    assert run_cli(monkeypatch, capsys, "accounts", "disable", "ada")[0] == 0
    assert "disabled" in run_cli(monkeypatch, capsys, "accounts", "list")[1]


@pytest.mark.parametrize(
    "args, stdin, reason",
    [
        (("accounts", "add", "bo"), "short\n", "at least 10 characters"),
        (("accounts", "add", "no spaces allowed"), "a long enough one\n", "user name is 2 to 32"),
        (("accounts", "role", "nobody", "admin"), "", "no account called"),
    ],
)  # fmt: skip
def test_account_commands_explain_what_is_wrong(cli_env, monkeypatch, capsys, args, stdin, reason):
    code, _, err = run_cli(monkeypatch, capsys, *args, stdin=stdin)
    assert code == 1 and reason in err and "Traceback" not in err


def test_a_name_is_taken_once(cli_env, monkeypatch, capsys):
    assert run_cli(monkeypatch, capsys, "accounts", "add", "sam", stdin="a long password\n")[0] == 0
    code, _, err = run_cli(monkeypatch, capsys, "accounts", "add", "sam", stdin="another one!\n")
    assert code == 1 and "already an account called 'sam'" in err


def test_workspace_process_serves_health_and_stops_on_sigterm(database_url, tmp_path):
    """What the supervisor does: start the command, poll /healthz, send SIGTERM."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, BOT_PROJECT_DIR=str(tmp_path),
               WORKSPACE_PORT=str(port))  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "workspace"], env=env,
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/healthz") == b"ok\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        out = process.stdout.read()
        assert "No workspace accounts yet" in out and "Workspace stopped." in out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _wait_for(url: str, timeout: float = 15.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def listed(capsys, *args) -> str:
    assert main(["leads", "list", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "args, shown",
    [
        ((), {"old", "hot", "warm", "cold"}),
        (("--priority", "hot"), {"old", "hot"}),
        (("--priority", "cold"), {"cold"}),
        (("--text", "NORDIC"), {"warm"}),
        (("--text", "praxis.example"), {"old"}),
        (("--since", "2026-01-01"), {"hot", "warm", "cold"}),
        (("--since", "30d", "--priority", "hot"), {"hot"}),
        (("--status", "won", "--text", "a"), set()),
    ],
)
def test_leads_list_filters(cli_env, leads, capsys, args, shown):
    out = listed(capsys, *args)
    assert {role for role in LEADS if leads[role] in out} == shown


def test_leads_list_limit_keeps_the_newest_matches(cli_env, leads, capsys):
    out = listed(capsys, "--priority", "hot", "--limit", "1")
    assert leads["hot"] in out and leads["old"] not in out


def test_leads_list_explains_a_bad_since(cli_env, capsys):
    with pytest.raises(SystemExit):
        main(["leads", "list", "--since", "soon"])
    assert "a date like 2026-03-01" in capsys.readouterr().err
