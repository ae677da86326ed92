"""Fixtures for the knowledge tests: the real knowledge base and a scratch copy."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest
import yaml
from knowledge_helpers import PROJECT_DIR

from bot.knowledge import Knowledge, read_knowledge


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return read_knowledge(PROJECT_DIR)


@pytest.fixture
def scratch_project(tmp_path: Path) -> Path:
    """A project folder holding a copy of data/knowledge that a test may break."""
    shutil.copytree(PROJECT_DIR / "data" / "knowledge", tmp_path / "data" / "knowledge")
    return tmp_path


@pytest.fixture
def edit_yaml(scratch_project: Path) -> Callable[[str, Callable[[dict], None]], None]:
    """Apply ``change`` to one YAML file of the scratch knowledge base."""

    def edit(name: str, change: Callable[[dict], None]) -> None:
        path = scratch_project / "data" / "knowledge" / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    return edit
