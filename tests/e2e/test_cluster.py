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
in tests/admin, without waiting a minute for Rasa to load). First, standard
socket.io clients chat through nginx: python-socketio and rasa-webchat; last,
Redis is stopped and a visitor still completes an enquiry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
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
from typing import Iterator, List

import pytest

from bot.admin.server import ServerReloadError, load_into_server
from bot.config import PROJECT_ROOT
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import services
from bot.leads.intake import fields as f
from bot.serving.load_balancer import find_nginx
from bot.training import MODEL_PREFIX
from tests.e2e.bot_run import BotRun, bot_run
from tests.e2e.socketio_client import SocketVisitor, texts
from tests.enquiry import ASK, REFERENCE
from tests.support.browser import chromium
from tests.support.database import (
    postgres_test_url,
    postgres_unreachable_reason,
    temporary_postgres_schema,
)
from tests.support.redis_server import REDIS_SERVER, PrivateRedis
from tests.web.rasa_webchat import Webchat, serve_page
from tests.web.rasa_webchat import webchat_bundle as bundle

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

VISITORS = 30
DIRECT_TURNS = 4  # first turns alternate between the instances' own ports
KILL_AFTER = 25  # turns through nginx before Rasa server 1 is killed
TOKEN = "cluster-test-token"
SECOND_MODEL = f"{MODEL_PREFIX}0123456789abcdef.tar.gz"  # the same model, "trained again"
ANY_TEXT = re.compile(r"\S")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ORDER = [f.ORGANISATION, f.NAME, f.EMAIL, f.PHONE, f.COUNTRY, f.TIMELINE, f.BUDGET,
         f.NOTES, f.CONSENT, f.CONFIRMED]  # fmt: skip


@pytest.fixture(scope="module")
def shared_services() -> Iterator[tuple]:
    """A fresh PostgreSQL schema and a Redis server of the test's own (it stops it)."""
    if find_nginx() is None:
        pytest.skip("nginx is not installed (.ci/run installs it: apt-get install nginx-light)")
    reason = postgres_unreachable_reason(postgres_test_url())
    if reason:
        pytest.skip(reason)
    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server is not installed")
    redis_server = PrivateRedis()
    redis_server.start()
    try:
        with temporary_postgres_schema(postgres_test_url()) as database_url:
            yield database_url, redis_server
    finally:
        redis_server.stop()


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


def enquire(
    number: int, public_url: str, instance_urls: List[str], traffic: Traffic,
    direct_turns: int = DIRECT_TURNS,
) -> dict:  # fmt: skip
    """Visitor ``number`` orders ``number + 10`` leg massagers, answering what is asked.

    The first ``direct_turns`` turns alternate between the instances' own ports.
    """
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
        if turn < direct_turns:
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


@dataclass
class Cluster:
    run: BotRun
    database_url: str
    redis_server: PrivateRedis
    models_dir: Path
    first_model: str  # what `bot run` started on

    @property
    def instance_urls(self) -> List[str]:
        return list(self.run.settings.rasa_instance_urls)


@pytest.fixture(scope="module")
def cluster(shared_services, trained_model, tmp_path_factory) -> Iterator[Cluster]:
    """``bot run`` with 2 Rasa and 2 action servers; the model also under a second name."""
    database_url, redis_server = shared_services
    work_dir = tmp_path_factory.mktemp("cluster")
    models_dir = work_dir / "models"
    models_dir.mkdir()
    shutil.copy(trained_model, models_dir)
    shutil.copy(trained_model, models_dir / SECOND_MODEL)
    with bot_run(
        work_dir, MODELS_DIR=str(models_dir), REDIS_URL=f"redis://127.0.0.1:{redis_server.port}/0",
        DATABASE_URL=database_url, TRACKER_STORE_URL=database_url,
        RASA_INSTANCES="2", ACTION_SERVERS="2", RASA_TOKEN=TOKEN,
    ) as run:  # fmt: skip
        assert "2 Rasa servers at" in run.output()
        yield Cluster(run, database_url, redis_server, models_dir, trained_model.name)


@pytest.mark.browser
def test_standard_socketio_clients_chat_through_the_load_balancer(cluster):
    """python-socketio over long-polling, rasa-webchat in Chromium upgraded to a WebSocket."""
    expect = pytest.importorskip("playwright.sync_api", reason="needs Playwright").expect
    public_url = cluster.run.settings.rasa_url
    assert texts(asyncio.run(socketio_turn(public_url, "hello"))), "no bot_uttered via nginx"
    origin = cluster.run.settings.cors_origins[0]
    with chromium() as browser:
        page = browser.new_page()
        sockets: List[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        try:
            webchat = Webchat(page).open(serve_page(page.context, origin, public_url, bundle()))
            expect(webchat.bot_messages.first).to_have_text(ANY_TEXT, timeout=30_000)
            answered = webchat.bot_messages.count()
            webchat.send("what is reflexology?")
            expect(webchat.bot_messages.nth(answered)).to_have_text(ANY_TEXT, timeout=30_000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "rasa-webchat-through-nginx.png"))
        finally:
            page.close()
    assert any("/socket.io/" in url and "transport=websocket" in url for url in sockets), sockets


def test_two_instances_lose_nothing_when_one_is_killed(cluster):
    run, settings, instance_urls = cluster.run, cluster.run.settings, cluster.instance_urls

    for url in instance_urls:  # a turn's lock is a SET in Redis (the spool uses hashes)
        before = cluster.redis_server.calls("set")
        assert post(url, "cluster-greeter", "hello", Traffic())
        assert cluster.redis_server.calls("set") > before, f"{url} locks nothing in Redis"

    # Rasa's HTTP API is behind the token, which `ps` does not show.
    rasa_pids = [run.child_pid(f"Rasa server {n}") for n in (1, 2)]
    for pid in rasa_pids:
        assert TOKEN.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
    intruder = dataclasses.replace(settings, rasa_token="wrong-token")
    with pytest.raises(ServerReloadError, match=r"HTTP 40[13]"):
        load_into_server(intruder, cluster.models_dir / SECOND_MODEL)
    assert [served_model(url) for url in instance_urls] == [cluster.first_model] * 2

    # An admin activates a model: both instances load it, in place, conversations kept.
    activated = admin_activate(settings, SECOND_MODEL)
    assert "2 of 2 running Rasa servers now use" in activated, activated
    assert [served_model(url) for url in instance_urls] == [SECOND_MODEL] * 2
    assert [run.child_pid(f"Rasa server {n}") for n in (1, 2)] == rasa_pids, "restarted"
    assert post(settings.rasa_url, "cluster-greeter", "hello", Traffic())
    assert user_said(instance_urls[1], "cluster-greeter") == ["hello"] * 3

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
    assert_each_enquiry_stored_once(cluster.database_url, results)
    assert len(leads_by_conversation(cluster.database_url)) == VISITORS, "no stray leads"


def test_visitors_are_answered_and_enquiries_stored_while_redis_is_down(cluster):
    settings = cluster.run.settings
    cluster.redis_server.stop()
    try:
        result = enquire(VISITORS, settings.rasa_url, [], Traffic(), direct_turns=0)
    finally:
        cluster.redis_server.start()
    assert REFERENCE.search(result["final"]), result["final"]
    assert_each_enquiry_stored_once(cluster.database_url, [result])
    assert post(settings.rasa_url, result["sender"], "thanks!", Traffic()), "after Redis is back"


async def socketio_turn(url: str, message: str) -> list:
    visitor = SocketVisitor(url)
    await visitor.connect()
    try:
        return await visitor.say(message)
    finally:
        await visitor.close()


def leads_by_conversation(database_url: str) -> dict:
    make_uow = unit_of_work_factory(database_url)
    by_conversation: dict = {}
    for row in services.list_leads(make_uow()):
        lead = services.get_lead(make_uow(), row["reference"])
        by_conversation.setdefault(lead["conversation_id"], []).append(lead)
    return by_conversation


def assert_each_enquiry_stored_once(database_url: str, results: List[dict]) -> None:
    """One lead per visitor, with that visitor's answers (never another's)."""
    by_conversation = leads_by_conversation(database_url)
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


def rasa_api(url: str, path: str) -> dict:
    with urllib.request.urlopen(f"{url}{path}?token={TOKEN}", timeout=30) as response:
        return json.loads(response.read())


def served_model(url: str) -> str:
    return Path(rasa_api(url, "/status")["model_file"]).name


def user_said(url: str, sender: str) -> List[str]:
    events = rasa_api(url, f"/conversations/{sender}/tracker")["events"]
    return [event.get("text") for event in events if event.get("event") == "user"]
