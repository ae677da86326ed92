"""Read and extend the NLU training data without disturbing it.

Labelling must leave every other byte of a hand-written YAML file (comments,
ordering, blank lines) as it was, so reviews show exactly one new line. We
therefore insert text lines instead of re-dumping the YAML. FAQ examples are
generated: they go into ``data/knowledge/topics.yml`` and the NLU file is
rebuilt by :mod:`bot.knowledge`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

NLU_DIR = Path("data") / "nlu"
TOPICS_FILE = Path("data") / "knowledge" / "topics.yml"
NEW_INTENTS_FILE = NLU_DIR / "labelled.yml"
RETRIEVAL_INTENT = "faq"
FALLBACK_INTENT = "nlu_fallback"
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def strip_entities(text: str) -> str:
    """``[foot roller](product)`` -> ``foot roller``: how a visitor would have typed it."""
    return _ENTITY.sub(r"\1", text)


def example_key(text: str) -> str:
    """The comparison key for "is this message already known": case, spaces, end punctuation."""
    text = re.sub(r"\s+", " ", strip_entities(text).casefold())
    return text.strip(" .!?,;:")


def _read_yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def nlu_files(project_dir: Path, under: Path = NLU_DIR) -> List[Path]:
    folder = Path(project_dir) / under
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml"))


def examples_by_intent(path: Path) -> Dict[str, List[str]]:
    """The examples of each intent block of one Rasa 3 NLU file."""
    data = _read_yaml(path)
    found: Dict[str, List[str]] = {}
    items = (data.get("nlu") or []) if isinstance(data, dict) else []
    for item in items:
        if isinstance(item, dict) and "intent" in item:
            lines = str(item.get("examples") or "").splitlines()
            texts = [line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")]
            found.setdefault(str(item["intent"]), []).extend(texts)
    return found


def read_examples(project_dir: Path, under: Path = NLU_DIR) -> List[Tuple[str, str]]:
    """(text, intent) pairs of every NLU file under ``under``, entity markup stripped."""
    pairs = []
    for path in nlu_files(project_dir, under):
        for intent, texts in examples_by_intent(path).items():
            pairs += [(strip_entities(text), intent) for text in texts]
    return pairs


def known_texts(project_dir: Path) -> Dict[str, str]:
    """Normalised training text -> intent, to hide what the model already learnt from."""
    return {example_key(text): intent for text, intent in read_examples(project_dir)}


def topic_ids(project_dir: Path) -> List[str]:
    data = _read_yaml(Path(project_dir) / TOPICS_FILE)
    return [str(t["id"]) for t in (data.get("topics") or []) if isinstance(t, dict) and "id" in t]


def known_intents(project_dir: Path) -> List[str]:
    """Labels an admin may use: domain intents plus ``faq/<topic>`` (not bare ``faq``)."""
    domain = _read_yaml(Path(project_dir) / "domain.yml")
    names = []
    for entry in domain.get("intents") or []:
        name = next(iter(entry)) if isinstance(entry, dict) else str(entry)
        if name != RETRIEVAL_INTENT:
            names.append(name)
    return names + [f"{RETRIEVAL_INTENT}/{topic}" for topic in topic_ids(project_dir)]


def file_for_intent(project_dir: Path, intent: str) -> Path:
    """The data/nlu file that already holds ``intent`` (so related examples stay together)."""
    for path in nlu_files(project_dir):
        if intent in examples_by_intent(path):
            return path
    return Path(project_dir) / NEW_INTENTS_FILE


def append_example(project_dir: Path, intent: str, text: str) -> Path:
    """Add one example for ``intent``; returns the file a reviewer should look at."""
    if intent.startswith(RETRIEVAL_INTENT + "/"):
        return _append_faq_example(Path(project_dir), intent.split("/", 1)[1], text)
    path = file_for_intent(project_dir, intent)
    if not path.exists():
        path.write_text('version: "3.1"\n\nnlu:\n', encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(insert_nlu_example(lines, intent, text)), encoding="utf-8")
    return path


def _append_faq_example(project_dir: Path, topic: str, text: str) -> Path:
    from bot.knowledge import write_training_data

    path = project_dir / TOPICS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(insert_topic_example(lines, topic, text)), encoding="utf-8")
    write_training_data(project_dir)
    return path


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: List[str], start: int, parent_indent: int) -> int:
    """Index of the last non-blank line indented deeper than ``parent_indent`` after ``start``."""
    last = start
    for index in range(start + 1, len(lines)):
        if not lines[index].strip():
            continue
        if _indent(lines[index]) <= parent_indent:
            break
        last = index
    return last


def _insert_after(lines: List[str], index: int, new_line: str) -> List[str]:
    lines = list(lines)
    if not lines[index].endswith("\n"):
        lines[index] += "\n"
    return lines[: index + 1] + [new_line] + lines[index + 1 :]


def _find(lines: Iterable[str], pattern: str, start: int = 0) -> int:
    regex = re.compile(pattern)
    for index, line in enumerate(lines):
        if index >= start and regex.match(line):
            return index
    return -1


def insert_nlu_example(lines: List[str], intent: str, text: str) -> List[str]:
    """Insert ``- text`` at the end of the ``examples: |`` block of ``intent``."""
    head = _find(lines, rf"^\s*- intent:\s*[\"']?{re.escape(intent)}[\"']?\s*$")
    if head < 0:
        block = f"\n  - intent: {intent}\n    examples: |\n      - {text}\n"
        return _insert_after(lines, len(lines) - 1, block) if lines else [block]
    key = _find(lines, r"^\s*examples:\s*\|", head + 1)
    last = _block_end(lines, key, _indent(lines[key]))
    indent = _indent(lines[last]) if last > key else _indent(lines[key]) + 2
    return _insert_after(lines, last, " " * indent + f"- {text}\n")


def insert_topic_example(lines: List[str], topic: str, text: str) -> List[str]:
    """Append ``text`` to the ``examples`` list of the topic with ``id: topic``."""
    head = _find(lines, rf"^\s*- id:\s*[\"']?{re.escape(topic)}[\"']?\s*$")
    if head < 0:
        raise KeyError(f"no topic {topic!r} in {TOPICS_FILE}")
    topic_end = _block_end(lines, head, _indent(lines[head]))
    key = _find(lines[: topic_end + 1], r"^\s*examples:\s*$", head + 1)
    if key < 0:
        raise KeyError(f"topic {topic!r} has no examples list in {TOPICS_FILE}")
    last = key
    for index in range(key + 1, topic_end + 1):
        stripped = lines[index].strip()
        if (
            stripped
            and not stripped.startswith("- ")
            and _indent(lines[index]) <= _indent(lines[key])
        ):
            break
        if stripped.startswith("- "):
            last = index
    indent = _indent(lines[last]) if last > key else _indent(lines[key]) + 2
    return _insert_after(lines, last, " " * indent + f"- {yaml_scalar(text)}\n")


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML list item value: plain when that reads back unchanged, else quoted."""
    try:
        if yaml.safe_load(f"- {text}") == [text]:
            return text
    except yaml.YAMLError:
        pass
    return json.dumps(text, ensure_ascii=False)
