"""`make clean` never takes a user's leads, conversations or models with it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from bot.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*arguments: str, answer: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(["make", *arguments], cwd=PROJECT_ROOT, input=answer,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def test_clean_keeps_var_and_models():
    planned = make("-n", "clean").stdout
    removed = planned.split()
    assert ".venv" in removed and "test-artifacts" in removed
    assert "var" not in removed and "models" not in removed


def test_reset_deletes_nothing_unless_told_to():
    refused = make("reset", answer="yes\n")
    assert refused.returncode != 0
    assert "Nothing deleted." in refused.stdout
    assert "A PostgreSQL database is not touched" in refused.stdout
