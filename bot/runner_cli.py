"""``bot run``, ``bot train`` and ``bot shell``: the commands behind the Makefile."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

from bot import processes, runner
from bot.supervisor import Supervisor
from bot.training import TrainingError, ensure_model


def register(subparsers) -> None:
    run = subparsers.add_parser("run", help="migrate, train if needed and start every server")
    run.add_argument(
        "--instances", type=_count, metavar="N",
        help="Rasa servers behind nginx (default: RASA_INSTANCES, else 1)",
    )  # fmt: skip
    run.add_argument(
        "--action-servers", type=_count, metavar="M",
        help="action servers behind nginx (default: ACTION_SERVERS, else 1)",
    )  # fmt: skip
    run.set_defaults(handler=handle_run)

    train = subparsers.add_parser("train", help="train a model if the data changed")
    train.add_argument("--force", action="store_true", help="train even if a current model exists")
    train.set_defaults(handler=handle_train)

    shell = subparsers.add_parser("shell", help="chat with the bot in this terminal")
    shell.set_defaults(handler=handle_shell)


def _count(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 32:
        raise ValueError(raw)
    return int(raw)


_count.__name__ = "number from 1 to 32"  # how argparse names the type in its error


def handle_run(args, settings) -> int:
    if args.instances:
        settings = dataclasses.replace(settings, rasa_instances=args.instances)
    if args.action_servers:
        settings = dataclasses.replace(settings, action_servers=args.action_servers)
    return runner.run(settings)


def handle_train(args, settings) -> int:
    try:
        model = ensure_model(settings.project_dir, settings.models_dir, force=args.force)
    except TrainingError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"Model: {model}")
    return 0


def handle_shell(args, settings) -> int:
    """Start the action server, then Rasa's own terminal chat against it (one of each)."""
    settings = dataclasses.replace(settings, rasa_instances=1, action_servers=1)
    taken = processes.ports_in_use([(settings.bind_host, settings.rasa_port),
                                    (settings.action_bind_host, settings.action_port)])  # fmt: skip
    if taken:
        print(f"Port {', '.join(map(str, taken))} is in use, most likely by `make run`: chat on "
              f"the website at {settings.web_url}/ instead, or stop `make run` (Ctrl-C) and run "
              "`make shell` again.", file=sys.stderr)  # fmt: skip
        return 1
    try:
        runner.prepare(settings, print)
        model = ensure_model(settings.project_dir, settings.models_dir)
    except TrainingError as error:
        print(error, file=sys.stderr)
        return 1
    supervisor = Supervisor(settings)
    try:
        if not supervisor.launch(processes.action_server(settings)):
            return 1
        env = processes.rasa_server(settings, model).env
        command = [sys.executable, "-m", "bot.serving.rasa_server", "shell", "--model", str(model),
                   "--endpoints", "endpoints.yml", "--port", str(settings.rasa_port)]  # fmt: skip
        return subprocess.call(command, cwd=settings.project_dir, env=env)
    finally:
        supervisor.shutdown()
