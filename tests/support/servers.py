"""Start the real Rasa stack for tests: same commands as ``make run``, own ports and files."""

from __future__ import annotations

import json
import socket
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from bot import processes
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.db import upgrade


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_copy(target: Path) -> Path:
    """The project's files as symlinks, with an empty ``var/`` for spool, logs and databases.

    A stack started from it never writes into the developer's ``var/``.
    """
    target.mkdir()
    for entry in PROJECT_ROOT.iterdir():
        if entry.name != "var":
            (target / entry.name).symlink_to(entry)
    (target / "var").mkdir()
    return target


def stack_settings(work_dir: Path, **overrides: str) -> Settings:
    """Settings for a stack under test: free ports and databases inside ``work_dir``."""
    env: Dict[str, str] = {
        "BOT_PROJECT_DIR": str(PROJECT_ROOT),
        "DATABASE_URL": f"sqlite:///{work_dir / 'leads.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{work_dir / 'tracker.db'}",
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "MODELS_DIR": str(work_dir / "models"),
    }
    env.update(overrides)
    return load_settings(env)


@dataclass
class RunningStack:
    """A Rasa server and an action server talking to each other."""

    settings: Settings
    url: str
    log_dir: Path

    def chat(self, sender: str, message: str, timeout: float = 30.0) -> List[dict]:
        """Send one visitor message through the REST channel; return the bot's messages."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def texts(self, sender: str, message: str) -> List[str]:
        return [m.get("text", "") for m in self.chat(sender, message)]


class Stack:
    """Starts and stops the servers of a :class:`RunningStack`."""

    def __init__(self, settings: Settings, model: Path, log_dir: Path) -> None:
        self.settings = settings
        self.model = model
        self.log_dir = log_dir
        self.children: list = []

    def start(self) -> RunningStack:
        upgrade(self.settings.database_url)
        specs = [
            processes.action_server(self.settings),
            processes.rasa_server(self.settings, self.model),
        ]
        for spec in specs:
            log_path = self.log_dir / (spec.name.replace(" ", "-") + ".log")
            with open(log_path, "ab") as log_file:
                process = processes.start(spec, self.settings.project_dir, log_file)
            self.children.append(process)
            if not processes.wait_until_ready(spec, process, timeout=300):
                self.stop()
                raise RuntimeError(f"{spec.name} not ready:\n{processes.tail(log_path, 60)}")
        return RunningStack(self.settings, self.settings.rasa_url, self.log_dir)

    def stop(self) -> None:
        for process in reversed(self.children):
            processes.stop(process)
        self.children.clear()


def reply_texts(messages: List[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def first_buttons(messages: List[dict]) -> list | None:
    return next((m["buttons"] for m in messages if m.get("buttons")), None)
