"""The shared secret between the Rasa server and the action server.

Actions write leads with the visitor's consent, so nobody but our Rasa server
may call them. Rasa sends the secret in a header (``endpoints.yml``); the
action server refuses calls without it. ``ACTION_SERVER_TOKEN`` sets it (needed
when the two run on different hosts); otherwise both processes read one
generated into ``var/secrets/`` on first use, readable by this user only.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from pathlib import Path

from bot.atomic_file import write_atomically
from bot.config import Settings

HEADER = "X-Action-Token"


def token_file(settings: Settings) -> Path:
    return settings.var_dir / "secrets" / "action-server-token"


def action_server_token(settings: Settings) -> str:
    if settings.action_server_token:
        return settings.action_server_token
    path = token_file(settings)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    old_umask = os.umask(0o077)
    try:
        draft = write_atomically(path.with_name(f".draft-{os.getpid()}"),
                                 secrets.token_urlsafe(32).encode())  # fmt: skip
        # Several servers start at once (two action servers, two Rasa servers):
        # a hard link never replaces a file, so the first one's token is kept
        # and every process reads that one back.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    finally:
        os.umask(old_umask)
    return path.read_text().strip()


def is_authorised(presented: str | None, token: str) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), token.encode())
