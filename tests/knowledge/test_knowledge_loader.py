"""The loader: real data loads; malformed data fails naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from knowledge_helpers import PROJECT_DIR

from bot.knowledge import KnowledgeDataError, UnknownEntryError, load_knowledge, read_knowledge
from bot.knowledge.loader import clear_cache

PRODUCT_IDS = ("foot_roller", "whole_leg_massager", "deep_calf_massager", "leg_and_butt_massager")


def test_real_knowledge_loads(kb):
    assert kb.product_ids == PRODUCT_IDS
    assert len(kb.topics) >= 14
    assert kb.product("foot_roller").name == "Foot roller"


def test_load_is_cached_per_directory(scratch_project):
    clear_cache()
    assert load_knowledge(scratch_project) is load_knowledge(scratch_project)
    assert load_knowledge(scratch_project) is not load_knowledge(PROJECT_DIR)


def test_unknown_ids_raise_domain_error(kb):
    with pytest.raises(UnknownEntryError):
        kb.topic("no_such_topic")
    with pytest.raises(UnknownEntryError):
        kb.product("jacuzzi")


def test_missing_file_is_named(scratch_project):
    (scratch_project / "data" / "knowledge" / "topics.yml").unlink()
    with pytest.raises(KnowledgeDataError, match="topics.yml: file not found"):
        read_knowledge(scratch_project)


def test_invalid_yaml_is_named(scratch_project: Path):
    (scratch_project / "data" / "knowledge" / "safety.yml").write_text("caution: [unclosed\n")
    with pytest.raises(KnowledgeDataError, match="safety.yml: invalid YAML"):
        read_knowledge(scratch_project)


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "products.yml",
            lambda d: d["products"][0].pop("summary"),
            r"products\[0\]: field 'summary'",
        ),
        ("products.yml", lambda d: d["products"][1].update(suits=["moon"]), "field 'suits'"),
        ("products.yml", lambda d: d["products"][0].update(id="Foot Roller"), "snake_case"),
        ("products.yml", lambda d: d["products"][2].update(health="yes"), "field 'health'"),
        (
            "products.yml",
            lambda d: d["products"][1]["aliases"].append("roller"),
            "duplicate alias: 'roller'",
        ),
        ("topics.yml", lambda d: d["topics"][0].update(section="Chapter 9"), "field 'section'"),
        ("topics.yml", lambda d: d["topics"][1].update(id=d["topics"][0]["id"]), "duplicate id"),
        ("topics.yml", lambda d: d["topics"][0].update(answer=[]), "field 'answer'"),
        ("topics.yml", lambda d: d["topics"][0].update(more="Hi {name}"), "slot placeholders"),
        ("topics.yml", lambda d: d.update(topics="none"), "field 'topics'"),
        ("safety.yml", lambda d: d["unanswerable"].pop("default"), "'default'"),
        ("safety.yml", lambda d: d.pop("caution"), "safety.yml: field 'caution'"),
        ("sections.yml", lambda d: d["sections"].append("References"), "duplicate section"),
    ],
)
def test_malformed_data_names_file_and_field(edit_yaml, scratch_project, file, change, message):
    edit_yaml(file, change)
    with pytest.raises(KnowledgeDataError, match=message):
        read_knowledge(scratch_project)
