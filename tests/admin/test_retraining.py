"""The gate with a real training: a harmful label set is refused and the active model stays.

The other way round (labels learnt, promoted, served) is played from the
browser on a running bot in tests/e2e/test_workspace_stack.py. This starts from the
session's trained model, registered as active with its held-out metrics, in a
private copy of the project whose held-out set also covers greet/goodbye/thank.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.admin.evaluation import HOLDOUT_DIR, evaluate
from bot.admin.examples import example_key, known_texts
from bot.admin.labels import label
from bot.admin.registry import Registry, active_model
from bot.cli import main
from tests.admin.conftest import copy_project, use_project

pytestmark = pytest.mark.e2e

BASICS_HOLDOUT = """version: "3.1"

nlu:
  - intent: greet
    examples: |
      - hello my friend
      - hi mate
      - hey everyone
      - good morning all
      - hello folks

  - intent: goodbye
    examples: |
      - bye for now friends
      - see you around
      - goodbye everyone

  - intent: thank
    examples: |
      - cheers for the help
"""
# A held-out set of 3-6 examples per intent moves F1 by ~0.15 per flipped example, and
# retraining flips one or two of the 56 FAQ answers (~0.036): the tests allow that noise;
# a harmful label set costs far more.
TOLERANCES = ["--tolerance", "0.05", "--intent-tolerance", "0.3"]
GREETINGS = ["hello", "hi", "hey", "good morning", "hiya", "good evening"]
COMPANY = ["friend", "mate", "folks", "everyone", "all", "team"]


@pytest.fixture(scope="module")
def baseline(trained_model, tmp_path_factory) -> Path:
    """A project copy whose active model is the session's model, with stored metrics."""
    project = copy_project(tmp_path_factory.mktemp("baseline") / "project")
    (project / HOLDOUT_DIR / "basics.yml").write_text(BASICS_HOLDOUT)
    known = known_texts(project)
    assert not [t for t in BASICS_HOLDOUT.splitlines() if example_key(t.strip("- ")) in known]
    models = project / "models"
    models.mkdir()
    model = Path(shutil.copy2(trained_model, models / trained_model.name))
    registry = Registry.load(models)
    registry.record(model, evaluate(model, project).summary(), note="baseline")
    registry.activate(model.name)
    registry.save()
    return project


@pytest.fixture
def project(baseline, tmp_path) -> Path:
    return Path(shutil.copytree(baseline, tmp_path / "project"))


def test_harmful_labels_are_not_promoted(project, monkeypatch, capsys):
    settings = use_project(monkeypatch, project)
    old = active_model(settings)
    for greeting in GREETINGS:
        for company in COMPANY:
            label(project, f"{greeting} there {company}", "goodbye", user="vandal")
    assert main(["admin", "train", *TOLERANCES]) == 3
    out = capsys.readouterr().out
    assert "Not promoted" in out and "F1 of greet fell" in out
    assert active_model(settings) == old
    entries = Registry.load(settings.models_dir).entries
    assert len(entries) == 2 and not entries[1].active
    assert "Not promoted" in next((project / "reports").glob("*/report.md")).read_text()
