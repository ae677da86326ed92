"""A PostgreSQL server of the test's own, which a test may stop and start.

Tests of what happens during a database outage cannot stop the shared local
server; each gets a throw-away cluster (initdb) on a free port instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from bot.db import dispose_engine
from tests.support.servers import free_port

POSTGRES_BIN = Path(os.environ.get("TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))


def _missing_tools_reason() -> str | None:
    for tool in ("initdb", "pg_ctl"):
        if not os.access(POSTGRES_BIN / tool, os.X_OK):
            return f"{POSTGRES_BIN / tool} not found; set TEST_POSTGRES_BIN to PostgreSQL's bin/"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root and runuser is missing: PostgreSQL refuses to run as root"
    return None


class PrivateCluster:
    """A PostgreSQL server of our own, under ``root``, run as ``postgres`` when we are root."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        self.data, self.sockets, self.log = root / "data", root / "sockets", root / "server.log"
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self.running = False

    def _run(self, tool: str, *args: str) -> None:
        command = [str(POSTGRES_BIN / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        assert result.returncode == 0, f"{tool} failed:\n{result.stdout}{result.stderr}\n{log}"

    def create(self) -> None:
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-o", options, "start")  # fmt: skip
        self.running = True

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "stop", "-m", "fast")
        self.running = False


@pytest.fixture
def postgres_cluster() -> Iterator[PrivateCluster]:
    reason = _missing_tools_reason()
    if reason:
        pytest.skip(reason)
    # Not under pytest's tmp_path: its folders are private to us, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="lead-durability-pg-"))
    cluster = PrivateCluster(root)
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        try:
            if cluster.running:
                cluster.stop()
        finally:
            dispose_engine(cluster.url)
            shutil.rmtree(root, ignore_errors=True)
