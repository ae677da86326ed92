"""``bot accounts``: the people who may sign in to the workspace, and what they may do.

Accounts are made here, not in the browser, so that the first admin exists
before any page does and nobody can sign themselves up. Passwords are read
from a prompt (twice) or, when piped in, from one line of stdin; they never
appear on the command line, where `ps` and shell history would keep them.
"""

from __future__ import annotations

import getpass
import sys

from bot.accounts.models import ROLES
from bot.cli_support import guarded


class _Refused(ValueError):
    pass


def register(subparsers) -> None:
    accounts = subparsers.add_parser(
        "accounts", help="create and manage workspace accounts (sales and admin)",
        description="Workspace accounts: one per person, with the role sales or admin.",
    )  # fmt: skip
    commands = accounts.add_subparsers(title="accounts commands", metavar="COMMAND")
    add = commands.add_parser("add", help="create an account (asks for its password)")
    add.add_argument("username", help="2-32 lowercase letters, digits, . _ -")
    add.add_argument("--role", choices=ROLES, default="sales", help="default: sales")
    add.add_argument("--name", default=None, help="the name shown in the workspace")
    add.set_defaults(handler=_guarded(add_command))
    listing = commands.add_parser("list", help="list the accounts")
    listing.set_defaults(handler=_guarded(list_command))
    password = commands.add_parser("password", help="set a new password (signs the person out)")
    password.add_argument("username")
    password.set_defaults(handler=_guarded(password_command))
    role = commands.add_parser("role", help="change an account's role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(handler=_guarded(role_command))
    switches = (("disable", False, "stop an account signing in (signs it out)"),
                ("enable", True, "let a disabled account sign in again"))  # fmt: skip
    for name, active, text in switches:
        command = commands.add_parser(name, help=text)
        command.add_argument("username")
        command.set_defaults(handler=_guarded(_switch(active)))


def _guarded(handler):
    from bot.accounts.service import AccountError
    from bot.db.engine import DatabaseUnreachable

    return guarded(handler, errors=(AccountError, _Refused, DatabaseUnreachable))


def _uow(settings):
    from bot.db import upgrade
    from bot.db.unit_of_work import unit_of_work_factory

    upgrade(settings.database_url)  # the first account may come before the first `make run`
    return unit_of_work_factory(settings.database_url)()


def _read_password(prompt: str) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass(prompt)
    if getpass.getpass("Repeat it: ") != password:
        raise _Refused("the two passwords differ; nothing was changed")
    return password


def add_command(args, settings) -> int:
    from bot.accounts.service import check_password, create_account

    password = _read_password(f"Password for {args.username}: ")
    check_password(password)
    account = create_account(_uow(settings), args.username, password, args.role, args.name)
    print(f"Created {account['username']} ({account['role']}). They sign in at "
          f"{settings.workspace_url}/")  # fmt: skip
    return 0


def list_command(args, settings) -> int:
    from bot.accounts.service import list_accounts

    found = list_accounts(_uow(settings))
    if not found:
        print("No accounts yet: `bot accounts add NAME --role admin` creates the first one.")
        return 0
    print(f"{'USER':<20} {'ROLE':<6} {'STATE':<9} {'LAST SIGN-IN':<26} NAME")
    for account in found:
        state = "active" if account["active"] else "disabled"
        last = account["last_login_at"] or "never"
        print(f"{account['username']:<20} {account['role']:<6} {state:<9} {last:<26} "
              f"{account['display_name']}")  # fmt: skip
    return 0


def password_command(args, settings) -> int:
    from bot.accounts.service import change_account

    password = _read_password(f"New password for {args.username}: ")
    change_account(_uow(settings), args.username, password=password)
    print(f"Password of {args.username} changed; their open sessions are signed out.")
    return 0


def role_command(args, settings) -> int:
    from bot.accounts.service import change_account

    change_account(_uow(settings), args.username, role=args.role)
    print(f"{args.username} is now {args.role}.")
    return 0


def _switch(active: bool):
    def command(args, settings) -> int:
        from bot.accounts.service import change_account

        change_account(_uow(settings), args.username, active=active)
        print(f"{args.username} is {'enabled' if active else 'disabled and signed out'}.")
        return 0

    return command
