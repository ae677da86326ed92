"""Read ``data/knowledge/*.yml`` into validated :class:`Knowledge` records.

Loading is lazy and cached per folder: nothing is read at import time (the
action server imports every module on start-up), and a conversation never
pays for parsing YAML twice. The cache is keyed on the files' stamps, so a
long-running action server picks up an edited or newly promoted knowledge
base on its next request, without a restart.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, Dict, List, Set, Tuple

import yaml

from bot.file_stamp import folder_stamp
from bot.knowledge.model import (
    SETTINGS,
    Knowledge,
    KnowledgeDataError,
    Product,
    SafetyTexts,
    Topic,
)

KNOWLEDGE_DIR = Path("data") / "knowledge"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TEMPLATE_CHARS = re.compile(r"[{}]")


def load_knowledge(project_dir: Path) -> Knowledge:
    """The knowledge base of ``project_dir``, read once per edit and then cached."""
    return load_knowledge_folder(Path(project_dir) / KNOWLEDGE_DIR)


def load_knowledge_folder(folder: Path) -> Knowledge:
    """The knowledge base kept in ``folder`` (``data/knowledge`` or a model's snapshot)."""
    folder = Path(folder).resolve()
    return _cached(folder, folder_stamp(folder))


def clear_cache() -> None:
    """Forget cached knowledge (tests that rewrite files within one clock tick)."""
    _cached.cache_clear()


@functools.lru_cache(maxsize=8)
def _cached(folder: Path, _stamp: tuple) -> Knowledge:
    return read_knowledge_folder(folder)


def read_knowledge(project_dir: Path) -> Knowledge:
    """Read and validate the knowledge base without the cache (used by the generator)."""
    return read_knowledge_folder(Path(project_dir) / KNOWLEDGE_DIR)


def read_knowledge_folder(folder: Path) -> Knowledge:
    folder = Path(folder)
    sections = _sections(_read(folder / "sections.yml"))
    products = _products(_read(folder / "products.yml"), set(sections))
    topics = _topics(_read(folder / "topics.yml"), set(sections))
    safety = _safety(_read(folder / "safety.yml"), set(sections))
    return Knowledge(sections=sections, products=products, topics=topics, safety=safety)


class _Fields:
    """Typed access to one YAML mapping, with errors naming file and record."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise KnowledgeDataError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data = data
        self.where = where

    def fail(self, field: str, problem: str) -> KnowledgeDataError:
        return KnowledgeDataError(f"{self.where}: field {field!r} {problem}")

    def text(self, field: str) -> str:
        value = self.data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a non-empty string")
        if _TEMPLATE_CHARS.search(value):
            raise self.fail(field, "must not contain { or } (Rasa slot placeholders)")
        return " ".join(value.split())

    def texts(self, field: str, allow_single: bool = False) -> Tuple[str, ...]:
        value = self.data.get(field)
        if allow_single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.fail(field, "must be a non-empty list of strings")
        return tuple(_Fields({field: item}, self.where).text(field) for item in value)

    def flag(self, field: str) -> bool:
        value = self.data.get(field, False)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def ident(self, field: str = "id") -> str:
        value = self.text(field)
        if not _ID.match(value):
            raise self.fail(field, f"must be snake_case, got {value!r}")
        return value

    def section(self, known: Set[str]) -> str:
        value = self.text("section")
        if value not in known:
            raise self.fail("section", f"names no section listed in sections.yml: {value!r}")
        return value


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise KnowledgeDataError(f"{path}: file not found") from None
    except yaml.YAMLError as error:
        raise KnowledgeDataError(f"{path}: invalid YAML: {error}") from None


def _records(data: Any, file: str, key: str) -> List[_Fields]:
    items = _Fields(data, file).data.get(key)
    if not isinstance(items, list) or not items:
        raise KnowledgeDataError(f"{file}: field {key!r} must be a non-empty list")
    return [_Fields(item, f"{file}: {key}[{index}]") for index, item in enumerate(items)]


def _unique(values: List[str], file: str, what: str) -> None:
    seen: Set[str] = set()
    for value in values:
        if value in seen:
            raise KnowledgeDataError(f"{file}: duplicate {what}: {value!r}")
        seen.add(value)


def _sections(data: Any) -> Tuple[str, ...]:
    sections = _Fields(data, "sections.yml").texts("sections")
    _unique(list(sections), "sections.yml", "section")
    return sections


def _products(data: Any, sections: Set[str]) -> Tuple[Product, ...]:
    products = tuple(
        _product(fields, sections) for fields in _records(data, "products.yml", "products")
    )
    _unique([p.id for p in products], "products.yml", "id")
    _unique([a for p in products for a in p.aliases], "products.yml", "alias")
    return products


def _product(fields: _Fields, sections: Set[str]) -> Product:
    suits = fields.texts("suits")
    for setting in suits:
        if setting not in SETTINGS:
            raise fields.fail("suits", f"must only contain {SETTINGS}, got {setting!r}")
    return Product(
        id=fields.ident(),
        name=fields.text("name"),
        aliases=tuple(alias.lower() for alias in fields.texts("aliases")),
        cues=tuple(cue.lower() for cue in fields.texts("cues")),
        summary=fields.text("summary"),
        details=fields.text("details"),
        suits=suits,
        section=fields.section(sections),
        health=fields.flag("health"),
    )


def _topics(data: Any, sections: Set[str]) -> Tuple[Topic, ...]:
    topics = tuple(
        Topic(
            id=fields.ident(),
            section=fields.section(sections),
            answers=fields.texts("answer", allow_single=True),
            more=fields.text("more"),
            health=fields.flag("health"),
            examples=fields.texts("examples"),
        )
        for fields in _records(data, "topics.yml", "topics")
    )
    _unique([t.id for t in topics], "topics.yml", "id")
    _unique([e.lower() for t in topics for e in t.examples], "topics.yml", "example")
    return topics


def _safety(data: Any, sections: Set[str]) -> SafetyTexts:
    fields = _Fields(data, "safety.yml")
    unanswerable = _Fields(fields.data.get("unanswerable"), "safety.yml: unanswerable")
    texts: Dict[str, str] = {key: unanswerable.text(key) for key in unanswerable.data}
    if "default" not in texts:
        raise fields.fail("unanswerable", "must have a 'default' text")
    return SafetyTexts(
        caution=fields.text("caution"),
        crisis=fields.texts("crisis", allow_single=True),
        medication=fields.texts("medication", allow_single=True),
        cure_claim=fields.texts("cure_claim", allow_single=True),
        unanswerable=MappingProxyType(texts),
        section=fields.section(sections),
    )
