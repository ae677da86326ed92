"""Decide whether a newly trained model may replace the active one.

A label set can make one intent much worse while the average barely moves, so
we compare overall figures with a tight tolerance and every intent (and FAQ
answer) with a looser one. Only drops count; improvements never block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

DEFAULT_OVERALL_TOLERANCE = 0.02
DEFAULT_INTENT_TOLERANCE = 0.10


@dataclass(frozen=True)
class Tolerance:
    overall: float = DEFAULT_OVERALL_TOLERANCE
    per_intent: float = DEFAULT_INTENT_TOLERANCE


@dataclass
class Decision:
    """``promote`` and, when refused, the reasons in words an admin can act on."""

    promote: bool
    reasons: List[str] = field(default_factory=list)


def _drop(name: str, new: Optional[float], old: Optional[float], limit: float) -> List[str]:
    if new is None or old is None or old - new <= limit + 1e-9:
        return []
    return [f"{name} fell from {old:.3f} to {new:.3f} (tolerance {limit:.2f})"]


def _drops(what: str, new: Dict[str, float], old: Dict[str, float], limit: float) -> List[str]:
    reasons: List[str] = []
    for name in sorted(old):
        reasons += _drop(f"{what} {name}", new.get(name), old[name], limit)
    return reasons


def compare(new: dict, old: Optional[dict], tolerance: Optional[Tolerance] = None) -> Decision:
    """Compare two metric summaries (see ``Metrics.summary``); no old model -> promote."""
    if not old:
        return Decision(True)
    tolerance = tolerance or Tolerance()
    reasons = _drop(
        "intent macro-F1", new["intent_macro_f1"], old["intent_macro_f1"], tolerance.overall
    )
    reasons += _drop(
        "FAQ answer accuracy",
        new.get("answer_accuracy"),
        old.get("answer_accuracy"),
        tolerance.overall,
    )
    reasons += _drop(
        "test-story accuracy",
        new.get("story_accuracy"),
        old.get("story_accuracy"),
        tolerance.overall,
    )
    reasons += _drops("F1 of", new["intent_f1"], old.get("intent_f1", {}), tolerance.per_intent)
    reasons += _drops(
        "answer accuracy of",
        new.get("answer_accuracy_by_topic", {}),
        old.get("answer_accuracy_by_topic", {}),
        tolerance.per_intent,
    )
    return Decision(not reasons, reasons)
