"""Time ``bot admin train`` on the full training data (target: under 3 minutes on 2 cores).

Runs in a temporary copy of the project with its own models folder, so the
benchmark never promotes a model in the real tree. Usage:

    .venv/bin/python bench/bench_admin_train.py
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PARTS = ("config.yml", "domain.yml", "data", "tests/nlu_holdout", "tests/stories")
TARGET_SECONDS = 180


def copy_project(target: Path) -> None:
    for part in PARTS:
        origin, destination = PROJECT / part, target / part
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination)
        elif origin.exists():
            shutil.copy2(origin, destination)


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-admin-") as scratch:
        project = Path(scratch)
        copy_project(project)
        env = dict(os.environ, BOT_PROJECT_DIR=str(project), MODELS_DIR=str(project / "models"),
                   RASA_PORT=str(unused_port()), RASA_TOKEN="")  # fmt: skip
        start = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "bot.cli", "admin", "train"], env=env)
        seconds = time.perf_counter() - start
    verdict = "within" if seconds < TARGET_SECONDS else "OVER"
    print(f"bot admin train: {seconds:.1f} s ({verdict} the {TARGET_SECONDS} s target), "
          f"exit {result.returncode}")  # fmt: skip
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
