"""``bot knowledge build|check``: keep the generated NLU file in step with the data.

``build`` rewrites ``data/nlu/knowledge.yml``; ``check`` exits 1 when the
committed file is stale, so CI catches a knowledge edit without a rebuild.
"""

from __future__ import annotations

import argparse
import sys

from bot.knowledge.model import KnowledgeDataError
from bot.knowledge.training_data import OUTPUT, training_data_is_current, write_training_data


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``knowledge`` command and its actions to the ``bot`` parser."""
    parser = subparsers.add_parser(
        "knowledge", help="Build or check the NLU data generated from data/knowledge."
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", dest="knowledge_action")
    actions.required = True
    build = actions.add_parser("build", help=f"Regenerate {OUTPUT} from data/knowledge.")
    build.set_defaults(handler=build_handler)
    check = actions.add_parser("check", help=f"Exit 1 if {OUTPUT} is out of date.")
    check.set_defaults(handler=check_handler)


def build_handler(args: argparse.Namespace, settings) -> int:
    """Write the generated file; exit 1 with the data error if the YAML is malformed."""
    try:
        path = write_training_data(settings.project_dir)
    except KnowledgeDataError as error:
        print(f"Knowledge data error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {path}")
    return 0


def check_handler(args: argparse.Namespace, settings) -> int:
    """Exit 0 when the committed file is current, 1 when stale or the data is malformed."""
    try:
        current = training_data_is_current(settings.project_dir)
    except KnowledgeDataError as error:
        print(f"Knowledge data error: {error}", file=sys.stderr)
        return 1
    if not current:
        print(f"{OUTPUT} is out of date: run `bot knowledge build`.", file=sys.stderr)
        return 1
    print(f"{OUTPUT} is up to date.")
    return 0
