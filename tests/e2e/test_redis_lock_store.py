"""With REDIS_URL set, Rasa locks conversations in Redis (needed for several instances)."""

from __future__ import annotations

import pytest
import redis

from tests.servers import Stack, stack_settings

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

REDIS_DB = 7  # a database number no other test uses, to find Rasa's connection


@pytest.fixture(scope="module")
def redis_client():
    client = redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    return client


def test_rasa_uses_the_redis_lock_store(redis_client, trained_model, tmp_path):
    settings = stack_settings(tmp_path, REDIS_URL=f"redis://127.0.0.1:6379/{REDIS_DB}")
    stack = Stack(settings, trained_model, tmp_path)
    running = stack.start()
    try:
        assert running.texts("redis-lock-test", "hello")[0]
        assert running.texts("redis-lock-test", "are you a bot?")[0]
        databases = {int(client["db"]) for client in redis_client.client_list()}
        assert REDIS_DB in databases, "the Rasa server holds a connection to the lock store"
    finally:
        stack.stop()
