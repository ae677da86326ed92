"""Training and models, for admins: start the gated training and read its report, and
activate a model or roll back to an earlier one.

They change what every visitor talks to, so they are for admins only, and go
through the same gate (``bot admin train``) and registry as the command line.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.admin.labels import LABEL_LOG
from bot.admin.registry import ModelEntry, Registry, RegistryError, switch_active
from bot.admin.server import ServerReloadError
from bot.config import Settings
from bot.training import model_path
from bot.workspace import training_job
from bot.workspace.auth import page, workspace_of
from bot.workspace.templating import flash, render

LOG_TAIL_LINES = 40
REPORT_CHARS = 100_000  # a report is a few kB; a page never carries megabytes
# The gate's verdict (after "[5/5] ") and train_handler's reasons for stopping.
VERDICT = re.compile(
    r"^(?:\[5/5\] )?((?:Promoted|Not promoted|Training stopped|Passed the gate).*)"
)
METRICS = (("intent_macro_f1", "Intent macro-F1"), ("answer_accuracy", "Answer accuracy"),
           ("story_accuracy", "Story accuracy"))  # fmt: skip


def _settings(request: Request) -> Settings:
    return workspace_of(request).settings


@page(role="admin")
def training_page(request: Request) -> Response:
    return _training(request)


@page(role="admin")
def start_training(request: Request) -> Response:
    try:
        training_job.start(_settings(request), request.state.account["username"])
    except training_job.TrainingRunning as error:
        return _training(request, 409, error=str(error))
    return RedirectResponse("/admin/training", status_code=303)


def _training(request: Request, status: int = 200, **alerts) -> Response:
    """The running training's log tail, else the last one's verdict and report."""
    settings = _settings(request)
    job = training_job.current(settings)
    log = _read(Path(job.log)) if job else ""
    running = job is not None and job.running
    return render(
        request, "training.html", status, job=job, running=running,
        tail="\n".join(log.splitlines()[-LOG_TAIL_LINES:]) if running else "",
        verdict=[] if running else _verdict(log),
        report=None if running else _report(settings, log),
        labelled_since=_labelled_since(settings.project_dir, job.started_at if job else None),
        **alerts,
    )  # fmt: skip


def _read(path: Path, limit: Optional[int] = None) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(limit)
    except OSError:
        return ""


def _verdict(log: str) -> List[str]:
    """The gate's decision and its reasons (``  - ...``), or why training stopped."""
    lines, keep = [], False
    for line in log.splitlines():
        found = VERDICT.match(line)
        if found:
            lines.append(found.group(1))
            keep = True
        elif keep and line.startswith("  - "):
            lines.append(line.strip())
        else:
            keep = False
    return lines


def _report(settings: Settings, log: str) -> Optional[str]:
    """The report the log names, if it lies in the project's reports folder; a log line
    is not trusted to point the page at any other file."""
    named = [line[len("Report: ") :].strip() for line in log.splitlines()
             if line.startswith("Report: ")]  # fmt: skip
    if not named:
        return None
    reports = (Path(settings.project_dir) / "reports").resolve()
    path = (Path(settings.project_dir) / named[-1]).resolve()
    if reports not in path.parents or not path.is_file():
        return None
    return _read(path, REPORT_CHARS)


def _labelled_since(project_dir: Path, started_at: Optional[str]) -> int:
    """Examples labelled since the training started (all of them if none ever did),
    from the label log: more than a few is a reason to train again."""
    since = datetime.fromisoformat(started_at) if started_at else None
    count = 0
    for line in _read(Path(project_dir) / LABEL_LOG).splitlines():
        try:
            count += since is None or datetime.fromisoformat(json.loads(line)["at"]) >= since
        except (ValueError, KeyError, TypeError):  # a line not written by label(): skip it
            continue
    return count


@page(role="admin")
def models_page(request: Request) -> Response:
    return _models(request)


@page(role="admin")
def activate_model(request: Request) -> Response:
    """Make a model of the models folder the active one, in the running servers first, as
    ``bot admin activate`` does (a model not registered yet is registered by it)."""
    settings, name = _settings(request), request.state.form.get("model", "")
    try:
        registry = Registry.load(settings.models_dir)
        if name not in {row["file"] for row in _rows(settings, registry)}:
            raise RegistryError(f"{name!r} is not a model in {settings.models_dir.name}/")
        _, said = switch_active(settings, registry, name)
    except (RegistryError, ServerReloadError) as error:
        return _models(request, 409, error=f"Not activated, the active model is unchanged: {error}")
    flash(request, f"Activated {name}. {said}")  # what each running server said
    return RedirectResponse("/admin/models", status_code=303)


def _models(request: Request, status: int = 200, **alerts) -> Response:
    """Every model of the folder, newest first, with its metrics and which one is served."""
    settings = _settings(request)
    try:
        rows = _rows(settings, Registry.load(settings.models_dir))
    except RegistryError as error:
        rows, status, alerts = [], 500, {"error": str(error)}
    served = next((row["file"] for row in rows if row["active"]), None)
    return render(request, "models.html", status, models=rows, active=served,
                  **alerts)  # fmt: skip


def _rows(settings: Settings, registry: Registry) -> List[dict]:
    """Registered models and, as ``bot admin models`` lists them, the model files nobody
    registered: the one ``bot run`` trained from the current data is served while no
    model is active, and is what an admin rolls back to after the first promotion."""
    current = model_path(settings.project_dir, settings.models_dir)
    rows = [_model_row(entry) for entry in registry.entries]
    unregistered = sorted(path for path in Path(settings.models_dir).glob("*.tar.gz")
                          if registry.get(path.name) is None)  # fmt: skip
    served_unregistered = registry.active() is None and current.exists()
    for path in unregistered:
        made = "Trained from the current data" if path.name == current.name else "Trained"
        rows.append({
            "file": path.name, "created": _modified(path), "note": f"{made}; not evaluated.",
            "active": served_unregistered and path.name == current.name,
            "scores": [(title, _score(None)) for _, title in METRICS],
        })  # fmt: skip
    return sorted(rows, key=lambda row: row["created"] or "", reverse=True)


def _modified(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")


def _model_row(entry: ModelEntry) -> dict:
    metrics = entry.metrics or {}
    scores = [(title, _score(metrics.get(key))) for key, title in METRICS]
    return {"file": entry.file, "created": entry.created, "active": entry.active,
            "note": entry.note, "scores": scores}  # fmt: skip


def _score(value) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "–"


routes = [
    Route("/admin/training", training_page, methods=["GET"]),
    Route("/admin/training", start_training, methods=["POST"]),
    Route("/admin/models", models_page, methods=["GET"]),
    Route("/admin/models/activate", activate_model, methods=["POST"]),
]
