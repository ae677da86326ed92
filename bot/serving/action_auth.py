"""The shared secret between the Rasa server and the action server.

Actions write leads with the visitor's consent, so nobody but our Rasa server
may call them. Rasa sends the secret in a header (``endpoints.yml``); the
action server refuses calls without it. ``ACTION_SERVER_TOKEN`` sets it (needed
when the two run on different hosts); otherwise both processes read one
generated into ``var/secrets/`` on first use, readable by this user only.
"""

from __future__ import annotations

import hmac
from pathlib import Path

from bot.config import Settings
from bot.secret_files import generated_secret

HEADER = "X-Action-Token"


def token_file(settings: Settings) -> Path:
    return settings.var_dir / "secrets" / "action-server-token"


def action_server_token(settings: Settings) -> str:
    if settings.action_server_token:
        return settings.action_server_token
    return generated_secret(token_file(settings))


def is_authorised(presented: str | None, token: str) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), token.encode())
