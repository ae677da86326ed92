"""``bot admin ...`` and ``bot eval``: the retraining loop from the command line.

Handlers are thin: they parse options, call one function of :mod:`bot.admin`
and turn its domain errors into a message and an exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.admin import inbox as inbox_module
from bot.admin.gate import DEFAULT_INTENT_TOLERANCE, DEFAULT_OVERALL_TOLERANCE, Tolerance
from bot.admin.labels import LabelError, label
from bot.admin.registry import Registry, RegistryError, switch_active
from bot.durations import SINCE_FORMS, since_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``admin`` (with its actions) and the top-level ``eval`` command."""
    admin = subparsers.add_parser("admin", help="Review visitors' messages, label, retrain.")
    actions = admin.add_subparsers(title="actions", metavar="ACTION", dest="admin_action")
    actions.required = True
    _inbox_parser(actions)
    _label_parsers(actions)
    _stats_parser(actions)
    train = actions.add_parser("train", help="Validate, train, evaluate; promote if not worse.")
    train.add_argument("--force", action="store_true", help="Promote even if worse.")
    train.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_OVERALL_TOLERANCE,
        help="Allowed drop of macro-F1 / answer accuracy (default %(default)s).",
    )
    train.add_argument(
        "--intent-tolerance",
        type=float,
        default=DEFAULT_INTENT_TOLERANCE,
        help="Allowed drop per intent / FAQ topic (default %(default)s).",
    )
    train.set_defaults(handler=train_handler)
    models = actions.add_parser("models", help="List trained models and their metrics.")
    models.add_argument("--json", action="store_true", help="Print the registry as JSON.")
    models.set_defaults(handler=models_handler)
    activate = actions.add_parser("activate", help="Make a trained model the active one.")
    activate.add_argument("model", help="Model file name (model-<fingerprint>.tar.gz) or prefix.")
    activate.set_defaults(handler=activate_handler)
    evaluate = subparsers.add_parser("eval", help="Evaluate a model on tests/nlu_holdout.")
    evaluate.add_argument("model", nargs="?", help="Model file (default: active, else latest).")
    evaluate.set_defaults(handler=eval_handler)


def _inbox_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=since_argument, metavar="WHEN",
                        help=f"Only messages since then: {SINCE_FORMS}.")  # fmt: skip
    parser.add_argument(
        "--intent", help="Only messages predicted as this intent (faq matches faq/*)."
    )
    parser.add_argument(
        "--max-confidence", type=float, help="Only messages at or below this confidence."
    )
    parser.add_argument("--limit", type=int, default=0, help="Show at most this many rows.")


def _inbox_parser(actions: argparse._SubParsersAction) -> None:
    inbox = actions.add_parser("inbox", help="Unseen visitor messages, least confident first.")
    _inbox_filters(inbox)
    inbox.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
    inbox.set_defaults(handler=inbox_handler)


def _stats_parser(actions: argparse._SubParsersAction) -> None:
    stats = actions.add_parser("stats", help="Conversations per day, topics, fallbacks, funnel.")
    stats.add_argument("--since", type=since_argument, metavar="WHEN",
                       help=f"Only conversations active since then: {SINCE_FORMS}.")  # fmt: skip
    stats.add_argument("--html", metavar="FILE", type=Path,
                       help="Also write the report with charts to this HTML file.")  # fmt: skip
    stats.set_defaults(handler=stats_handler)


def _label_parsers(actions: argparse._SubParsersAction) -> None:
    one = actions.add_parser("label", help="Add one example to the training data.")
    one.add_argument("text")
    one.add_argument("intent", help="An intent of domain.yml, or faq/<topic>.")
    one.add_argument("--user", help="Who labels (default: $USER).")
    one.set_defaults(handler=label_handler)
    review = actions.add_parser("review", help="Label the inbox interactively (reads stdin).")
    _inbox_filters(review)
    review.add_argument("--user", help="Who labels (default: $USER).")
    review.set_defaults(handler=review_handler)


def _rows(args, settings):
    since = args.since.timestamp() if args.since else None
    rows = inbox_module.build_inbox(
        settings.tracker_store_url, settings.project_dir, since, args.intent, args.max_confidence
    )
    return rows[: args.limit] if args.limit else rows


def inbox_handler(args, settings) -> int:
    try:
        rows = _rows(args, settings)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=2, ensure_ascii=False))
    else:
        print(inbox_module.format_table(rows))
    return 0


def stats_handler(args, settings) -> int:
    from bot.admin import analytics, usage_report

    since = args.since.timestamp() if args.since else None
    events = inbox_module.read_events(settings.tracker_store_url, since)
    report = analytics.report(analytics.conversations(events))
    when = args.since.strftime("%Y-%m-%d %H:%M UTC") if args.since else ""
    print(usage_report.as_text(report, when))
    if args.html:
        args.html.write_text(usage_report.render(report, when), encoding="utf-8")
        print(f"\nCharts: {args.html.resolve()}")
    return 0


def label_handler(args, settings) -> int:
    try:
        record = label(settings.project_dir, args.text, args.intent, args.user)
    except LabelError as error:
        print(f"Not labelled: {error}", file=sys.stderr)
        return 1
    print(f"Labelled {record.text!r} as {record.intent} in {record.file}.")
    return 0


def review_handler(args, settings) -> int:
    from bot.admin.review import review

    try:
        rows = _rows(args, settings)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    if not rows:
        print(inbox_module.format_table(rows))
        return 0
    result = review(rows, settings.project_dir, args.user)
    if result.labelled:
        print("Run `bot admin train` to train and evaluate a model with the new examples.")
    return 0


def train_handler(args, settings) -> int:
    from bot.admin.evaluation import EvaluationError
    from bot.admin.retrain import AdminTrainingError, run
    from bot.admin.server import ServerReloadError
    from bot.training import TrainingError

    tolerance = Tolerance(args.tolerance, args.intent_tolerance)
    try:
        outcome = run(settings, force=args.force, tolerance=tolerance)
    except (AdminTrainingError, TrainingError, EvaluationError, RegistryError) as error:
        print(f"Training stopped: {error}", file=sys.stderr)
        return 1
    except ServerReloadError as error:
        print(f"Passed the gate but not activated, as the running server did not load it: {error}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0 if outcome.promoted else 3


def models_handler(args, settings) -> int:
    """Every model in the folder, registered or not, and which one visitors get."""
    from bot.training import model_path

    try:
        registry = Registry.load(settings.models_dir)
    except RegistryError as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([vars(e) for e in registry.entries], indent=2))
        return 0
    current = model_path(settings.project_dir, settings.models_dir)
    unregistered = sorted(
        p.name for p in settings.models_dir.glob("*.tar.gz") if registry.get(p.name) is None
    )
    if not registry.entries and not unregistered:
        print(f"No trained models in {settings.models_dir}: `make run` or `bot train` makes one.")
        return 0
    for entry in registry.entries:
        metrics = entry.metrics or {}
        f1 = metrics.get("intent_macro_f1")
        acc = metrics.get("answer_accuracy")
        print(
            f"{'*' if entry.active else ' '} {entry.file}  {entry.created}  "
            f"macro-F1 {f1 if f1 is not None else '-'}  answers {acc if acc is not None else '-'}"
        )
    for name in unregistered:
        made_by = "trained from the current data" if name == current.name else "not evaluated"
        print(f"  {name}  ({made_by}, not registered)")
    active = registry.active()
    if active is not None:
        print(f"* served: {active.file} (active; `bot admin activate NAME` switches).")
    elif current.exists():
        print(f"Served: {current.name}, trained from the current data; no model is active "
              "(`bot admin activate NAME` pins one, `bot admin train` promotes one).")  # fmt: skip
    else:
        print("No model is active and none matches the current data: `bot run` trains one.")
    return 0


def activate_handler(args, settings) -> int:
    from bot.admin.server import ServerReloadError

    try:
        registry = Registry.load(settings.models_dir)
        entry, said = switch_active(settings, registry, _resolve(registry, args.model))
    except RegistryError as error:
        print(error, file=sys.stderr)
        return 1
    except ServerReloadError as error:
        print(f"Not activated, the active model is unchanged: {error}", file=sys.stderr)
        return 1
    print(f"Active model: {entry.file}")
    print(said)
    return 0


def _resolve(registry: Registry, name: str) -> str:
    """Accept a file name, a path, or an unambiguous prefix of a model in the folder."""
    name = Path(name).name
    files = {e.file for e in registry.entries}
    files |= {p.name for p in registry.models_dir.glob("*.tar.gz")}
    matches = [f for f in sorted(files) if f.startswith(name)]
    return matches[0] if name not in files and len(matches) == 1 else name


def eval_handler(args, settings) -> int:
    from bot.admin.evaluation import EvaluationError, evaluate, format_metrics
    from bot.admin.registry import active_model

    model = args.model or active_model(settings) or _latest(settings.models_dir)
    if model is None:
        print(f"No model to evaluate in {settings.models_dir}: run `bot train`.", file=sys.stderr)
        return 1
    try:
        metrics = evaluate(model, settings.project_dir, print)
    except EvaluationError as error:
        print(error, file=sys.stderr)
        return 1
    print(format_metrics(metrics))
    return 0


def _latest(models_dir):
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None
