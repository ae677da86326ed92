"""``bot admin activate`` against a real Rasa server: the model changes, the process does not.

The stack starts with ``RASA_TOKEN`` set (so Rasa runs with ``--enable-api
--auth-token``) on the first of two registered copies of the session's model;
activating the second must make Rasa itself report the second file through
``GET /status`` while the same server process keeps answering visitors. A
wrong token must be refused, so nobody else can swap the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot.admin.registry import Registry, active_model, fingerprint_of
from bot.admin.server import ServerReloadError, load_into_server
from bot.cli import main
from bot.training import MODEL_PREFIX
from tests.servers import Stack, stack_settings

pytestmark = pytest.mark.e2e

TOKEN = "hot-reload-test-token"


def _get(url: str, path: str, token: str | None) -> tuple[int, dict]:
    """GET ``path`` from Rasa's HTTP API; (status, JSON body), also for refusals."""
    query = "?" + urllib.parse.urlencode({"token": token}) if token is not None else ""
    try:
        with urllib.request.urlopen(f"{url}{path}{query}", timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _served_model(url: str) -> str:
    status, body = _get(url, "/status", TOKEN)
    assert status == 200, body
    return body["model_file"]


def _two_registered_models(trained_model: Path, models_dir: Path) -> tuple[Path, Path]:
    """The session's model under its own name and under a second fingerprint; first active."""
    models_dir.mkdir(parents=True)
    first = models_dir / trained_model.name
    other = hashlib.sha256(f"second {trained_model.name}".encode()).hexdigest()[:16]
    second = models_dir / f"{MODEL_PREFIX}{other}.tar.gz"
    assert fingerprint_of(first.name) != fingerprint_of(second.name)
    shutil.copy2(trained_model, first)
    shutil.copy2(trained_model, second)
    registry = Registry.load(models_dir)
    registry.record(first, note="session model")
    registry.record(second, note="same model, second file")
    registry.activate(first.name)
    registry.save()
    return first, second


def test_activate_swaps_the_model_of_the_running_server(
    trained_model, tmp_path, monkeypatch, capsys
):
    models_dir = tmp_path / "models"
    first, second = _two_registered_models(trained_model, models_dir)
    settings = stack_settings(tmp_path, RASA_TOKEN=TOKEN, MODELS_DIR=str(models_dir))
    assert active_model(settings) == first.resolve()
    for name, value in settings.child_environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("dotenv.load_dotenv", lambda *a, **k: False)

    stack = Stack(settings, active_model(settings), tmp_path)
    try:
        running = stack.start()
        rasa = stack.children[-1]
        sender = "hot-reload-visitor"
        assert any(running.texts(sender, "hello")), "no reply before the reload"
        assert _served_model(running.url) == first.name
        command_line = Path(f"/proc/{rasa.pid}/cmdline").read_bytes()
        assert TOKEN.encode() not in command_line, "the API token is visible in `ps`"

        # The API is protected: no token or a wrong one is refused, and so is a reload.
        for token in (None, "wrong-token"):
            status, _ = _get(running.url, "/status", token)
            assert status in (401, 403), f"token {token!r} got HTTP {status}"
        intruder = dataclasses.replace(settings, rasa_token="wrong-token")
        with pytest.raises(ServerReloadError, match=r"HTTP 40[13]"):
            load_into_server(intruder, second)
        assert _served_model(running.url) == first.name

        assert main(["admin", "activate", second.name]) == 0
        out = capsys.readouterr().out
        assert f"Active model: {second.name}" in out
        assert f"now uses {second.name}" in out

        assert _served_model(running.url) == second.name
        assert rasa.poll() is None and stack.children[-1] is rasa, "Rasa was restarted"
        assert active_model(settings) == second.resolve()
        assert any(running.texts(sender, "hello")), "no reply after the reload"
        status, tracker = _get(running.url, f"/conversations/{sender}/tracker", TOKEN)
        assert status == 200, tracker
        said = [e.get("text") for e in tracker["events"] if e.get("event") == "user"]
        assert said == ["hello", "hello"], "the conversation did not survive the reload"
    finally:
        stack.stop()
