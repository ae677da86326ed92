"""``bot web``: serve the demo site with the chat widget."""

from __future__ import annotations

import sys


def register(subparsers) -> None:
    web = subparsers.add_parser(
        "web",
        help="serve the demo site and chat widget",
        description="Serve the demo site and chat widget until Ctrl+C or SIGTERM.",
    )
    web.add_argument(
        "--port", type=int, default=None, help="port to listen on (default: WEB_PORT, 8000)"
    )
    web.add_argument(
        "--bot-url",
        default=None,
        help="Rasa URL the widget talks to, as a browser reaches it (default: the configured Rasa)",
    )
    web.set_defaults(handler=handle_web)


def handle_web(args, settings) -> int:
    from bot.web.server import WebConfigError, serve

    try:
        serve(settings, port=args.port, bot_url=args.bot_url)
    except (WebConfigError, OSError) as error:
        print(f"Cannot start the web server: {error}", file=sys.stderr)
        return 1
    return 0
