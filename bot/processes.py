"""How to start each server of the assistant, and how to tell it is ready.

Shared by the ``make run`` supervisor and the end-to-end tests, so the tests
exercise exactly the commands a user runs.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, List, Optional, Tuple

from bot.config import Settings
from bot.training import rasa_environment

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class ServerSpec:
    """A server process: what to run and which URL answers once it is ready.

    A worker without an HTTP interface has no ``health_url``: it counts as
    ready once it has survived its first second.
    """

    name: str
    command: List[str]
    health_url: Optional[str]
    env: dict
    ready_timeout: float = 60.0  # seconds; Rasa loads TensorFlow and the model first
    kind: str = ""  # servers of one kind (the Rasa servers) start together; default: the name

    @property
    def start_group(self) -> str:
        return self.kind or self.name


def base_environment(settings: Settings) -> dict:
    """The environment of every process ``bot run`` starts: Rasa's quiet settings and ours."""
    env = rasa_environment()
    env.update(settings.child_environment())
    env["PYTHONUNBUFFERED"] = "1"
    return env


def action_server(settings: Settings, number: int = 1) -> ServerSpec:
    """rasa-sdk behind the shared secret, on ``ACTION_BIND_HOST`` (loopback by default).

    Clustered, server ``number`` listens on loopback on its own port, behind nginx.
    """
    command = [sys.executable, "-m", "bot.serving.action_server"]
    env = base_environment(settings)
    if not settings.clustered:
        health = settings.action_url.replace("/webhook", "/health")
        return ServerSpec("action server", command, health, env, ready_timeout=90.0)
    port = settings.action_server_ports[number - 1]
    env.update(ACTION_PORT=str(port), ACTION_BIND_HOST="127.0.0.1")
    health = f"http://127.0.0.1:{port}/health"
    return ServerSpec(f"action server {number}", command, health, env, 90.0, "action server")


def rasa_server(settings: Settings, model: Path, number: int = 1) -> ServerSpec:
    """``rasa run`` through our launcher, which adds the secrets outside the command line.

    Clustered, instance ``number`` listens on loopback on its own port, behind nginx.
    """
    name, host = "Rasa server", settings.bind_host
    if settings.clustered:
        name, host = f"Rasa server {number}", "127.0.0.1"
    port = settings.rasa_instance_ports[number - 1]
    command = [
        sys.executable, "-m", "bot.serving.rasa_server", "run",
        "--model", str(model),
        "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
        "--interface", host, "--port", str(port),
        "--cors", *settings.cors_origins,
    ]  # fmt: skip
    health = settings.rasa_instance_urls[number - 1] + "/"
    return ServerSpec(name, command, health, base_environment(settings), 300.0, "Rasa server")


def web_server(settings: Settings) -> ServerSpec:
    command = [sys.executable, "-m", "bot.cli", "web"]
    return ServerSpec("web server", command, settings.web_url + "/", base_environment(settings))


def dispatcher(settings: Settings) -> ServerSpec:
    command = [sys.executable, "-m", "bot.cli", "handoff", "dispatch"]
    return ServerSpec("lead dispatcher", command, None, base_environment(settings))


def workspace(settings: Settings) -> ServerSpec:
    command = [sys.executable, "-m", "bot.cli", "workspace"]
    return ServerSpec("workspace", command, settings.workspace_url + "/healthz",
                      base_environment(settings))  # fmt: skip


def start(spec: ServerSpec, cwd: Path, log_file: IO) -> subprocess.Popen:
    """Start ``spec`` in its own process group so it can be stopped as a whole."""
    return subprocess.Popen(
        spec.command, cwd=cwd, env=spec.env, stdout=log_file, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=_terminate_with_parent,
    )  # fmt: skip


def _terminate_with_parent() -> None:
    """Ask Linux to SIGTERM the child if its supervisor dies, even by SIGKILL.

    Its own session keeps a terminal's Ctrl-C from reaching it directly (the
    supervisor stops children in order), so without this a killed supervisor
    would leave servers holding their ports.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the supervisor's own stop() still applies
        pass


class ServerDied(RuntimeError):
    """A server exited before it became ready."""


def wait_until_ready(
    spec: ServerSpec,
    process: subprocess.Popen,
    timeout: float,
    is_stopping: Callable[[], bool] = lambda: False,
) -> bool:
    """Poll until ``spec`` is ready; False on timeout or when asked to stop."""
    started = time.monotonic()
    while time.monotonic() - started < timeout and not is_stopping():
        if process.poll() is not None:
            raise ServerDied(f"{spec.name} exited with code {process.returncode}")
        if is_ready(spec, time.monotonic() - started):
            return True
        time.sleep(0.5)
    return False


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the whole process group, then SIGKILL whatever outlives ``grace``."""
    for signal_number, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, signal_number)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        if not _group_alive(process.pid):
            break
    process.poll()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def tail(path: Path | None, lines: int = 25) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def is_ready(spec: ServerSpec, running_for: float) -> bool:
    """One readiness check of a running server (see :class:`ServerSpec`)."""
    if spec.health_url is None:
        return running_for >= 1.0
    return answers(spec.health_url)


def ports_in_use(addresses: List[Tuple[str, int]]) -> List[int]:
    """The ports of ``(host, port)`` addresses another process already listens on.

    ``bot shell`` checks first: finding out from Rasa means waiting for it to
    load a model, then a bind error that it reports with exit code 0.
    """
    taken = []
    for host, port in addresses:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not fooled by TIME_WAIT
            try:
                probe.bind((host, port))
            except OSError:
                taken.append(port)
    return taken
