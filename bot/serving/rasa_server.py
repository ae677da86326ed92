"""``python -m bot.serving.rasa_server run ...``: ``rasa`` with its secrets from settings.

The arguments are ``rasa``'s own; this launcher adds what must not appear in
a process list (``ps`` shows every argument): the HTTP API token and the
action server's secret reach Rasa through its own process environment instead.
It applies :mod:`bot.serving.rasa_patches` and caps the request size of
Rasa's web server (Sanic reads ``SANIC_REQUEST_MAX_SIZE``) for this process
only: the action server must still accept large trackers.

The model an admin made active since ``bot run`` started wins over the one
on the command line: a Rasa server restarted after a crash must serve what
its siblings serve, not the model of the day the supervisor started.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

from dotenv import load_dotenv

from bot.admin import active_model
from bot.config import load_settings
from bot.serving import rasa_patches
from bot.serving.action_auth import action_server_token


def with_active_model(arguments: List[str], active: Optional[Path]) -> List[str]:
    """``arguments`` with ``--model`` naming ``active``, when there is an active model."""
    if active is None or "--model" not in arguments:
        return arguments
    position = arguments.index("--model") + 1
    return [*arguments[:position], str(active), *arguments[position + 1 :]]


def main() -> None:
    load_dotenv()
    settings = load_settings()
    os.environ["ACTION_SERVER_TOKEN"] = action_server_token(settings)
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(settings.max_request_bytes)
    arguments = with_active_model(sys.argv[1:], active_model(settings))
    if settings.rasa_token and arguments[:1] == ["run"]:
        arguments += ["--enable-api", "--auth-token", settings.rasa_token]
    rasa_patches.apply(settings.parse_cache_size)
    sys.argv = ["rasa", *arguments]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
