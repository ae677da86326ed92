"""Building the sales inbox from the settings, and serving it until stopped.

Kept apart from the request handling (:mod:`bot.sales.server`): this is
where configuration is checked and turned into a clear error before any
socket is opened.
"""

from __future__ import annotations

from typing import Tuple

from bot.config import Settings
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.channels import no_channel_warning
from bot.http_serving import serve_until_stopped
from bot.leads.rules import RulesError, load_rules
from bot.sales.passwords import PasswordHashError, check_hash
from bot.sales.redis_store import shared_store
from bot.sales.revocation import FILE_NAME as REVOKED_FILE
from bot.sales.revocation import revoked_sessions
from bot.sales.server import HEALTH_PATH, InboxServer
from bot.sales.throttle import LoginThrottle, login_throttle


class InboxConfigError(ValueError):
    """The inbox cannot start with this configuration; the message says what to set."""


def make_server(
    settings: Settings, port: int | None = None, throttle: LoginThrottle | None = None
) -> InboxServer:
    """A bound, not yet serving inbox; ``port=0`` picks a free port (for tests).

    ``throttle`` replaces the default login throttle (tests use tiny delays).
    """
    password_hash = settings.sales_inbox_password_hash
    if not password_hash:
        raise InboxConfigError(
            "The sales inbox needs a password: run `bot sales-inbox hash-password` and put "
            "its output in SALES_INBOX_PASSWORD_HASH (in .env or the environment)."
        )
    try:
        check_hash(password_hash)
        rules = load_rules(settings.handoff_rules)
    except PasswordHashError as error:
        raise InboxConfigError(f"SALES_INBOX_PASSWORD_HASH is not usable: {error}") from None
    except RulesError as error:
        raise InboxConfigError(f"the scoring rules are not usable: {error}") from None
    chosen_port = settings.sales_inbox_port if port is None else port
    address: Tuple[str, int] = (settings.bind_host, chosen_port)
    store = shared_store(settings.redis_url)
    return InboxServer(
        address,
        password_hash,
        unit_of_work_factory(settings.database_url),
        rules,
        revoked=revoked_sessions(settings.var_dir / REVOKED_FILE, store),
        throttle=login_throttle(store) if throttle is None else throttle,
        secure_cookies=settings.sales_inbox_secure_cookies,
        notice=no_channel_warning(settings),
        tracker_store_url=settings.tracker_store_url,
    )


def serve(settings: Settings, port: int | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then finish open requests and close the socket."""
    server = make_server(settings, port=port)
    banner = f"Sales inbox on {server.url}/ (health: {server.url}{HEALTH_PATH})"
    serve_until_stopped(server, "sales-inbox", banner)
    print("Sales inbox stopped.", flush=True)
