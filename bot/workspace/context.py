"""What the workspace's pages need, built once from the settings.

Kept apart from the routes so a test can build the application on a
database, a tracker store and a project folder of its own choosing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List

from sqlalchemy.exc import SQLAlchemyError

from bot.admin.inbox import read_events
from bot.config import Settings
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.channels import no_channel_warning
from bot.leads.errors import DatabaseUnavailable
from bot.leads.rules import Rules, RulesError, load_rules
from bot.secret_files import generated_secret
from bot.workspace.redis_store import shared_store
from bot.workspace.revocation import FILE_NAME as SIGNED_OUT_FILE
from bot.workspace.revocation import RevokedSessions, revoked_sessions
from bot.workspace.throttle import LoginThrottle, login_throttle

SESSION_LIFETIME = 8 * 60 * 60  # one working day
MIN_SECRET_KEY = 32  # characters; a short or example key would let anyone forge a session


class WorkspaceConfigError(ValueError):
    """The workspace cannot start with this configuration; the message says what to set."""


@dataclass
class Workspace:
    settings: Settings
    uow_factory: Callable
    rules: Rules
    secret_key: str
    revoked: RevokedSessions = field(default_factory=RevokedSessions)
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    session_lifetime: int = SESSION_LIFETIME
    notice: str | None = None  # shown above the work list, e.g. that nothing reaches sales

    def tracker_events(self, **narrowing) -> List[tuple]:
        """Events of Rasa's tracker store (see :func:`bot.admin.inbox.read_events`);
        its outage is shown like the lead database's."""
        if not self.settings.tracker_store_url:
            return []
        try:
            return list(read_events(self.settings.tracker_store_url, **narrowing))
        except SQLAlchemyError as error:
            raise DatabaseUnavailable(f"the conversation store: {error}") from None

    @property
    def project_dir(self) -> Path:
        return Path(self.settings.project_dir)

    @property
    def secure_cookies(self) -> bool:
        return self.settings.workspace_secure_cookies


def secret_key_file(settings: Settings) -> Path:
    return settings.var_dir / "secrets" / "workspace-session-key"


def workspace_from_settings(settings: Settings, throttle: LoginThrottle | None = None) -> Workspace:
    """Everything the pages need; WorkspaceConfigError when the rules file is broken."""
    try:
        rules = load_rules(settings.handoff_rules)
    except RulesError as error:
        raise WorkspaceConfigError(f"the scoring rules are not usable: {error}") from None
    key = settings.workspace_secret_key
    if key is not None and (len(key) < MIN_SECRET_KEY or "change" in key.lower()):
        raise WorkspaceConfigError(
            f"WORKSPACE_SECRET_KEY must be a random value of at least {MIN_SECRET_KEY} "
            "characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    store = shared_store(settings.redis_url)
    return Workspace(
        settings=settings,
        uow_factory=unit_of_work_factory(settings.database_url),
        rules=rules,
        secret_key=key or generated_secret(secret_key_file(settings)),
        revoked=revoked_sessions(settings.var_dir / SIGNED_OUT_FILE, store),
        throttle=login_throttle(store) if throttle is None else throttle,
        notice=no_channel_warning(settings),
    )
