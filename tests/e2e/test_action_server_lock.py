"""Only our Rasa server may run actions: the action server wants the shared secret."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot import processes
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import services
from bot.serving.action_auth import HEADER, action_server_token
from tests.support.servers import free_port, stack_settings

pytestmark = pytest.mark.e2e

FORGED_SUBMIT = {
    "next_action": "action_submit_lead",
    "sender_id": "forger",
    "version": "3.6.21",
    "domain": {},
    "tracker": {
        "sender_id": "forger",
        "slots": {"consent": True, "lead_confirmed": True, "buyer_type": "clinic",
                  "lead_items": [["foot_roller", 5]], "email": "forged@example.com",
                  "contact_name": "Forger"},
        "latest_message": {"text": "submit", "intent": {"name": "affirm"}},
        "events": [],
        "paused": False, "followup_action": None, "active_loop": {},
        "latest_action_name": "action_listen",
    },
}  # fmt: skip


def call(url: str, body: dict | None = None, headers: dict | None = None) -> tuple:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("headers", [{}, {HEADER: "guess"}, {HEADER: ""}])
def test_a_forged_action_call_is_refused_and_writes_nothing(rasa_server, headers):
    status, body = call(rasa_server.settings.action_url, FORGED_SUBMIT, headers)
    assert status == 401, body
    assert b"forged@example.com" not in body
    make_uow = unit_of_work_factory(rasa_server.settings.database_url)
    assert not [r for r in services.list_leads(make_uow()) if r["conversation_id"] == "forger"]
    status, _ = call(rasa_server.settings.action_url.replace("/webhook", "/actions"))
    assert status == 401


def test_the_health_check_needs_no_secret_and_rasa_still_runs_actions(rasa_server):
    status, _ = call(rasa_server.settings.action_url.replace("/webhook", "/health"))
    assert status == 200
    # "what is reflexology" is answered by a custom action (actions/knowledge.py).
    assert "reflex" in " ".join(rasa_server.texts("locked-actions", "what is reflexology?")).lower()


def test_the_right_secret_is_accepted(rasa_server):
    token = action_server_token(rasa_server.settings)
    status, _ = call(rasa_server.settings.action_url.replace("/webhook", "/actions"), None,
                     {HEADER: token})  # fmt: skip
    assert status == 200


def listening_addresses(port: int) -> set:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_action_server_stays_on_loopback_when_the_others_are_public(tmp_path):
    settings = stack_settings(tmp_path, BIND_HOST="0.0.0.0", ACTION_PORT=str(free_port()))
    assert settings.action_url.startswith("http://127.0.0.1:")
    spec = processes.action_server(settings)
    with open(tmp_path / "action-server.log", "ab") as log:
        process = processes.start(spec, settings.project_dir, log)
    try:
        assert processes.wait_until_ready(spec, process, timeout=120), processes.tail(
            tmp_path / "action-server.log"
        )
        assert listening_addresses(settings.action_port) == {"0100007F"}  # 127.0.0.1 only
    finally:
        processes.stop(process)
