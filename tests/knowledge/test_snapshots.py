"""A model keeps the knowledge it was trained with; edits reach a running process at once."""

from __future__ import annotations

import shutil

from bot.config import PROJECT_ROOT
from bot.knowledge import load_knowledge_folder
from bot.knowledge.loader import KNOWLEDGE_DIR
from bot.knowledge.snapshots import existing_snapshot, snapshot_folder, take_snapshot

OLD_SUMMARY = "Foot rollers sit at the simple, entry-level end of our range"


def knowledge_copy(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / KNOWLEDGE_DIR, project / KNOWLEDGE_DIR)
    return project


def edit_roller_summary(project, new_text: str) -> None:
    products = project / KNOWLEDGE_DIR / "products.yml"
    products.write_text(products.read_text().replace(OLD_SUMMARY, new_text))


def roller_summary(folder) -> str:
    return load_knowledge_folder(folder).product("foot_roller").summary


def test_a_snapshot_keeps_the_trained_texts_after_the_data_is_edited(tmp_path):
    project = knowledge_copy(tmp_path)
    model = tmp_path / "models" / "model-abc.tar.gz"
    model.parent.mkdir()
    assert existing_snapshot(model) is None
    folder = take_snapshot(project, model)
    assert folder == snapshot_folder(model) == tmp_path / "models" / "model-abc.knowledge"
    edit_roller_summary(project, "Rollers are our newest line")
    assert roller_summary(folder).startswith(OLD_SUMMARY)
    assert roller_summary(project / KNOWLEDGE_DIR).startswith("Rollers are our newest line")
    assert not list(model.parent.glob(".knowledge-*")), "no scratch folder left behind"


def test_a_long_running_process_reads_an_edited_file_on_its_next_call(tmp_path):
    project = knowledge_copy(tmp_path)
    folder = project / KNOWLEDGE_DIR
    assert roller_summary(folder).startswith(OLD_SUMMARY)
    assert load_knowledge_folder(folder) is load_knowledge_folder(folder), "parsed once"
    edit_roller_summary(project, "Rollers now come in two sizes")
    assert roller_summary(folder).startswith("Rollers now come in two sizes")


def test_taking_a_snapshot_again_replaces_it_whole(tmp_path):
    project = knowledge_copy(tmp_path)
    model = tmp_path / "model-abc.tar.gz"
    take_snapshot(project, model)
    edit_roller_summary(project, "Second edition of the roller text")
    take_snapshot(project, model)
    assert roller_summary(snapshot_folder(model)).startswith("Second edition")
