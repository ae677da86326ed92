"""An admin changes an answer by editing data/knowledge and retraining: no code change."""

from __future__ import annotations

import shutil

import pytest

from bot.config import PROJECT_ROOT
from bot.training import ensure_model
from tests.servers import Stack, reply_texts, stack_settings

pytestmark = pytest.mark.e2e

OLD_ANSWER = "Consistency matters most: try to fit in two or three sessions a week at minimum"
NEW_ANSWER = "Little and often works best: plan two or three relaxing sessions every week"
PROJECT_FILES = ("config.yml", "domain.yml", "endpoints.yml", "credentials.yml")


def copy_project(target):
    target.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, target / name)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copytree(PROJECT_ROOT / "actions", target / "actions",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return target


def test_editing_an_answer_and_retraining_changes_the_reply(tmp_path):
    project = copy_project(tmp_path / "project")
    topics = project / "data" / "knowledge" / "topics.yml"
    assert OLD_ANSWER in topics.read_text()
    topics.write_text(topics.read_text().replace(OLD_ANSWER, NEW_ANSWER))

    model = ensure_model(project, project / "models", log=lambda _: None)
    assert NEW_ANSWER in (project / "data" / "nlu" / "knowledge.yml").read_text()

    settings = stack_settings(tmp_path, BOT_PROJECT_DIR=str(project))
    stack = Stack(settings, model, tmp_path)
    running = stack.start()
    try:
        reply = reply_texts(running.chat("kb-edit", "how often should I use a foot massager?"))
    finally:
        stack.stop()
    assert NEW_ANSWER in reply
    assert OLD_ANSWER not in reply
