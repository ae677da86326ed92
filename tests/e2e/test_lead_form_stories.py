"""Test stories (tests/stories/) against the session's trained model: no prediction errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.config import PROJECT_ROOT
from bot.training import rasa_environment

pytestmark = pytest.mark.e2e


def test_stories_have_no_prediction_errors(trained_model, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(trained_model),
         "--stories", "tests/stories", "--fail-on-prediction-errors", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, env=rasa_environment(), timeout=600,
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-3000:] + result.stderr[-3000:]
