"""``bot workspace``: serve the sales and admin workspace until Ctrl+C or SIGTERM."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    workspace = subparsers.add_parser(
        "workspace",
        help="serve the sales and admin workspace (leads, requests, review, training)",
        description="Serve the workspace until Ctrl+C or SIGTERM. Health check: GET /healthz. "
        "People sign in with accounts made by `bot accounts add`.",
    )
    workspace.add_argument("--port", type=int, default=None,
                           help="port to listen on (default: WORKSPACE_PORT, 8001)")  # fmt: skip
    workspace.set_defaults(handler=serve_command)


def serve_command(args, settings) -> int:
    from bot.workspace.context import WorkspaceConfigError
    from bot.workspace.serve import serve

    try:
        serve(settings, port=args.port)
    except (WorkspaceConfigError, OSError) as error:
        print(f"Cannot start the workspace: {error}", file=sys.stderr)
        return 1
    return 0
