"""``bot sales-inbox``: serve the sales inbox, or make the hash of its password.

A top-level command of its own: the inbox is a server, while ``bot leads``
lists, exports and erases leads from the terminal. The supervisor starts ``bot sales-inbox``
only once SALES_INBOX_PASSWORD_HASH is set; without it the command refuses
to start, saying how to set it.
"""

from __future__ import annotations

import getpass
import sys


def register(subparsers) -> None:
    inbox = subparsers.add_parser(
        "sales-inbox",
        help="serve the password-protected sales inbox (leads, transcripts, status)",
        description="Serve the sales inbox until Ctrl+C or SIGTERM. Health check: GET /healthz.",
    )
    inbox.add_argument("--port", type=int, default=None,
                       help="port to listen on (default: SALES_INBOX_PORT, 8001)")  # fmt: skip
    inbox.set_defaults(handler=serve_command)
    commands = inbox.add_subparsers(title="sales-inbox commands", metavar="COMMAND")
    hasher = commands.add_parser(
        "hash-password",
        help="print the SALES_INBOX_PASSWORD_HASH for a password read from stdin or a prompt",
    )
    hasher.set_defaults(handler=hash_password_command)


def serve_command(args, settings) -> int:
    from bot.sales.startup import InboxConfigError, serve

    try:
        serve(settings, port=args.port)
    except (InboxConfigError, OSError) as error:
        print(f"Cannot start the sales inbox: {error}", file=sys.stderr)
        return 1
    return 0


def hash_password_command(args, settings) -> int:
    """Prompt twice on a terminal; read one line when the password is piped in."""
    from bot.sales.passwords import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Sales inbox password: ")
        if getpass.getpass("Repeat it: ") != password:
            print("The two passwords differ; nothing was changed.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        print("Choose a password of at least 8 characters.", file=sys.stderr)
        return 1
    print(hash_password(password))
    print("Put this line in .env (or the environment) as SALES_INBOX_PASSWORD_HASH=...",
          file=sys.stderr)  # fmt: skip
    return 0
