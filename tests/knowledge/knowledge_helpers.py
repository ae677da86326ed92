"""Helpers shared by the knowledge tests (a unique name, so no clash with other test folders)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
_ANNOTATION = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def nlu_examples(path: Path) -> Dict[str, List[str]]:
    """Intent name -> raw example lines (with annotations) of a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: Dict[str, List[str]] = {}
    for block in data.get("nlu", []):
        if "intent" in block:
            lines = [line[2:].strip() for line in block["examples"].splitlines() if line.strip()]
            found.setdefault(block["intent"], []).extend(lines)
    return found


def plain(example: str) -> str:
    """An annotated example as the visitor typed it."""
    return _ANNOTATION.sub(r"\1", example)


def annotations(example: str) -> List[tuple]:
    """(text, entity) pairs annotated in an example."""
    return _ANNOTATION.findall(example)
