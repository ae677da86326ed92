"""Each trained model keeps the knowledge base it was trained with.

The model answers FAQ questions from responses baked into it, while the
action server answers product, safety and hand-off questions from
``data/knowledge``. Reading the live folder would let an edit that the
training gate refused reach visitors anyway, and a rollback would keep the new
texts. So training copies ``data/knowledge`` beside the model file
(``model-<fingerprint>.knowledge/``), and the action server reads the copy of
the model being served.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Optional

from bot.knowledge.loader import KNOWLEDGE_DIR

SUFFIX = ".knowledge"


def snapshot_folder(model: Path) -> Path:
    """Where the knowledge of ``model`` (``…/model-<fingerprint>.tar.gz``) is kept."""
    model = Path(model)
    stem = model.name[: -len(".tar.gz")] if model.name.endswith(".tar.gz") else model.stem
    return model.with_name(stem + SUFFIX)


def take_snapshot(project_dir: Path, model: Path) -> Path:
    """Copy the project's knowledge files beside ``model``, whole or not at all."""
    target = snapshot_folder(model)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".knowledge-"))
    try:
        for source in sorted((Path(project_dir) / KNOWLEDGE_DIR).glob("*.yml")):
            shutil.copy2(source, scratch / source.name)
        if target.exists():
            shutil.rmtree(target)
        scratch.rename(target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return target


def existing_snapshot(model: Optional[Path]) -> Optional[Path]:
    """The snapshot folder of ``model`` when it was taken, else None (older models)."""
    if model is None:
        return None
    folder = snapshot_folder(model)
    return folder if folder.is_dir() else None
