"""``python -m bot.serving.rasa_server run ...``: ``rasa`` with its secrets from settings.

The arguments are ``rasa``'s own; this launcher adds what must not appear in
a process list (``ps`` shows every argument): the HTTP API token and the
action server's secret reach Rasa through its own process environment instead.
It applies :mod:`bot.serving.rasa_patches` and caps the request size of
Rasa's web server (Sanic reads ``SANIC_REQUEST_MAX_SIZE``) for this process
only: the action server must still accept large trackers.
"""

from __future__ import annotations

import os
import sys

from dotenv import load_dotenv

from bot.config import load_settings
from bot.serving import rasa_patches
from bot.serving.action_auth import action_server_token


def main() -> None:
    load_dotenv()
    settings = load_settings()
    os.environ["ACTION_SERVER_TOKEN"] = action_server_token(settings)
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(settings.max_request_bytes)
    arguments = sys.argv[1:]
    if settings.rasa_token and arguments[:1] == ["run"]:
        arguments += ["--enable-api", "--auth-token", settings.rasa_token]
    rasa_patches.apply(settings.parse_cache_size)
    sys.argv = ["rasa", *arguments]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
