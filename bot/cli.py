"""The ``bot`` command: one entry point for every tool of the assistant.

Each capability registers its own sub-commands from ``bot/<package>/cli.py``
(a ``register(subparsers)`` function); handlers are plain functions taking
``(args, settings)`` and returning an exit code, so tests call ``main([...])``.
Erasure (``bot leads forget`` / ``purge``, :mod:`bot.erasure_cli`) erases
hand-off data and conversations with the leads, so it is added to ``bot leads``
here, where all of them are known.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
from typing import List

from bot import erasure_cli
from bot.config import ConfigError, load_settings

COMMAND_MODULES = [
    "bot.runner_cli",
    "bot.knowledge.cli",
    "bot.web.cli",
    "bot.db.cli",
    "bot.leads.cli",
    "bot.admin.cli",
    "bot.handoff.cli",
    "bot.workspace.cli",
    "bot.accounts.cli",
]
EXIT_PIPE_CLOSED = 128 + signal.SIGPIPE  # what a shell reports for `cat big | head`


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot",
        description="Foot-massage procurement assistant: run, train and administer the bot.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    registered = {
        name: importlib.import_module(name).register(subparsers) for name in COMMAND_MODULES
    }
    erasure_cli.register(registered["bot.leads.cli"])
    return parser


def main(argv: List[str] | None = None) -> int:
    """Run one command; a reader that stops early (``bot leads export | head``) is no error."""
    try:
        try:
            return _run(argv)
        finally:
            sys.stdout.flush()  # here, not at exit, where a closed pipe can no longer be caught
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_PIPE_CLOSED


def _discard_stdout() -> None:
    """Point stdout at devnull, so Python's own flush at exit does not fail on the pipe again."""
    # A stdout replaced by an object without a file (tests) has no flush at exit to fear.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(argv: List[str] | None) -> int:
    from dotenv import load_dotenv

    load_dotenv()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    return int(args.handler(args, settings) or 0)


if __name__ == "__main__":
    sys.exit(main())
