"""Creating accounts, checking logins and changing what an account may do.

Every function takes a unit of work and returns plain dicts, so the CLI and
the workspace share one set of rules: names are short lowercase words,
passwords have at least :data:`MIN_PASSWORD` characters and are stored as
scrypt hashes (:mod:`bot.accounts.passwords`), and a login for a name that does
not exist costs as long as one with a wrong password.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from bot.accounts.models import ROLES, Account
from bot.accounts.passwords import hash_password, verify_password
from bot.db.base import utcnow
from bot.leads.errors import WriteConflict

MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
RESERVED = frozenset({"me", "nobody", "anyone"})  # words of the work list's "assigned" filter
# Checked when the name is unknown, so a wrong name and a wrong password take as long.
_DUMMY_HASH = hash_password("not a real password")


class AccountError(ValueError):
    """The account cannot be created or changed like that; the message says why."""


def account_record(account: Account) -> Dict[str, Any]:
    return {
        "id": account.id,
        "username": account.username,
        "display_name": account.display_name or account.username,
        "role": account.role,
        "active": account.active,
        "session_epoch": account.session_epoch,
        "created_at": account.created_at.isoformat() if account.created_at else None,
        "last_login_at": account.last_login_at.isoformat() if account.last_login_at else None,
    }


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"choose a password of at least {MIN_PASSWORD} characters")


def create_account(uow, username: str, password: str, role: str,
                   display_name: str | None = None) -> Dict[str, Any]:  # fmt: skip
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise AccountError(
            "a user name is 2 to 32 lowercase letters, digits, dots, dashes or underscores"
        )
    if username in RESERVED:
        raise AccountError(f"{username!r} is a word the workspace's filters use; choose another")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    check_password(password)
    account = Account(username=username, display_name=(display_name or "").strip() or None,
                      role=role, password_hash=hash_password(password), active=True,
                      session_epoch=0, created_at=utcnow())  # fmt: skip
    try:
        with uow:
            if uow.accounts.by_username(username) is not None:
                raise AccountError(f"there is already an account called {username!r}")
            uow.accounts.add(account)
            record = account_record(account)
            uow.commit()
    except WriteConflict:
        raise AccountError(f"there is already an account called {username!r}") from None
    return record


def authenticate(uow, username: str, password: str) -> Dict[str, Any] | None:
    """The account if ``password`` is its password and it is active; otherwise None."""
    username = (username or "").strip().lower()
    with uow:
        account = uow.accounts.by_username(username) if USERNAME.match(username) else None
        if account is None:
            verify_password(password or "", _DUMMY_HASH)
            return None
        if not verify_password(password or "", account.password_hash) or not account.active:
            return None
        account.last_login_at = utcnow()
        record = account_record(account)
        uow.commit()
    return record


def signed_in(uow, account_id: int, epoch: int) -> Dict[str, Any] | None:
    """The account of a session, or None once it was disabled or its password changed."""
    with uow:
        account = uow.accounts.get(account_id)
        if account is None or not account.active or account.session_epoch != epoch:
            return None
        return account_record(account)


def list_accounts(uow) -> List[Dict[str, Any]]:
    with uow:
        return [account_record(account) for account in uow.accounts.all()]


def active_names(uow) -> List[str]:
    """User names that work can be assigned to."""
    return [record["username"] for record in list_accounts(uow) if record["active"]]


def change_account(uow, username: str, *, role: str | None = None, active: bool | None = None,
                   password: str | None = None) -> Dict[str, Any]:  # fmt: skip
    """Change role, enable/disable or set a new password; the last two sign the person out."""
    if role is not None and role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    if password is not None:
        check_password(password)
    with uow:
        account = uow.accounts.by_username((username or "").strip().lower(), for_update=True)
        if account is None:
            raise AccountError(f"there is no account called {username!r}")
        if role is not None:
            account.role = role
        if password is not None:
            account.password_hash = hash_password(password)
            account.session_epoch += 1
        if active is not None and active != account.active:
            account.active = active
            account.session_epoch += 1
        record = account_record(account)
        uow.commit()
    return record
