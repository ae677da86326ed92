"""Swap the model of a running Rasa server without restarting it.

Rasa's HTTP API (enabled with a token) accepts ``PUT /model`` with the path of
a model file on the server's disk and replaces the model in place, so visitors
keep their conversations while an admin promotes or rolls back.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


class ServerReloadError(RuntimeError):
    """The Rasa server answered but refused or failed to load the model."""


def server_is_up(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=timeout):
            return True
    except (urllib.error.URLError, OSError):
        return False


def load_into_server(settings, model: Path, timeout: float = 300.0) -> str:
    """Ask the running server to load ``model``; returns a line for the admin to read."""
    if not server_is_up(settings.rasa_url):
        return f"No Rasa server at {settings.rasa_url}; it will use the active model when started."
    if not settings.rasa_token:
        return "RASA_TOKEN is not set, so the running server cannot be told: restart it."
    query = urllib.parse.urlencode({"token": settings.rasa_token})
    request = urllib.request.Request(
        f"{settings.rasa_url}/model?{query}",
        data=json.dumps({"model_file": str(Path(model).resolve())}).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            pass
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:500]
        raise ServerReloadError(f"Rasa refused the model (HTTP {error.code}): {detail}") from None
    except (urllib.error.URLError, OSError) as error:
        raise ServerReloadError(f"could not reach Rasa at {settings.rasa_url}: {error}") from None
    return f"The running Rasa server now uses {Path(model).name}."
