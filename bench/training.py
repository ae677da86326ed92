"""Training times of both bots, cached in ``var/bench/training-times.json``.

Training takes minutes on two cores, so a benchmark run trains only what is
missing (the stock bot, once) or what it is asked to (``--train``), and
otherwise reports the last measured time together with when it was measured.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Optional

from bot.training import fingerprint, rasa_environment, train

PRODUCT_INPUTS = ("config.yml", "domain.yml", "data")


def cache_path(bench_dir: Path) -> Path:
    return bench_dir / "training-times.json"


def read_times(bench_dir: Path) -> Dict[str, dict]:
    path = cache_path(bench_dir)
    return json.loads(path.read_text()) if path.exists() else {}


def _record(bench_dir: Path, system: str, seconds: float, **extra: str) -> None:
    times = read_times(bench_dir)
    measured = datetime.now(timezone.utc).isoformat(timespec="seconds")
    times[system] = {"seconds": round(seconds, 1), "measured": measured, **extra}
    cache_path(bench_dir).write_text(json.dumps(times, indent=2) + "\n")


def stock_model(stock_dir: Path) -> Optional[Path]:
    models = sorted((stock_dir / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def ensure_stock_bot(bench_dir: Path, log=print) -> Path:
    """The default moodbot of ``rasa init``, created and trained once, timed as it trains.

    It is built in a scratch folder and renamed into place, so an interrupted
    ``rasa init`` never leaves a half-made bot that later runs would trust.
    """
    stock_dir = bench_dir / "stock"
    if stock_model(stock_dir) is not None:
        return stock_dir
    bench_dir.mkdir(parents=True, exist_ok=True)
    log("Creating the stock bot with `rasa init --no-prompt` (trains it, about a minute)...")
    with tempfile.TemporaryDirectory(dir=bench_dir, prefix=".stock-") as scratch:
        seconds = _timed_run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", scratch],
            Path(scratch),
        )
        shutil.rmtree(stock_dir, ignore_errors=True)
        Path(scratch).rename(stock_dir)
    _record(bench_dir, "stock", seconds, how="rasa init --no-prompt (scaffold + train)")
    return stock_dir


def time_product_training(bench_dir: Path, project_dir: Path, model: Path, log=print) -> float:
    """``rasa train`` of the product, timed.

    Trains ``model`` itself when it does not exist yet (so ``make run`` will not
    train it again); otherwise a scratch copy of the training data, so a
    benchmark never replaces a model the product serves.
    """
    log("Timing `rasa train` of the product (a minute or two)...")
    with tempfile.TemporaryDirectory(dir=bench_dir, prefix=".train-") as scratch:
        copy, target = project_dir, model
        if model.exists():
            copy, target = Path(scratch), Path(scratch) / "models" / "model.tar.gz"
            for name in PRODUCT_INPUTS:
                origin = project_dir / name
                if origin.is_dir():
                    shutil.copytree(origin, copy / name)
                else:
                    shutil.copy2(origin, copy / name)
        started = time.perf_counter()
        train(copy, target, log=lambda _: None)
        seconds = time.perf_counter() - started
    _record(bench_dir, "product", seconds, how="rasa train", data=fingerprint(project_dir))
    return seconds


def _timed_run(command: list, cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=cwd, env=rasa_environment(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-30:])
        raise RuntimeError(f"{command[3:5]} failed (exit {result.returncode}):\n{tail}")
    return seconds
