"""``bot run``, ``bot train`` and ``bot shell``: the commands behind the Makefile."""

from __future__ import annotations

import subprocess
import sys

from bot import processes, runner
from bot.supervisor import Supervisor
from bot.training import TrainingError, ensure_model


def register(subparsers) -> None:
    run = subparsers.add_parser("run", help="migrate, train if needed and start every server")
    run.set_defaults(handler=handle_run)

    train = subparsers.add_parser("train", help="train a model if the data changed")
    train.add_argument("--force", action="store_true", help="train even if a current model exists")
    train.set_defaults(handler=handle_train)

    shell = subparsers.add_parser("shell", help="chat with the bot in this terminal")
    shell.set_defaults(handler=handle_shell)


def handle_run(args, settings) -> int:
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
    """Start the action server, then Rasa's own terminal chat against it."""
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
