"""`bot run` (behind `make run`) starts everything, keeps it serving, and leaves nothing behind.

One `bot run` for the whole test (each costs a Rasa start): it serves a
greeting, the website and the workspace; then each server is killed with
SIGKILL in turn (as the kernel's out-of-memory killer would), and the
supervisor must log it, start it again within seconds (Rasa: the time to
load its model) and keep the others running; SIGTERM still stops every
process it started.
"""

from __future__ import annotations

import os
import re
import signal
import urllib.request
from pathlib import Path

import pytest

from bot import processes, runner
from tests.e2e.bot_run import bot_run, is_greeting, processes_with_marker

pytestmark = pytest.mark.e2e

# How long each server may take to be back: Rasa loads TensorFlow and the model again.
BACK_WITHIN = {"Rasa server": 240.0}
DEFAULT_BACK_WITHIN = 90.0


def parent_of(pid: int) -> int | None:
    """The parent of a live process, None once it is gone (or only a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return None if fields[0] == "Z" else int(fields[1])


def test_each_killed_server_comes_back_while_the_others_keep_serving(trained_model, tmp_path):
    with bot_run(
        tmp_path,
        MODELS_DIR=str(trained_model.parent),
    ) as run:
        settings = run.settings
        assert len(processes_with_marker(run.marker)) >= 6, run.leftovers()  # and the supervisor
        with urllib.request.urlopen(settings.web_url + "/") as page:
            assert settings.rasa_url in page.read().decode(), "the page points at this bot"
        specs = runner.server_specs(settings, trained_model)
        assert [spec.name for spec in specs] == [
            "action server", "Rasa server", "web server", "lead dispatcher", "workspace",
        ]  # fmt: skip
        for spec in specs:
            others = {other.name: run.child_pid(other.name) for other in specs if other != spec}
            killed = run.child_pid(spec.name)
            mark = len(run.output())
            os.kill(killed, signal.SIGKILL)

            exited = run.wait_for(rf"The {spec.name} exited with code -9 \(killed by SIGKILL\); "
                                  r"restarting it in 1 s \(log: var/logs/[a-z-]+\.log\)\.",
                                  timeout=10, after=mark)  # fmt: skip
            back = BACK_WITHIN.get(spec.name, DEFAULT_BACK_WITHIN)
            run.wait_for(rf"The {spec.name} is back \(pid \d+\)", timeout=back, after=mark)
            new = run.child_pid(spec.name)
            assert new != killed and parent_of(new) == run.process.pid
            assert spec.health_url is None or processes.answers(spec.health_url)
            assert {name: run.child_pid(name) for name in others} == others, "others kept running"
            assert all(parent_of(pid) == run.process.pid for pid in others.values())
            greeting = run.greeting(f"after-{spec.name}")
            assert is_greeting(greeting), greeting
            assert re.search(r"\n    \| ", run.output()[exited.end() :]), "its log's last lines"
        assert run.process.poll() is None
    assert run.process.returncode == 0
    assert run.leftovers() == []
    assert "Stopped every process." in run.output()
    assert (settings.var_dir / "logs" / "rasa-server.log").exists(), "logs stay in its var/"
