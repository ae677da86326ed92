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
from concurrent.futures import ThreadPoolExecutor
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
    """Ask every running Rasa server to load ``model``; returns lines for the admin to read.

    With several instances (``RASA_INSTANCES``) each is asked on its own port:
    through the load balancer only one of them would hear it, and visitors
    would get answers from two models at random.
    """
    urls = settings.rasa_instance_urls
    running = [url for url in urls if server_is_up(url)]
    if not running:
        return f"No Rasa server at {urls[0]}; it will use the active model when started."
    if not settings.rasa_token:
        return "RASA_TOKEN is not set, so the running server cannot be told: restart it."
    # All at once: each takes a while to load, and visitors should not meet
    # two models for longer than one load lasts.
    with ThreadPoolExecutor(len(running)) as pool:
        for loaded in [pool.submit(_put_model, url, settings.rasa_token, model, timeout)
                       for url in running]:  # fmt: skip
            loaded.result()
    said = [f"The running Rasa server now uses {Path(model).name}."]
    if len(urls) > 1:
        said = [f"{len(running)} of {len(urls)} running Rasa servers now use {Path(model).name}."]
    said += [f"{url} is not running; it will use the active model when started."
             for url in urls if url not in running]  # fmt: skip
    return "\n".join(said)


def _put_model(url: str, token: str, model: Path, timeout: float) -> None:
    query = urllib.parse.urlencode({"token": token})
    request = urllib.request.Request(
        f"{url}/model?{query}",
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
        raise ServerReloadError(f"could not reach Rasa at {url}: {error}") from None
