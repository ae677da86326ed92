"""The model registry: which trained models exist, how good they were, which is live.

One JSON file (``registry.json``) in the models directory, rewritten
atomically (temp file + rename) so a crash never leaves the supervisor reading
half a registry. Model files stay named ``model-<fingerprint>.tar.gz`` by
:mod:`bot.training`; the registry refers to them by file name.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Tuple

from bot.admin.server import load_into_server
from bot.file_stamp import Stamp, stamp
from bot.knowledge.loader import KNOWLEDGE_DIR
from bot.knowledge.snapshots import existing_snapshot
from bot.training import MODEL_PREFIX

REGISTRY_FILE = "registry.json"
FORMAT_VERSION = 1


class RegistryError(RuntimeError):
    """The registry is unreadable, or names a model it does not hold."""


@dataclass
class ModelEntry:
    file: str
    created: str
    fingerprint: str
    metrics: Optional[dict] = None
    active: bool = False
    note: str = ""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def fingerprint_of(file_name: str) -> str:
    stem = file_name[: -len(".tar.gz")] if file_name.endswith(".tar.gz") else file_name
    return stem[len(MODEL_PREFIX) :] if stem.startswith(MODEL_PREFIX) else stem


class Registry:
    """Entries of one models directory; call :meth:`save` to persist changes."""

    def __init__(self, models_dir: Path, entries: List[ModelEntry]):
        self.models_dir = Path(models_dir)
        self.entries = entries

    @classmethod
    def load(cls, models_dir: Path) -> Registry:
        path = Path(models_dir) / REGISTRY_FILE
        if not path.exists():
            return cls(models_dir, [])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = [ModelEntry(**entry) for entry in data["models"]]
        except (ValueError, KeyError, TypeError) as error:
            raise RegistryError(f"{path} is not a valid registry: {error}") from None
        return cls(models_dir, entries)

    def save(self) -> Path:
        self.models_dir.mkdir(parents=True, exist_ok=True)
        path = self.models_dir / REGISTRY_FILE
        body = {"version": FORMAT_VERSION, "models": [asdict(e) for e in self.entries]}
        fd, scratch = tempfile.mkstemp(dir=self.models_dir, prefix=".registry-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(scratch, path)
        return path

    def get(self, file_name: str) -> Optional[ModelEntry]:
        return next((e for e in self.entries if e.file == file_name), None)

    def active(self) -> Optional[ModelEntry]:
        return next((e for e in self.entries if e.active), None)

    def path(self, entry: ModelEntry) -> Path:
        return self.models_dir / entry.file

    def record(self, model: Path, metrics: Optional[dict] = None, note: str = "") -> ModelEntry:
        """Add ``model`` (or refresh its metrics if already listed); not activated."""
        entry = self.get(Path(model).name)
        if entry is None:
            entry = ModelEntry(Path(model).name, now(), fingerprint_of(Path(model).name))
            self.entries.append(entry)
        if metrics is not None:
            entry.metrics = metrics
        entry.note = note or entry.note
        return entry

    def model_file(self, file_name: str) -> Path:
        """The model file of that name in this folder; RegistryError if there is none."""
        path = self.models_dir / Path(file_name).name
        if not path.exists():
            raise RegistryError(f"no model file {path.name} in {self.models_dir}")
        return path

    def activate(self, file_name: str) -> ModelEntry:
        """Make ``file_name`` the one active model (registering it if it is in the folder)."""
        entry = self.record(self.model_file(file_name))
        for other in self.entries:
            other.active = other is entry
        return entry


def switch_active(settings, registry: Registry, file_name: str) -> Tuple[ModelEntry, str]:
    """Make ``file_name`` the active model: in the running server first, then in the registry.

    When the server refuses the model, :class:`~bot.admin.server.ServerReloadError`
    leaves the registry file as it was, so it never names a model that failed
    to load. With no server running, or no token to tell it, the registry
    changes and the next start uses the model. Returns the entry and a line
    for the admin.
    """
    said = load_into_server(settings, registry.model_file(file_name))
    entry = registry.activate(file_name)
    registry.save()
    return entry, said


def active_model(settings) -> Optional[Path]:
    """Absolute path of the active model, or None when no registry names an existing one.

    The supervisor starts Rasa on this model when it is not None, and falls
    back to ``bot.training.ensure_model`` otherwise.
    """
    registry = Registry.load(settings.models_dir)
    entry = registry.active()
    if entry is None:
        return None
    path = registry.path(entry).resolve()
    return path if path.exists() else None


def served_knowledge(settings) -> Path:
    """The knowledge folder of the model visitors are talking to.

    The active model's snapshot when the registry names one that has it;
    otherwise ``data/knowledge``, which the model ``bot run`` trained from the
    current data was built on. Called on every action, so the registry is
    re-read only when its file changed.
    """
    registry_file = Path(settings.models_dir) / REGISTRY_FILE
    snapshot = _active_snapshot(registry_file.parent, stamp(registry_file))
    return snapshot or Path(settings.project_dir) / KNOWLEDGE_DIR


@functools.lru_cache(maxsize=4)
def _active_snapshot(models_dir: Path, _stamp: Stamp) -> Optional[Path]:
    try:
        registry = Registry.load(models_dir)
    except RegistryError:
        return None
    entry = registry.active()
    return existing_snapshot(registry.path(entry)) if entry else None
