"""Labelling adds exactly one line to the right file and refuses what it must not add."""

from __future__ import annotations

import json

import pytest

from bot.admin.examples import example_key, known_intents, read_examples
from bot.admin.labels import LABEL_LOG, LabelError, label
from bot.cli import main
from bot.knowledge import training_data_is_current
from tests.admin.conftest import use_project


def _inserted(before: str, after: str) -> list:
    """The lines of ``after`` that are not in ``before``, asserting nothing else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(new) == len(old) + 1
    index = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), len(old))
    assert new[:index] + new[index + 1 :] == old
    return [new[index]]


def test_example_keys_ignore_case_spacing_punctuation_and_entity_markup():
    key = example_key("  How much is the [Foot Roller](product)?! ")
    assert key == "how much is the foot roller"


def test_label_appends_one_line_to_the_intents_block(project):
    path = project / "data" / "nlu" / "basics.yml"
    before = path.read_text()
    record = label(project, "Much obliged, kind bot", "thank", user="alice")
    after = path.read_text()
    assert _inserted(before, after) == ["      - Much obliged, kind bot\n"]
    assert record.file == "data/nlu/basics.yml"
    assert ("Much obliged, kind bot", "thank") in read_examples(project)


def test_label_keeps_comments_of_a_commented_file(project):
    path = project / "data" / "nlu" / "products.yml"
    before = path.read_text()
    label(project, "have you got a brochure of everything", "list_products", user="bob")
    (new_line,) = _inserted(before, path.read_text())
    assert new_line == "      - have you got a brochure of everything\n"
    assert path.read_text().startswith("# Hand-written NLU")


def test_faq_label_goes_to_the_topic_and_regenerates_the_nlu(project):
    topics = project / "data" / "knowledge" / "topics.yml"
    before = topics.read_text()
    label(project, "reflexology: is it science?", "faq/reflexology", user="carol")
    (new_line,) = _inserted(before, topics.read_text())
    assert new_line == '      - "reflexology: is it science?"\n'
    assert ("reflexology: is it science?", "faq/reflexology") in read_examples(project)
    assert training_data_is_current(project)


def test_unknown_intent_is_refused_with_the_known_ones(project):
    before = (project / "data" / "nlu" / "basics.yml").read_text()
    with pytest.raises(LabelError, match="unknown intent 'order_pizza'.*greet"):
        label(project, "one margherita please", "order_pizza")
    assert (project / "data" / "nlu" / "basics.yml").read_text() == before
    assert "faq/reflexology" in known_intents(project) and "faq" not in known_intents(project)


@pytest.mark.parametrize(
    "text", ["Hello!", "  HELLO ", "How much does the whole leg massager cost?"]
)
def test_texts_already_in_the_data_are_refused(project, text):
    with pytest.raises(LabelError, match="already in the training data"):
        label(project, text, "ask_commercial")


def test_payloads_and_markup_are_refused(project):
    with pytest.raises(LabelError, match="payload"):
        label(project, "/restart", "greet")
    with pytest.raises(LabelError, match="markup"):
        label(project, "price of [roller]", "ask_commercial")


def test_each_label_is_logged_with_who_when_and_the_old_prediction(project, monkeypatch):
    monkeypatch.setenv("USER", "dora")
    label(project, "cheerio then", "goodbye", previous_intent="greet", previous_confidence=0.41)
    (line,) = (project / LABEL_LOG).read_text().splitlines()
    record = json.loads(line)
    assert record["user"] == "dora" and record["intent"] == "goodbye"
    assert record["previous_intent"] == "greet" and record["previous_confidence"] == 0.41
    assert record["text"] == "cheerio then" and record["at"]


def test_label_command_reports_refusal_and_success(project, monkeypatch, capsys):
    use_project(monkeypatch, project)
    assert main(["admin", "label", "cheerio then", "nonsense"]) == 1
    assert "unknown intent" in capsys.readouterr().err
    assert main(["admin", "label", "cheerio then", "goodbye", "--user", "eve"]) == 0
    assert "Labelled 'cheerio then' as goodbye" in capsys.readouterr().out
    assert json.loads((project / LABEL_LOG).read_text())["user"] == "eve"
