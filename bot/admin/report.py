"""Write a training report an admin can open: markdown, confusion matrix, raw metrics.

Each run of ``bot admin train`` gets its own ``reports/<timestamp>/`` folder so
a refused model can be compared with the one that was kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

from bot.admin.evaluation import Metrics
from bot.admin.gate import Decision


def plot_confusion(metrics: Metrics, path: Path) -> Path:
    """A confusion-matrix PNG (rows: expected intent, columns: predicted)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    size = max(6.0, 0.45 * len(metrics.labels) + 3)
    figure, axes = plt.subplots(figsize=(size, size))
    axes.imshow(metrics.confusion, cmap="Blues")
    ticks = range(len(metrics.labels))
    axes.set_xticks(list(ticks), metrics.labels, rotation=90)
    axes.set_yticks(list(ticks), metrics.labels)
    for row, counts in enumerate(metrics.confusion):
        for col, count in enumerate(counts):
            if count:
                axes.text(col, row, str(count), ha="center", va="center", fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("expected")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _intent_table(new: Metrics, old: Optional[dict]) -> List[str]:
    old_f1 = (old or {}).get("intent_f1", {})
    lines = ["| intent | support | F1 | active model F1 |", "|---|---:|---:|---:|"]
    for name, f1 in new.intent_f1.items():
        before = f"{old_f1[name]:.3f}" if name in old_f1 else "-"
        lines.append(f"| {name} | {new.support.get(name, 0)} | {f1:.3f} | {before} |")
    return lines


def _answer_table(new: Metrics, old: Optional[dict]) -> List[str]:
    if not new.answer_accuracy_by_topic:
        return []
    old_acc = (old or {}).get("answer_accuracy_by_topic", {})
    lines = [
        "",
        "## FAQ answer accuracy",
        "",
        "| topic | accuracy | active model |",
        "|---|---:|---:|",
    ]
    for topic, acc in new.answer_accuracy_by_topic.items():
        before = f"{old_acc[topic]:.3f}" if topic in old_acc else "-"
        lines.append(f"| {topic} | {acc:.3f} | {before} |")
    return lines


def write_report(
    folder: Path, model: Path, new: Metrics, old: Optional[dict], decision: Decision, verdict: str
) -> Path:
    """Write ``report.md``, ``confusion.png`` and ``metrics.json``; returns the markdown path."""
    folder.mkdir(parents=True, exist_ok=True)
    plot_confusion(new, folder / "confusion.png")
    (folder / "metrics.json").write_text(
        json.dumps({"new": {**new.summary(), "errors": new.errors}, "active": old}, indent=2) + "\n"
    )
    lines = [f"# Training report: {model.name}", "", f"**{verdict}**", ""]
    lines += [f"- {reason}" for reason in decision.reasons]
    lines += ["", f"Intent macro-F1: {new.intent_macro_f1:.3f}"]
    if old:
        lines.append(f"Active model macro-F1: {old['intent_macro_f1']:.3f}")
    if new.answer_accuracy is not None:
        lines.append(f"FAQ answer accuracy: {new.answer_accuracy:.3f}")
    if new.story_accuracy is not None:
        lines.append(f"Test-story conversation accuracy: {new.story_accuracy:.3f}")
    lines += ["", "## Per intent", ""] + _intent_table(new, old) + _answer_table(new, old)
    lines += ["", "## Misclassified held-out examples", ""]
    lines += [
        f"- {e['text']!r}: expected {e['expected']}, got {e['predicted']}" for e in new.errors
    ]
    lines += ["", "![confusion matrix](confusion.png)", ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
