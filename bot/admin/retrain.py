"""``bot admin train``: validate, train, evaluate, and promote only if not worse.

Labels written by an admin go live only through this gate. The active model's
metrics are kept in the registry; when the held-out set has changed since
they were measured, the active model is re-evaluated so both sides are scored
on the same examples.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Optional

from bot.admin.evaluation import Metrics, evaluate, holdout_fingerprint
from bot.admin.gate import Decision, Tolerance, compare
from bot.admin.registry import ModelEntry, Registry, switch_active
from bot.admin.report import write_report
from bot.admin.server import ServerReloadError
from bot.training import ensure_model, rasa_environment

STORIES_DIR = Path("tests") / "stories"
Log = Callable[[str], None]


class AdminTrainingError(RuntimeError):
    """Validation or a test run failed; the message carries Rasa's output."""


@dataclass
class Outcome:
    model: Path
    metrics: Metrics
    decision: Decision
    promoted: bool
    report: Path


@contextmanager
def heartbeat(log: Log, what: str, every: float = 30.0) -> Iterator[None]:
    """Print "still <what>" lines so a long step does not look hung."""
    done, start = threading.Event(), time.monotonic()

    def beat() -> None:
        while not done.wait(every):
            log(f"  ... still {what} ({time.monotonic() - start:.0f}s)")

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _rasa(project_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args], cwd=project_dir, env=rasa_environment(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def validate(project_dir: Path) -> None:
    """``rasa data validate``: catch broken YAML or unknown intents before a long training."""
    result = _rasa(project_dir, "data", "validate", "--data", "data", "--domain", "domain.yml",
                   "--config", "config.yml")  # fmt: skip
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-25:])
        raise AdminTrainingError(f"rasa data validate failed:\n{tail}")


def story_accuracy(project_dir: Path, model: Path, out: Path) -> Optional[float]:
    """Conversation accuracy of ``rasa test core`` on tests/stories, or None if none exist."""
    stories = project_dir / STORIES_DIR
    if not stories.is_dir() or not any(stories.rglob("*.yml")):
        return None
    result = _rasa(project_dir, "test", "core", "--model", str(model), "--stories",
                   str(STORIES_DIR), "--out", str(out))  # fmt: skip
    report = out / "story_report.json"
    if result.returncode != 0 or not report.exists():
        tail = "\n".join(result.stdout.splitlines()[-25:])
        raise AdminTrainingError(f"rasa test core failed:\n{tail}")
    accuracy = json.loads(report.read_text()).get("conversation_accuracy", {})
    return float(accuracy.get("accuracy", 1.0))


def measure(project_dir: Path, model: Path, folder: Path, log: Log) -> Metrics:
    """Held-out NLU metrics plus test-story accuracy of one model."""
    with heartbeat(log, "evaluating"):
        metrics = evaluate(model, project_dir, log)
        metrics.story_accuracy = story_accuracy(project_dir, model, folder / model.stem)
    return metrics


def baseline(registry: Registry, project_dir: Path, folder: Path, log: Log) -> Optional[dict]:
    """The active model's metrics on today's held-out set (re-measured if stale)."""
    active = registry.active()
    if active is None or not registry.path(active).exists():
        return None
    stale = (active.metrics or {}).get("holdout_fingerprint") != holdout_fingerprint(project_dir)
    if stale:
        log(f"Re-evaluating the active model {active.file} (no comparable metrics stored)...")
        active.metrics = measure(project_dir, registry.path(active), folder, log).summary()
        registry.save()
    return active.metrics


def run(
    settings,
    force: bool = False,
    tolerance: Optional[Tolerance] = None,
    log: Log = print,
) -> Outcome:
    """The whole gated training; promotes and hot-loads the model when it passes."""
    project_dir, models_dir = settings.project_dir, settings.models_dir
    folder = project_dir / "reports" / datetime.now().strftime("%Y%m%d-%H%M%S")
    log("[1/5] Validating the training data (rasa data validate)...")
    validate(project_dir)
    log("[2/5] Training (skipped when a model of this exact data exists)...")
    with heartbeat(log, "training"):
        model = ensure_model(project_dir, models_dir, log=log)
    log("[3/5] Evaluating the new model on the held-out set...")
    metrics = measure(project_dir, model, folder, log)
    log(f"  intent macro-F1 {metrics.intent_macro_f1:.3f}, FAQ answer accuracy "
        f"{metrics.answer_accuracy if metrics.answer_accuracy is not None else '-'}")  # fmt: skip
    log("[4/5] Comparing with the active model...")
    registry = Registry.load(models_dir)
    old = baseline(registry, project_dir, folder, log)
    decision = compare(metrics.summary(), old, tolerance or Tolerance())
    promoted = decision.promote or force
    verdict = _verdict(decision, force, old)
    entry = registry.record(model, metrics.summary(), note=verdict)
    registry.save()
    report = write_report(folder, model, metrics, old, decision, verdict)
    log(
        f"[5/5] {verdict}\n" + "".join(f"  - {r}\n" for r in decision.reasons) + f"Report: {report}"
    )
    if promoted:
        _promote(settings, registry, entry, log)
    return Outcome(model, metrics, decision, promoted, report)


def _promote(settings, registry: Registry, entry: ModelEntry, log: Log) -> None:
    """Activate a model that passed the gate; if the server refuses it, the registry says so."""
    try:
        _, said = switch_active(settings, registry, entry.file)
    except ServerReloadError as error:
        entry.note = f"{entry.note} Not activated: the running server did not load it ({error})."
        registry.save()
        raise
    log(said)


def _verdict(decision: Decision, force: bool, old: Optional[dict]) -> str:
    if old is None:
        return "Promoted: there was no active model to compare with."
    if decision.promote:
        return "Promoted: not worse than the active model within tolerance."
    if force:
        return "Promoted with --force although worse than the active model."
    return "Not promoted: the active model stays, because the new one is worse."
