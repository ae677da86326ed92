"""``bot sales-inbox`` and the new ``bot leads list`` filters, through the real entry point."""

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
from bot.sales.passwords import verify_password
from tests.sales.conftest import LEADS
from tests.support.servers import free_port


@pytest.fixture
def cli_env(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_PROJECT_DIR", str(tmp_path))
    monkeypatch.setenv("SALES_INBOX_PASSWORD_HASH", "")
    return tmp_path


def test_hash_password_reads_stdin(cli_env, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("long enough secret\n"))
    assert main(["sales-inbox", "hash-password"]) == 0
    captured = capsys.readouterr()
    assert verify_password("long enough secret", captured.out.strip())
    assert "SALES_INBOX_PASSWORD_HASH" in captured.err


def test_hash_password_refuses_short_passwords(cli_env, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["sales-inbox", "hash-password"]) == 1
    assert capsys.readouterr().out == ""


def test_inbox_without_password_hash_refuses_to_start(cli_env, capsys):
    assert main(["sales-inbox", "--port", "0"]) == 1
    err = capsys.readouterr().err
    assert "bot sales-inbox hash-password" in err and "SALES_INBOX_PASSWORD_HASH" in err


def test_inbox_process_serves_health_and_stops_on_sigterm(database_url, password_hash, tmp_path):
    """What the supervisor does: start the command, poll /healthz, send SIGTERM."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, BOT_PROJECT_DIR=str(tmp_path),
               SALES_INBOX_PASSWORD_HASH=password_hash, SALES_INBOX_PORT=str(port))  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "sales-inbox"], env=env,
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/healthz") == b"ok\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "Sales inbox stopped." in process.stdout.read()
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
