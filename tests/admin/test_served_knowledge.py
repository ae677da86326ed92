"""The action server answers from the knowledge of the model visitors are talking to."""

from __future__ import annotations

from bot.admin.registry import Registry, served_knowledge
from bot.cli import main
from bot.knowledge import load_knowledge_folder
from bot.knowledge.loader import KNOWLEDGE_DIR
from bot.knowledge.snapshots import take_snapshot
from bot.training import model_path
from tests.admin.conftest import use_project

OLD_SUMMARY = "Foot rollers sit at the simple, entry-level end of our range"


def roller(settings) -> str:
    return load_knowledge_folder(served_knowledge(settings)).product("foot_roller").summary


def trained(settings, name: str):
    """A model file with the project's knowledge as it is now, as training leaves it."""
    model = settings.models_dir / name
    model.parent.mkdir(exist_ok=True)
    model.write_bytes(b"x")
    take_snapshot(settings.project_dir, model)
    return model


def edit_roller(settings, text: str) -> None:
    products = settings.project_dir / KNOWLEDGE_DIR / "products.yml"
    products.write_text(products.read_text().replace(OLD_SUMMARY, text))


def test_promoting_and_rolling_back_switch_the_answers(project, monkeypatch):
    settings = use_project(monkeypatch, project)
    assert served_knowledge(settings) == project / KNOWLEDGE_DIR, "no registry: the data"
    trained(settings, "model-old.tar.gz")
    edit_roller(settings, "Rollers, now in a travel size")
    trained(settings, "model-new.tar.gz")
    registry = Registry.load(settings.models_dir)
    registry.activate("model-old.tar.gz")
    registry.save()
    assert roller(settings).startswith(OLD_SUMMARY), "the active model's texts, not the edit"
    registry.activate("model-new.tar.gz")
    registry.save()
    assert roller(settings).startswith("Rollers, now in a travel size")
    registry.activate("model-old.tar.gz")
    registry.save()
    assert roller(settings).startswith(OLD_SUMMARY), "a rollback brings the old texts back"


def test_models_lists_the_model_being_served_before_any_promotion(project, monkeypatch, capsys):
    settings = use_project(monkeypatch, project)
    assert main(["admin", "models"]) == 0
    assert "No trained models" in capsys.readouterr().out
    current = model_path(settings.project_dir, settings.models_dir)
    trained(settings, current.name)
    assert main(["admin", "models"]) == 0
    out = capsys.readouterr().out
    assert f"{current.name}  (trained from the current data, not registered)" in out
    assert f"Served: {current.name}" in out
    trained(settings, "model-other.tar.gz")
    assert main(["admin", "activate", "model-other"]) == 0
    capsys.readouterr()
    assert main(["admin", "models"]) == 0
    assert "* served: model-other.tar.gz (active" in capsys.readouterr().out
