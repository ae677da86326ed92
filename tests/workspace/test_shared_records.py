"""With REDIS_URL, every workspace instance shares the login throttle and the signed-out sessions.

Two objects (or two applications with separate var dirs) on one Redis stand for
two instances on different machines. Redis database 12 is used by these
tests only, and each test deletes exactly the keys it made.
"""

from __future__ import annotations

import random
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest
import redis
from starlette.testclient import TestClient

from bot.config import Settings, load_settings
from bot.workspace.app import create_app
from bot.workspace.context import workspace_from_settings
from bot.workspace.redis_store import KEY_PREFIX, RedisStore, StoreUnavailable
from bot.workspace.revocation import Session, SharedRevokedSessions
from bot.workspace.throttle import SharedLoginThrottle
from tests.workspace.conftest import csrf_of, sign_in

pytestmark = pytest.mark.redis


class ManualClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


REDIS_URL = "redis://127.0.0.1:6379/12"
KEY = ("team", "10.0.0.1")


@pytest.fixture(scope="module")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"{KEY_PREFIX}test-{uuid.uuid4().hex}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=prefix + "*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def instance(prefix) -> Callable[[], RedisStore]:
    """Each call is another instance: its own client on the shared Redis."""
    return lambda: RedisStore.from_url(REDIS_URL, prefix=prefix)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/12"


# --- the login throttle --------------------------------------------------------------


def test_failures_on_one_instance_delay_the_other_and_success_clears_both(instance):
    one = SharedLoginThrottle(instance(), free_attempts=2, base_delay=30)
    two = SharedLoginThrottle(instance(), free_attempts=2, base_delay=30)
    assert [one.admit(KEY), two.admit(KEY), one.admit(KEY)] == [0, 0, 0]
    assert 29 < two.admit(KEY) <= 30 and 29 < one.admit(KEY) <= 30
    assert two.admit(("team", "10.0.0.2")) == 0  # other keys are not slowed down

    two.succeeded(KEY)
    assert [one.admit(KEY), one.admit(KEY), two.admit(KEY)] == [0, 0, 0]
    assert two.admit(KEY) > 0


def test_parallel_guesses_on_two_instances_get_the_free_attempts_once(instance):
    throttles = [SharedLoginThrottle(instance(), free_attempts=3, base_delay=30)] * 10
    throttles += [SharedLoginThrottle(instance(), free_attempts=3, base_delay=30)] * 10
    waits = []
    threads = [threading.Thread(target=lambda t=t: waits.append(t.admit(KEY))) for t in throttles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits)[:5] == [0, 0, 0, 0, pytest.approx(30, abs=1)]


def test_records_expire_in_redis(instance, redis_client, prefix):
    throttle = SharedLoginThrottle(
        instance(), free_attempts=1, base_delay=0.2, max_delay=0.2, forget_after=0.2
    )
    assert throttle.admit(KEY) == 0 and throttle.admit(KEY) == 0
    assert 0 < throttle.admit(KEY) <= 0.2
    attempts, wait = (f"{prefix}throttle:{part}:team/10.0.0.1" for part in ("attempts", "wait"))
    assert redis_client.get(attempts) == "2"
    assert 0 < redis_client.pttl(attempts) <= 200 and 0 < redis_client.pttl(wait) <= 200

    time.sleep(0.3)
    assert redis_client.exists(attempts, wait) == 0
    assert throttle.admit(KEY) == 0 and throttle.admit(KEY) == 0  # counted afresh
    assert throttle.admit(KEY) > 0


def test_without_redis_the_throttle_falls_back_to_its_own_record():
    clock = ManualClock()
    throttle = SharedLoginThrottle(
        RedisStore.from_url(closed_port_url()), free_attempts=1, base_delay=2, clock=clock
    )
    assert throttle.admit(KEY) == 0 and throttle.admit(KEY) == 0
    assert throttle.admit(KEY) == 2  # still slowed down, never locked out
    clock.advance(2)
    assert throttle.admit(KEY) == 0
    throttle.succeeded(KEY)
    assert throttle.admit(KEY) == 0 and len(throttle) == 1


# --- signed-out sessions -------------------------------------------------------------


def test_a_session_ended_on_one_instance_is_refused_on_the_other(instance, tmp_path):
    one = SharedRevokedSessions(instance(), tmp_path / "one" / "signed-out.txt")
    two = SharedRevokedSessions(instance(), tmp_path / "two" / "signed-out.txt")
    ended, other = session(100), session(100)
    one.revoke(ended)
    assert two.is_revoked(ended) and one.is_revoked(ended)
    assert not two.is_revoked(other) and not one.is_revoked(other)


def test_an_ended_session_is_kept_as_long_as_it_would_have_lasted(instance, redis_client, prefix):
    ended = session(100)
    SharedRevokedSessions(instance()).revoke(ended)
    assert 98 <= redis_client.ttl(f"{prefix}revoked:{ended.nonce}") <= 100


def test_without_redis_sign_out_holds_on_this_instance_and_is_shared_once_redis_is_back(
    instance, prefix, tmp_path
):
    store = RedisStore.from_url(closed_port_url(), prefix=prefix, retry_after=0)
    here = SharedRevokedSessions(store, tmp_path / "here.txt")
    elsewhere = SharedRevokedSessions(instance())
    ended = session(100)
    here.revoke(ended)
    assert here.is_revoked(ended)  # no exception, and refused where it was ended
    assert not here.is_revoked(session(100))
    assert not elsewhere.is_revoked(ended)  # the documented gap while Redis is away

    store.client = instance().client  # Redis answers again
    assert not here.is_revoked(session(100))  # any check shares what was ended meanwhile
    assert elsewhere.is_revoked(ended)


def test_after_a_failure_redis_is_left_alone_for_a_moment():
    clock = ManualClock()
    store = RedisStore.from_url(closed_port_url(), retry_after=5, clock=clock)
    calls = []
    for _ in range(3):
        with pytest.raises(StoreUnavailable):
            store.run(lambda client: calls.append(1) or client.ping())
    assert len(calls) == 1
    clock.advance(5)
    with pytest.raises(StoreUnavailable):
        store.run(lambda client: calls.append(1) or client.ping())
    assert len(calls) == 2


def session(lifetime: int) -> Session:
    return Session(uuid.uuid4().hex, int(time.time()) + lifetime)


# --- through two workspace applications ---------------------------------------------------


def instance_settings(settings: Settings, home: Path, redis_url: str) -> Settings:
    """A workspace on its own machine (its own var dir) sharing the database and Redis."""
    return load_settings({"BOT_PROJECT_DIR": str(home), "DATABASE_URL": settings.database_url,
                          "REDIS_URL": redis_url})  # fmt: skip


def workspace_client(settings: Settings, address: str = "127.0.0.1") -> TestClient:
    return TestClient(create_app(workspace_from_settings(settings)), follow_redirects=False,
                      client=(address, 5000))  # fmt: skip


@pytest.fixture
def two_instances(settings, accounts, tmp_path, redis_client):
    return [instance_settings(settings, tmp_path / name, REDIS_URL) for name in ("one", "two")]


@pytest.fixture
def address(redis_client) -> Iterator[str]:
    """A client address of this test's own; its throttle keys are deleted afterwards."""
    address = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    yield address
    keys = list(redis_client.scan_iter(match=f"{KEY_PREFIX}throttle:*{address}*"))
    if keys:
        redis_client.delete(*keys)


def test_a_guesser_alternating_between_instances_gets_no_extra_tries(two_instances, address):
    one, two = (workspace_client(settings, address) for settings in two_instances)
    statuses = [sign_in(client, "sam", "wrong").status_code for client in (one, two) * 3]
    assert statuses == [401] * 4 + [429] * 2  # three free, one more, then wait 1 s
    assert sign_in(one, "sam").status_code == 429 and sign_in(two, "sam").status_code == 429

    time.sleep(1.05)
    assert sign_in(two, "sam").status_code == 303  # the right password once the wait is over


def test_sign_out_on_one_instance_holds_on_the_other(two_instances, redis_client):
    first, second = two_instances
    leaving, staying = workspace_client(first), workspace_client(second)
    assert sign_in(leaving, "sam").status_code == 303 and sign_in(staying, "ada").status_code == 303
    copied = dict(leaving.cookies)
    page = leaving.get("/")
    assert leaving.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    thief = workspace_client(second)
    thief.cookies.update(copied)
    assert thief.get("/").status_code == 303
    assert staying.get("/").status_code == 200


def test_a_workspace_whose_redis_is_down_keeps_serving(settings, accounts, tmp_path):
    alone = instance_settings(settings, tmp_path / "alone", closed_port_url())
    guesser = workspace_client(alone, "127.0.0.9")
    statuses = [sign_in(guesser, "sam", "wrong").status_code for _ in range(6)]
    assert statuses == [401] * 4 + [429] * 2  # throttled by this instance alone
    user = workspace_client(alone, "127.0.0.2")
    assert sign_in(user, "sam").status_code == 303 and user.get("/").status_code == 200
    copied = dict(user.cookies)
    assert user.post("/logout", data={"csrf": csrf_of(user.get("/").text)}).status_code == 303
    thief = workspace_client(alone)
    thief.cookies.update(copied)
    assert thief.get("/").status_code == 303
