"""Two Rasa servers and two action servers behind nginx, on PostgreSQL and Redis: nothing lost.

``bot run --instances 2 --action-servers 2`` as a user starts it. Thirty
visitors fill in the enquiry form at the same time: their first turns go to
the two Rasa servers in turn, directly on each one's port, so every
conversation moves between instances at every message; then they go on
through nginx, the public entry, and one Rasa server is killed while they
do. Every visitor must finish at the right questions in the right order,
and every enquiry must be stored exactly once, with that visitor's answers.
Before the traffic an admin activates another model, which both instances
must serve (that a restarted instance starts on the active model is checked
in tests/admin, without waiting a minute for Rasa to load).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

import pytest
import redis

from bot.config import PROJECT_ROOT
from bot.db.testing import postgres_test_url, postgres_unreachable_reason, temporary_postgres_schema
from bot.leads import services
from bot.leads.intake import fields as f
from bot.leads.unit_of_work import unit_of_work_factory
from bot.serving.load_balancer import find_nginx
from bot.training import MODEL_PREFIX
from tests.e2e.bot_run import bot_run
from tests.enquiry import ASK, REFERENCE

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

VISITORS = 30
DIRECT_TURNS = 4  # first turns alternate between the instances' own ports
KILL_AFTER = 25  # turns through nginx before Rasa server 1 is killed
REDIS_DB = 9  # no other test uses it
TOKEN = "cluster-test-token"
ORDER = [f.ORGANISATION, f.NAME, f.EMAIL, f.PHONE, f.COUNTRY, f.TIMELINE, f.BUDGET,
         f.NOTES, f.CONSENT, f.CONFIRMED]  # fmt: skip


@pytest.fixture(scope="module")
def shared_services():
    """A fresh PostgreSQL schema and an empty Redis database; skips if either is down."""
    if find_nginx() is None:
        pytest.skip("nginx is not installed (.ci/run installs it: apt-get install nginx-light)")
    reason = postgres_unreachable_reason(postgres_test_url())
    if reason:
        pytest.skip(reason)
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    with temporary_postgres_schema(postgres_test_url()) as database_url:
        yield database_url, f"redis://127.0.0.1:6379/{REDIS_DB}"
    client.flushdb()


@dataclass
class Traffic:
    """What every visitor thread reports, and the moment of the kill."""

    nginx_turns: int = 0
    turns_after_kill: int = 0
    retries: int = 0
    killed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count_nginx_turn(self) -> None:
        with self.lock:
            self.nginx_turns += 1
            self.turns_after_kill += self.killed.is_set()


def post(url: str, sender: str, text: str, traffic: Traffic) -> str:
    """One turn; a refused or cut-off turn is sent again, as a visitor would."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    for _ in range(40):
        request = urllib.request.Request(
            url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return " ".join(m.get("text", "") for m in json.loads(response.read()))
        except urllib.error.HTTPError as error:
            if error.code not in (502, 503):
                raise
        except (urllib.error.URLError, ConnectionError):
            pass
        with traffic.lock:
            traffic.retries += 1
        time.sleep(0.5)
    raise AssertionError(f"{sender}: {text!r} was never answered")


def asked(reply: str) -> str | None:
    """The form question ``reply`` ends with."""
    found = [(reply.lower().rfind(phrase), slot) for slot, phrase in ASK.items()]
    position, slot = max(found)
    return slot if position >= 0 else None


def enquire(number: int, public_url: str, instance_urls: List[str], traffic: Traffic) -> dict:
    """Visitor ``number`` orders ``number + 10`` leg massagers, answering what is asked."""
    sender = f"cluster-visitor-{number}"
    answers = {
        f.ORGANISATION: f"Clinic number {number}", f.NAME: "Jo Bloggs",
        f.EMAIL: f"buyer{number}@example.com", f.PHONE: "+44 20 7946 0000",
        f.COUNTRY: "Germany", f.TIMELINE: "Within a month", f.BUDGET: "about 5000 EUR",
        f.NOTES: "skip", f.CONSENT: "Yes, you may contact me", f.CONFIRMED: "Submit",
    }  # fmt: skip
    said = [f"we'd like to order {number + 10} whole leg massagers for our clinic"]
    questions = []
    for turn in range(len(ORDER) + 1):
        if turn < DIRECT_TURNS:
            reply = post(instance_urls[turn % 2], sender, said[-1], traffic)
        else:
            reply = post(public_url, sender, said[-1], traffic)
            traffic.count_nginx_turn()
        if turn == len(ORDER):
            return {"sender": sender, "questions": questions, "final": reply}
        questions.append(asked(reply))
        assert questions[-1] == ORDER[turn], f"{sender} said {said} and was asked {questions}"
        said.append(answers[questions[-1]])
    raise AssertionError("unreachable")


def kill_when_busy(run, traffic: Traffic) -> int:
    """SIGKILL Rasa server 1 once visitors are mid-form through nginx; returns its pid."""
    deadline = time.monotonic() + 300
    while traffic.nginx_turns < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = run.child_pid("Rasa server 1")
    os.kill(pid, signal.SIGKILL)
    traffic.killed.set()
    return pid


def test_two_instances_lose_nothing_when_one_is_killed(shared_services, trained_model, tmp_path):
    database_url, redis_url = shared_services
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    shutil.copy(trained_model, models_dir)
    second = models_dir / f"{MODEL_PREFIX}0123456789abcdef.tar.gz"  # another "training"
    shutil.copy(trained_model, second)
    with bot_run(
        tmp_path, MODELS_DIR=str(models_dir), REDIS_URL=redis_url,
        DATABASE_URL=database_url, TRACKER_STORE_URL=database_url,
        RASA_INSTANCES="2", ACTION_SERVERS="2", RASA_TOKEN=TOKEN,
    ) as run:  # fmt: skip
        settings = run.settings
        instance_urls = list(settings.rasa_instance_urls)
        assert "2 Rasa servers at" in run.output()

        # An admin activates a model: both instances load it.
        activated = admin_activate(settings, second.name)
        assert "2 of 2 running Rasa servers now use" in activated, activated
        assert [served_model(url) for url in instance_urls] == [second.name] * 2

        traffic = Traffic()
        with ThreadPoolExecutor(VISITORS + 1) as pool:
            killer = pool.submit(kill_when_busy, run, traffic)
            visits = [
                pool.submit(enquire, n, settings.rasa_url, instance_urls, traffic)
                for n in range(VISITORS)
            ]
            results = [visit.result(timeout=600) for visit in visits]
            killed_pid = killer.result(timeout=10)

        assert traffic.turns_after_kill >= VISITORS, "the kill came after most of the traffic"
        run.wait_for("The Rasa server 1 exited with code -9", 30)
        assert killed_pid != run.child_pid("Rasa server 2")
        for result in results:
            assert REFERENCE.search(result["final"]), f"{result['sender']}: {result['final']!r}"
        assert_each_enquiry_stored_once(database_url, results)


def assert_each_enquiry_stored_once(database_url: str, results: List[dict]) -> None:
    make_uow = unit_of_work_factory(database_url)
    leads = [services.get_lead(make_uow(), row["reference"])
             for row in services.list_leads(make_uow())]  # fmt: skip
    by_conversation: dict = {}
    for lead in leads:
        by_conversation.setdefault(lead["conversation_id"], []).append(lead)
    assert sorted(by_conversation) == sorted(r["sender"] for r in results)
    for result in results:
        (lead,) = by_conversation[result["sender"]]
        number = int(result["sender"].rsplit("-", 1)[1])
        assert REFERENCE.search(result["final"]).group(0) == lead["reference"]
        assert lead["items"] == [{"product": "whole_leg_massager", "quantity": number + 10}]
        assert (lead["email"], lead["organisation"]) == (
            f"buyer{number}@example.com",
            f"Clinic number {number}",
        )


def admin_activate(settings, model_name: str) -> str:
    """``bot admin activate``, as an admin runs it beside the running cluster."""
    env = {**os.environ, **settings.child_environment()}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "admin", "activate", model_name],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def served_model(url: str) -> str:
    with urllib.request.urlopen(f"{url}/status?token={TOKEN}", timeout=30) as response:
        return Path(json.loads(response.read())["model_file"]).name
