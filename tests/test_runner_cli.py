"""``bot run`` as a person starts it: a database it cannot reach stops it with one sentence."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import PROJECT_ROOT
from bot.db.testing import free_port


def test_run_with_an_unreachable_database_says_why_and_where(tmp_path):
    port = free_port()
    url = f"postgresql+psycopg2://postgres:s3cret-pw@127.0.0.1:{port}/test"
    env = dict(os.environ, BOT_PROJECT_DIR=str(tmp_path), MODELS_DIR=str(tmp_path / "models"),
               DATABASE_URL=url)  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    [sentence] = result.stderr.strip().splitlines()
    assert sentence.startswith("Could not bring the database schema up to date: ")
    assert f"127.0.0.1:{port}" in sentence and "DATABASE_URL" in sentence
    assert "s3cret-pw" not in sentence
    assert not (tmp_path / "models").exists(), "nothing may be trained before the database is up"
