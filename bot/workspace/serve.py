"""Serving the workspace with uvicorn: bind first, so a taken port is a clear error.

uvicorn finishes open requests on SIGINT/SIGTERM and then stops, which is
what the supervisor (``bot run``) expects of every process it starts.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket

import uvicorn

from bot.accounts.service import list_accounts
from bot.config import Settings
from bot.leads.errors import DatabaseUnavailable
from bot.workspace.app import HEALTH_PATH, create_app
from bot.workspace.context import workspace_from_settings

log = logging.getLogger(__name__)


def bound_socket(host: str, port: int) -> socket.socket:
    """The listening socket; OSError (port taken) before anything else starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    return sock


class _Server(uvicorn.Server):
    """uvicorn, except that a stop signal ends the process with exit code 0.

    uvicorn raises the signal again once it has shut down, so the process
    dies of it; the supervisor and process managers read that as a crash.
    """

    @contextlib.contextmanager
    def capture_signals(self):
        stops = (signal.SIGINT, signal.SIGTERM)
        previous = {stop: signal.signal(stop, self.handle_exit) for stop in stops}
        try:
            yield
        finally:
            for stop, handler in previous.items():
                signal.signal(stop, handler)


def serve(settings: Settings, port: int | None = None) -> None:
    workspace = workspace_from_settings(settings)
    sock = bound_socket(settings.bind_host, settings.workspace_port if port is None else port)
    url = f"{settings.workspace_url.rsplit(':', 1)[0]}:{sock.getsockname()[1]}"
    print(f"Workspace on {url}/ (health: {url}{HEALTH_PATH})", flush=True)
    _say_when_nobody_can_sign_in(workspace)
    config = uvicorn.Config(create_app(workspace), log_level=settings.log_level.lower(),
                            server_header=False, proxy_headers=True, ws="none", http="h11",
                            timeout_keep_alive=5, timeout_graceful_shutdown=10)  # fmt: skip
    _Server(config).run(sockets=[sock])
    print("Workspace stopped.", flush=True)


def _say_when_nobody_can_sign_in(workspace) -> None:
    try:
        if not any(a["active"] for a in list_accounts(workspace.uow_factory())):
            print("No workspace accounts yet: create the first with "
                  "`.venv/bin/bot accounts add NAME --role admin`.", flush=True)  # fmt: skip
    except DatabaseUnavailable as error:
        log.warning("cannot read the accounts: %s", error)
