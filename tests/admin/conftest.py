"""Fixtures for the admin loop: a private copy of the project and settings pointing at it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, load_settings
from tests.support.servers import free_port

PROJECT_PARTS = ("config.yml", "domain.yml", "data", "tests/nlu_holdout")


def copy_project(target: Path, source: Path = PROJECT_ROOT) -> Path:
    """Copy what training and evaluation read, so tests may label and train freely."""
    for part in PROJECT_PARTS:
        origin, destination = source / part, target / part
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination)
        else:
            shutil.copy2(origin, destination)
    return target


def admin_environment(project: Path, tracker_url: str = "") -> dict:
    """Environment for ``bot`` commands on ``project``; no Rasa server listens on its port."""
    return {
        "BOT_PROJECT_DIR": str(project),
        "MODELS_DIR": str(project / "models"),
        "TRACKER_STORE_URL": tracker_url or f"sqlite:///{project / 'tracker.db'}",
        "DATABASE_URL": f"sqlite:///{project / 'leads.db'}",
        "RASA_PORT": str(free_port()),
        "RASA_TOKEN": "",
    }


def use_project(monkeypatch, project: Path, tracker_url: str = ""):
    """Point ``load_settings()`` (and so ``bot.cli.main``) at ``project``."""
    env = admin_environment(project, tracker_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("dotenv.load_dotenv", lambda *a, **k: False)
    return load_settings(env)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")
