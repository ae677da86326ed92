"""`bot run` (behind `make run`) starts everything, answers, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.sales.passwords import hash_password
from tests.servers import RunningStack, free_port, stack_settings

pytestmark = pytest.mark.e2e


def processes_with_marker(marker: str):
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def test_run_serves_a_greeting_and_stops_every_process(trained_model, tmp_path):
    settings = stack_settings(
        tmp_path,
        MODELS_DIR=str(trained_model.parent),
        WEB_PORT=str(free_port()),
        SALES_INBOX_PORT=str(free_port()),
        SALES_INBOX_PASSWORD_HASH=hash_password("correct horse battery"),
    )
    marker = f"BOT_RUN_TEST_MARKER={uuid.uuid4()}"
    env = {**os.environ, **settings.child_environment(), marker.split("=")[0]: marker.split("=")[1]}
    with open(tmp_path / "run.log", "w") as log:
        run = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=PROJECT_ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        stack = RunningStack(settings, settings.rasa_url, tmp_path)
        deadline = time.monotonic() + 240
        while "The assistant is running" not in (tmp_path / "run.log").read_text():
            assert run.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "bot run did not become ready"
            time.sleep(1)
        # supervisor, action server, Rasa, website, dispatcher, sales inbox
        running = processes_with_marker(marker)
        assert len(running) >= 6, [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in running]
        greeting = " ".join(stack.texts("run-test", "hello")).lower()
        assert any(word in greeting for word in ("hello", "hi there", "welcome")), greeting
        with urllib.request.urlopen(settings.web_url + "/") as page:
            assert settings.rasa_url in page.read().decode(), "the page points at this bot"
        with urllib.request.urlopen(settings.sales_inbox_url + "/healthz") as inbox:
            assert inbox.status == 200
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=60)
    time.sleep(1)
    assert processes_with_marker(marker) == []
    assert "Stopped every process." in (tmp_path / "run.log").read_text()
