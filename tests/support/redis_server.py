"""A Redis server of the test's own, which a test may stop and start.

Tests of what happens during a Redis outage cannot stop the shared local
server (other tests and CI use it); each gets a redis-server on a free port.
"""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
import redis

from tests.support.servers import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class PrivateRedis:
    """A redis-server of the test's own, which it may stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self) -> list:
        return redis.Redis(port=self.port).keys("*")

    def calls(self, command: str) -> int:
        """How many times clients ran ``command`` (e.g. "set") since the server started."""
        stats = redis.Redis(port=self.port).info("commandstats")
        return int(stats.get(f"cmdstat_{command.lower()}", {}).get("calls", 0))


@pytest.fixture
def private_redis():
    """A running redis-server on a free port, stopped after the test."""
    if not shutil.which(REDIS_SERVER):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()
