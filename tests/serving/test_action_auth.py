"""The action server's shared secret: one per installation, even when servers start together."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

from bot.config import load_settings
from bot.serving.action_auth import action_server_token, token_file

# Each process waits for the same moment, then reads (or generates) the token.
READ_TOKEN = """
import sys, time
from bot.config import load_settings
from bot.serving.action_auth import action_server_token
settings = load_settings()
time.sleep(max(float(sys.argv[1]) - time.time(), 0))
print(action_server_token(settings))
"""


def test_servers_starting_at_once_all_get_the_same_generated_token(tmp_path):
    env = {**os.environ, "BOT_PROJECT_DIR": str(tmp_path)}
    env.pop("ACTION_SERVER_TOKEN", None)
    at_once = str(time.time() + 2.0)
    starting = [
        subprocess.Popen(
            [sys.executable, "-c", READ_TOKEN, at_once], env=env, stdout=subprocess.PIPE
        )
        for _ in range(8)
    ]
    tokens = {process.communicate(timeout=60)[0].strip() for process in starting}
    assert len(tokens) == 1 and len(tokens.pop()) >= 32
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path)})
    assert stat.S_IMODE(token_file(settings).stat().st_mode) == 0o600
    assert [p.name for p in token_file(settings).parent.iterdir()] == ["action-server-token"]


def test_a_configured_token_wins(tmp_path):
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path), "ACTION_SERVER_TOKEN": "given"})
    assert action_server_token(settings) == "given"
    assert not token_file(settings).exists()
