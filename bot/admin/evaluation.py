"""Evaluate a model on the held-out NLU set: intent F1 and FAQ answer accuracy.

The gate needs numbers it can compare between two models, so we parse every
held-out example with the model (``Agent.parse_message``, in-process, no
server) and compute the metrics ourselves: intent-level F1 (``faq/*`` counted
as ``faq``) and, per FAQ topic, how often the ResponseSelector picked the
right answer (what the visitor actually sees).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from bot.admin.examples import RETRIEVAL_INTENT, nlu_files, read_examples
from bot.admin.inbox import predicted_label

HOLDOUT_DIR = Path("tests") / "nlu_holdout"


@dataclass
class Metrics:
    """Held-out results of one model; ``summary()`` is what the registry keeps."""

    intent_macro_f1: float
    intent_f1: Dict[str, float]
    support: Dict[str, int]
    answer_accuracy: Optional[float]
    answer_accuracy_by_topic: Dict[str, float]
    examples: int
    holdout_fingerprint: str
    labels: List[str] = field(default_factory=list)
    confusion: List[List[int]] = field(default_factory=list)
    errors: List[dict] = field(default_factory=list)
    story_accuracy: Optional[float] = None

    def summary(self) -> dict:
        data = asdict(self)
        for bulky in ("labels", "confusion", "errors"):
            data.pop(bulky)
        return data

    @classmethod
    def from_summary(cls, data: dict) -> Metrics:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class EvaluationError(RuntimeError):
    """There is nothing to evaluate on, or the model cannot be loaded."""


def intent_of(label: str) -> str:
    return label.split("/", 1)[0]


def holdout(project_dir: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs of ``tests/nlu_holdout``; raises if there are none."""
    pairs = read_examples(project_dir, HOLDOUT_DIR)
    if not pairs:
        raise EvaluationError(f"no held-out examples under {Path(project_dir) / HOLDOUT_DIR}")
    return pairs


def holdout_fingerprint(project_dir: Path) -> str:
    """Changes when the test set changes: old metrics are then not comparable."""
    digest = hashlib.sha256()
    for path in nlu_files(project_dir, HOLDOUT_DIR):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def score(pairs: List[Tuple[str, str]], fingerprint: str = "") -> Metrics:
    """Metrics from (true label, predicted label) pairs; labels may be ``faq/<topic>``."""
    from sklearn.metrics import confusion_matrix, f1_score

    truth = [intent_of(t) for t, _ in pairs]
    guess = [intent_of(p) for _, p in pairs]
    labels = sorted(set(truth))
    per_intent = f1_score(truth, guess, labels=labels, average=None, zero_division=0)
    matrix_labels = sorted(set(truth) | set(guess))
    topics = _answer_accuracy(pairs)
    faq_hits = [t == p for t, p in pairs if t.startswith(RETRIEVAL_INTENT + "/")]
    return Metrics(
        intent_macro_f1=round(float(per_intent.mean()), 4),
        intent_f1={label: round(float(f), 4) for label, f in zip(labels, per_intent)},
        support={label: truth.count(label) for label in labels},
        answer_accuracy=round(sum(faq_hits) / len(faq_hits), 4) if faq_hits else None,
        answer_accuracy_by_topic=topics,
        examples=len(pairs),
        holdout_fingerprint=fingerprint,
        labels=matrix_labels,
        confusion=confusion_matrix(truth, guess, labels=matrix_labels).tolist(),
    )


def _answer_accuracy(pairs: List[Tuple[str, str]]) -> Dict[str, float]:
    hits: Dict[str, List[bool]] = {}
    for true, predicted in pairs:
        if true.startswith(RETRIEVAL_INTENT + "/"):
            hits.setdefault(true, []).append(true == predicted)
    return {topic: round(sum(h) / len(h), 4) for topic, h in sorted(hits.items())}


def _quiet_rasa() -> None:
    """Rasa logs every parse at debug level; an evaluation of 100 texts should not."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    logging.getLogger("rasa").setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)


async def _predict(model_path: Path, texts: List[str]) -> List[str]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _quiet_rasa()
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    if not agent.is_ready():
        raise EvaluationError(f"could not load the model {model_path}")
    predictions = []
    for text in texts:
        parse = await agent.parse_message(text)
        predictions.append(predicted_label(parse) or "?")
    return predictions


def predict(model_path: Path, texts: List[str]) -> List[str]:
    """Labels (``faq/<topic>`` resolved) that ``model_path`` gives ``texts``."""
    return asyncio.run(_predict(Path(model_path), list(texts)))


def evaluate(
    model_path: Path, project_dir: Path, log: Callable[[str], None] = lambda _: None
) -> Metrics:
    """Parse the held-out set with ``model_path`` and score the predictions."""
    pairs = holdout(project_dir)
    log(f"Evaluating {Path(model_path).name} on {len(pairs)} held-out examples...")
    predictions = predict(model_path, [text for text, _ in pairs])
    metrics = score(
        [(t, p) for (_, t), p in zip(pairs, predictions)], holdout_fingerprint(project_dir)
    )
    metrics.errors = [
        {"text": text, "expected": true, "predicted": guess}
        for (text, true), guess in zip(pairs, predictions)
        if true != guess
    ]
    return metrics


def format_metrics(metrics: Metrics) -> str:
    """The figures ``bot eval`` prints: macro-F1, per-intent F1, answer accuracy per topic."""
    lines = [f"Intent macro-F1: {metrics.intent_macro_f1:.3f} on {metrics.examples} examples"]
    if metrics.answer_accuracy is not None:
        lines.append(f"FAQ answer accuracy: {metrics.answer_accuracy:.3f}")
    if metrics.story_accuracy is not None:
        lines.append(f"Test stories (conversation accuracy): {metrics.story_accuracy:.3f}")
    lines.append("\nPer intent:            F1   support")
    lines += [
        f"  {name:<20} {f1:5.2f} {metrics.support.get(name, 0):>6}"
        for name, f1 in metrics.intent_f1.items()
    ]
    if metrics.answer_accuracy_by_topic:
        lines.append("\nAnswer accuracy per FAQ topic:")
        lines += [f"  {k:<32} {v:5.2f}" for k, v in metrics.answer_accuracy_by_topic.items()]
    return "\n".join(lines)
