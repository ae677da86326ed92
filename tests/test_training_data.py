"""The training data is consistent, and the model is retrained only when it changes."""

from __future__ import annotations

import shutil
import subprocess
import sys

from bot.config import PROJECT_ROOT
from bot.training import fingerprint


def test_rasa_data_validate_passes():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--quiet",
         "--domain", "domain.yml", "--data", "data", "--config", "config.yml"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def copy_training_inputs(target):
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")


def test_fingerprint_changes_only_when_training_inputs_change(tmp_path):
    copy_training_inputs(tmp_path)
    before = fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("not a training input")
    assert fingerprint(tmp_path) == before

    nlu = tmp_path / "data" / "nlu" / "basics.yml"
    nlu.write_text(nlu.read_text().replace("- hiya\n", "- hiya there\n"))
    assert fingerprint(tmp_path) != before
