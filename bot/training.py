"""Train the Rasa model only when what it learns from has changed.

The model file is named after a fingerprint of ``config.yml``, ``domain.yml``
and everything under ``data/``, so "is the model current?" is a file lookup
that needs neither TensorFlow nor a running Rasa. ``make run``, ``make train``
and the test session all go through :func:`ensure_model`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from bot.knowledge import training_data_is_current, write_training_data
from bot.knowledge.snapshots import existing_snapshot, take_snapshot

TRAINING_INPUTS = ("config.yml", "domain.yml", "data")
MODEL_PREFIX = "model-"


class TrainingError(RuntimeError):
    """``rasa train`` failed; the message carries the end of its output."""


def _input_files(project_dir: Path) -> Iterable[Path]:
    for name in TRAINING_INPUTS:
        path = project_dir / name
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml")
            )
        elif path.is_file():
            yield path


def fingerprint(project_dir: Path) -> str:
    """A short hash of every training input, its path included."""
    digest = hashlib.sha256()
    for path in _input_files(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(project_dir: Path, models_dir: Path) -> Path:
    return models_dir / f"{MODEL_PREFIX}{fingerprint(project_dir)}.tar.gz"


def rasa_environment() -> dict:
    """Environment for Rasa subprocesses: quiet, offline, no telemetry."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    return env


def train(project_dir: Path, target: Path, log: Callable[[str], None] = print) -> Path:
    """Run ``rasa train`` into a scratch folder and move the model into place.

    Moving only a finished model means an interrupted training never leaves a
    half-written file under the name :func:`ensure_model` trusts.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".training-") as scratch:
        command = [
            sys.executable, "-m", "rasa", "train",
            "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
            "--out", scratch, "--fixed-model-name", "model", "--quiet",
        ]  # fmt: skip
        log(f"Training the model ({target.name}); this takes a minute or two...")
        result = subprocess.run(
            command, cwd=project_dir, env=rasa_environment(),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        trained = Path(scratch) / "model.tar.gz"
        if result.returncode != 0 or not trained.exists():
            tail = "\n".join(result.stdout.splitlines()[-30:])
            raise TrainingError(f"rasa train failed (exit {result.returncode}):\n{tail}")
        os.replace(trained, target)
    take_snapshot(project_dir, target)
    return target


def ensure_model(
    project_dir: Path,
    models_dir: Path,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> Path:
    """Return a model trained on the current data, training one if needed.

    The NLU generated from ``data/knowledge`` is refreshed first, so editing an
    answer there and retraining is all an admin does. The model's knowledge
    snapshot (:mod:`bot.knowledge.snapshots`) is taken with it.
    """
    if not training_data_is_current(project_dir):
        log(f"Regenerated {write_training_data(project_dir).relative_to(project_dir)}")
    target = model_path(project_dir, models_dir)
    if target.exists() and not force:
        log(f"Model is up to date: {target.name}")
        if existing_snapshot(target) is None:  # trained before models kept their knowledge
            take_snapshot(project_dir, target)
        return target
    return train(project_dir, target, log)
