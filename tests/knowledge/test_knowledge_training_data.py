"""The generated NLU file: in sync with the data, well-formed, and rebuilt by the CLI."""

from __future__ import annotations

import argparse

import pytest
import yaml
from knowledge_helpers import PROJECT_DIR

from bot.config import load_settings
from bot.knowledge import build_training_data, topic_answers, training_data_is_current
from bot.knowledge import cli as knowledge_cli
from bot.knowledge.training_data import OUTPUT


def test_committed_file_is_in_sync_with_the_knowledge_base():
    committed = (PROJECT_DIR / OUTPUT).read_text(encoding="utf-8")
    assert committed == build_training_data(PROJECT_DIR), "run `bot knowledge build`"


def test_generated_file_has_retrieval_intents_responses_and_synonyms(kb):
    data = yaml.safe_load(build_training_data(PROJECT_DIR))
    assert data["version"] == "3.1"
    intents = {block["intent"] for block in data["nlu"] if "intent" in block}
    assert intents == {f"faq/{topic.id}" for topic in kb.topics}
    synonyms = {block["synonym"]: block["examples"] for block in data["nlu"] if "synonym" in block}
    assert set(synonyms) == set(kb.product_ids)
    assert "- calf massger" in synonyms["deep_calf_massager"]
    for topic in kb.topics:
        texts = [item["text"] for item in data["responses"][f"utter_faq/{topic.id}"]]
        assert texts == list(topic_answers(kb, topic.id))


def _run(argv, project_dir):
    parser = argparse.ArgumentParser(prog="bot")
    knowledge_cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.handler(args, load_settings({"BOT_PROJECT_DIR": str(project_dir)}))


def test_cli_check_fails_until_build_writes_the_file(scratch_project, edit_yaml, capsys):
    assert _run(["knowledge", "check"], scratch_project) == 1
    assert _run(["knowledge", "build"], scratch_project) == 0
    assert _run(["knowledge", "check"], scratch_project) == 0
    edit_yaml("topics.yml", lambda d: d["topics"][0]["examples"].append("foot rub basics"))
    assert not training_data_is_current(scratch_project)
    assert _run(["knowledge", "check"], scratch_project) == 1
    assert "out of date" in capsys.readouterr().err


def test_cli_reports_malformed_data(scratch_project, edit_yaml, capsys):
    edit_yaml("products.yml", lambda d: d["products"][0].pop("name"))
    assert _run(["knowledge", "build"], scratch_project) == 1
    assert "products.yml" in capsys.readouterr().err


def test_cli_needs_an_action():
    with pytest.raises(SystemExit):
        _run(["knowledge"], PROJECT_DIR)


def test_cli_is_registered_with_the_bot_command():
    from bot.cli import COMMAND_MODULES

    assert "bot.knowledge.cli" in COMMAND_MODULES
