"""The gate's rules, the registry file, and hot-loading a model into a running server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bot import processes
from bot.admin.evaluation import score
from bot.admin.gate import Tolerance, compare
from bot.admin.registry import REGISTRY_FILE, Registry, RegistryError, active_model
from bot.admin.server import load_into_server
from bot.cli import main
from bot.config import load_settings
from bot.serving.rasa_server import with_active_model
from tests.admin.conftest import use_project

OLD = {"intent_macro_f1": 0.90, "intent_f1": {"greet": 1.0, "faq": 0.9},
       "answer_accuracy": 0.8, "answer_accuracy_by_topic": {"faq/a": 0.75}}  # fmt: skip


def test_score_counts_faq_as_one_intent_and_answers_per_topic():
    metrics = score(
        [("greet", "greet"), ("faq/a", "faq/a"), ("faq/a", "faq/b"), ("faq/b", "greet")]
    )
    assert metrics.intent_f1 == {"faq": 0.8, "greet": 0.6667}
    assert metrics.answer_accuracy_by_topic == {"faq/a": 0.5, "faq/b": 0.0}
    assert metrics.answer_accuracy == pytest.approx(1 / 3, abs=1e-3)


def test_gate_allows_small_drops_and_refuses_large_ones():
    assert compare({**OLD, "intent_macro_f1": 0.89}, OLD).promote
    assert compare(OLD, None).promote
    refused = compare({**OLD, "intent_f1": {"greet": 0.5, "faq": 0.95}}, OLD, Tolerance(0.02, 0.1))
    assert not refused.promote and refused.reasons == [
        "F1 of greet fell from 1.000 to 0.500 (tolerance 0.10)"
    ]
    overall = compare({**OLD, "intent_macro_f1": 0.85}, OLD)
    assert overall.reasons == ["intent macro-F1 fell from 0.900 to 0.850 (tolerance 0.02)"]
    topic = compare({**OLD, "answer_accuracy_by_topic": {"faq/a": 0.5}}, OLD)
    assert topic.reasons == ["answer accuracy of faq/a fell from 0.750 to 0.500 (tolerance 0.10)"]


def test_registry_round_trip_activation_and_active_model(tmp_path):
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path)})
    assert active_model(settings) is None
    for name in ("model-aaa.tar.gz", "model-bbb.tar.gz"):
        (settings.models_dir).mkdir(exist_ok=True)
        (settings.models_dir / name).write_bytes(b"x")
    registry = Registry.load(settings.models_dir)
    registry.record(settings.models_dir / "model-aaa.tar.gz", {"intent_macro_f1": 0.9})
    registry.activate("model-aaa.tar.gz")
    registry.activate("model-bbb.tar.gz")
    registry.save()
    data = json.loads((settings.models_dir / REGISTRY_FILE).read_text())
    assert [(m["file"], m["fingerprint"], m["active"]) for m in data["models"]] == [
        ("model-aaa.tar.gz", "aaa", False), ("model-bbb.tar.gz", "bbb", True)
    ]  # fmt: skip
    assert active_model(settings) == (settings.models_dir / "model-bbb.tar.gz").resolve()
    with pytest.raises(RegistryError, match="no model file"):
        registry.activate("model-zzz.tar.gz")
    (settings.models_dir / REGISTRY_FILE).write_text("{not json")
    with pytest.raises(RegistryError, match="not a valid registry"):
        active_model(settings)


class _FakeRasa(BaseHTTPRequestHandler):
    """Answers like Rasa's HTTP API: GET / and PUT /model."""

    calls: list = []
    refuse = False  # answer PUT /model like Rasa given a model it cannot load

    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def do_PUT(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.calls.append((self.path, body))
        self.send_response(400 if self.refuse else 204)
        self.end_headers()
        if self.refuse:
            self.wfile.write(b'{"message": "cannot load the model"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_rasa():
    server = HTTPServer(("127.0.0.1", 0), _FakeRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeRasa.calls, _FakeRasa.refuse = [], False
    yield server.server_address[1]
    server.shutdown()


def test_activate_loads_the_model_into_a_running_server(project, monkeypatch, fake_rasa, capsys):
    settings = use_project(monkeypatch, project)
    monkeypatch.setenv("RASA_PORT", str(fake_rasa))
    monkeypatch.setenv("RASA_TOKEN", "s3cret")
    settings.models_dir.mkdir()
    (settings.models_dir / "model-abc.tar.gz").write_bytes(b"x")
    assert main(["admin", "activate", "model-abc"]) == 0
    assert _FakeRasa.calls == [
        ("/model?token=s3cret", {"model_file": str(settings.models_dir / "model-abc.tar.gz")})
    ]
    assert "now uses model-abc.tar.gz" in capsys.readouterr().out
    assert main(["admin", "models"]) == 0
    assert "* model-abc.tar.gz" in capsys.readouterr().out


def test_a_model_the_server_refuses_is_not_recorded_as_active(
    project, monkeypatch, fake_rasa, capsys
):
    settings = use_project(monkeypatch, project)
    monkeypatch.setenv("RASA_PORT", str(fake_rasa))
    monkeypatch.setenv("RASA_TOKEN", "s3cret")
    settings.models_dir.mkdir()
    for name in ("model-old.tar.gz", "model-new.tar.gz"):
        (settings.models_dir / name).write_bytes(b"x")
    registry = Registry.load(settings.models_dir)
    registry.activate("model-old.tar.gz")
    registry.save()
    _FakeRasa.refuse = True
    assert main(["admin", "activate", "model-new"]) == 1
    assert len(_FakeRasa.calls) == 1
    err = capsys.readouterr().err
    assert "Not activated" in err and "HTTP 400" in err and "cannot load the model" in err
    assert active_model(settings) == (settings.models_dir / "model-old.tar.gz").resolve()


def test_no_server_means_no_reload(project, monkeypatch):
    settings = use_project(monkeypatch, project)
    assert "No Rasa server" in load_into_server(settings, project / "m.tar.gz")


def _fake_rasas_on_consecutive_ports(count: int) -> list:
    """``count`` fake Rasa servers on ports p+1 .. p+count, so RASA_PORT=p names them all."""
    for _ in range(20):
        first = HTTPServer(("127.0.0.1", 0), _FakeRasa)
        servers = [first]
        try:
            for offset in range(1, count):
                port = first.server_address[1] + offset
                servers.append(HTTPServer(("127.0.0.1", port), _FakeRasa))
        except OSError:
            for server in servers:
                server.server_close()
            continue
        for server in servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return servers
    pytest.skip("no free consecutive ports")


def test_activate_reaches_every_instance_and_names_one_that_is_down(project, monkeypatch, capsys):
    settings = use_project(monkeypatch, project)
    servers = _fake_rasas_on_consecutive_ports(2)
    _FakeRasa.calls, _FakeRasa.refuse = [], False
    try:
        monkeypatch.setenv("RASA_PORT", str(servers[0].server_address[1] - 1))
        monkeypatch.setenv("RASA_INSTANCES", "3")  # the third port has no server
        monkeypatch.setenv("RASA_TOKEN", "s3cret")
        settings.models_dir.mkdir()
        (settings.models_dir / "model-abc.tar.gz").write_bytes(b"x")
        assert main(["admin", "activate", "model-abc"]) == 0
    finally:
        for server in servers:
            server.shutdown()
    assert len(_FakeRasa.calls) == 2, "each running instance was told once"
    out = capsys.readouterr().out
    assert "2 of 3 running Rasa servers now use model-abc.tar.gz" in out
    third = servers[0].server_address[1] + 2
    assert f"http://127.0.0.1:{third} is not running; it will use the active model" in out


def test_a_rasa_server_started_after_an_activation_serves_the_active_model(project, monkeypatch):
    settings = use_project(monkeypatch, project)
    settings.models_dir.mkdir()
    for name in ("model-old.tar.gz", "model-new.tar.gz"):
        (settings.models_dir / name).write_bytes(b"x")
    command = processes.rasa_server(settings, settings.models_dir / "model-old.tar.gz").command
    arguments = command[command.index("run") :]
    registry = Registry.load(settings.models_dir)
    registry.activate("model-new.tar.gz")
    registry.save()
    started_with = with_active_model(arguments, active_model(settings))
    assert started_with[started_with.index("--model") + 1] == str(
        (settings.models_dir / "model-new.tar.gz").resolve()
    )
    assert with_active_model(arguments, None) == arguments
