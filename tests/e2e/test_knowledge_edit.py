"""An admin edits an answer in data/knowledge, retrains and activates: the running bot
answers with the new text from the next message on, with no code change and no restart.

The edit is a product description, which the NLU does not learn from, so the
retraining reuses Rasa's cached components (seconds, not minutes). FAQ answers
reach visitors the same way, through the model's knowledge snapshot; that the
NLU is regenerated from an edited answer is tested in tests/knowledge.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.admin.registry import Registry
from bot.config import PROJECT_ROOT
from bot.training import ensure_model
from tests.support.servers import Stack, reply_texts, stack_settings

pytestmark = pytest.mark.e2e

OLD_ROLLER = "Foot rollers sit at the simple, entry-level end of our range"
NEW_ROLLER = "Foot rollers are where most customers begin with our range"
PROJECT_FILES = ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml")
TOKEN = "knowledge-edit-token"


def copy_project(target: Path) -> Path:
    target.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copytree(PROJECT_ROOT / "actions", target / "actions",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def activate(settings, model_name: str) -> str:
    """``bot admin activate``, as an admin runs it beside the running bot."""
    env = {**os.environ, **settings.child_environment()}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "admin", "activate", model_name],
        cwd=settings.project_dir, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def served_model(settings) -> str:
    url = f"{settings.rasa_url}/status?token={TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return Path(json.loads(response.read())["model_file"]).name


def test_an_edited_answer_reaches_the_running_bot_once_its_model_is_active(tmp_path, trained_model):
    project = copy_project(tmp_path / "project")
    models = project / "models"
    models.mkdir()
    first = Path(shutil.copy2(trained_model, models / trained_model.name))
    assert ensure_model(project, models, log=lambda _: None) == first, "same data, same model"
    registry = Registry.load(models)
    registry.activate(first.name)
    registry.save()

    settings = stack_settings(tmp_path, BOT_PROJECT_DIR=str(project), MODELS_DIR=str(models),
                              RASA_TOKEN=TOKEN)  # fmt: skip
    stack = Stack(settings, first, tmp_path)
    running = stack.start()
    try:
        pids = [child.pid for child in stack.children]

        def ask(sender: str, question: str) -> str:
            return reply_texts(running.chat(sender, question))

        assert OLD_ROLLER in ask("kb-2", "tell me about the foot roller")

        edit(project / "data" / "knowledge" / "products.yml", OLD_ROLLER, NEW_ROLLER)
        # Not yet trained and promoted: visitors still get the texts of the model they use.
        assert OLD_ROLLER in ask("kb-3", "tell me about the foot roller")

        second = ensure_model(project, models, log=lambda _: None)
        assert second != first
        assert "now use" in activate(settings, second.name)
        assert served_model(settings) == second.name

        roller = ask("kb-5", "tell me about the foot roller")
        assert NEW_ROLLER in roller and OLD_ROLLER not in roller

        # A rollback brings the old texts back, again without a restart.
        activate(settings, first.name)
        assert OLD_ROLLER in ask("kb-6", "tell me about the foot roller")
        assert [child.pid for child in stack.children] == pids, "nothing was restarted"
        assert all(child.poll() is None for child in stack.children)
    finally:
        stack.stop()
