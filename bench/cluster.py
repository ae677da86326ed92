"""``make bench-cluster``: 2 Rasa + 2 action servers behind nginx against 1 + 1, same run.

Both set-ups are started with ``bot run`` exactly as a user starts them, on
the local PostgreSQL (a throw-away schema each) and Redis, so the number of
instances is the only difference. Rounds alternate between them (the order
rotates) with the same concurrent visitors as ``make bench``; the ratio is
taken per round and the median reported. On this 2-core machine the second
instance competes with the load generator, PostgreSQL and the action servers
for the same two cores: the figure says what a second core's worth of Rasa
buys here, not what a second host would.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from bench import conversations, load, report
from bot.config import PROJECT_ROOT, load_settings
from bot.serving.cluster import redis_problem
from bot.serving.load_balancer import find_nginx
from bot.training import ensure_model
from tests.e2e.bot_run import bot_run
from tests.support.database import (
    postgres_test_url,
    postgres_unreachable_reason,
    temporary_postgres_schema,
)

REDIS = "redis://127.0.0.1:6379/{db}"
SET_UPS = {"1 instance": 1, "2 instances": 2}


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench-cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20.0, help="per set-up and round")
    parser.add_argument(
        "--parse-cache-size", default="4096", help="PARSE_CACHE_SIZE of both (0: every text new)"
    )
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[bench-cluster {time.strftime('%H:%M:%S')}] {message}", flush=True)


def missing() -> List[str]:
    problems = []
    if find_nginx() is None:
        problems.append("nginx is not installed (apt-get install nginx-light)")
    reason = postgres_unreachable_reason(postgres_test_url())
    if reason:
        problems.append(reason)
    problem = redis_problem(REDIS.format(db=0))
    if problem:
        problems.append(f"Redis does not answer on 127.0.0.1:6379 ({problem})")
    return problems


def main() -> int:
    arguments = parse_arguments()
    problems = missing()
    if problems:
        print("\n".join(problems))
        return 1
    settings = load_settings()
    bench_dir = settings.var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    model = ensure_model(PROJECT_ROOT, settings.models_dir, log=log)
    with contextlib.ExitStack() as stack:
        work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=bench_dir)))
        urls = {}
        for name, count in SET_UPS.items():
            log(f"Starting {name} with bot run...")
            database = stack.enter_context(temporary_postgres_schema(postgres_test_url()))
            (work_dir / name).mkdir()
            run = stack.enter_context(bot_run(
                work_dir / name, MODELS_DIR=str(model.parent), DATABASE_URL=database,
                TRACKER_STORE_URL=database, REDIS_URL=REDIS.format(db=13 + count),
                RASA_INSTANCES=str(count), ACTION_SERVERS=str(count),
                PARSE_CACHE_SIZE=arguments.parse_cache_size,
            ))  # fmt: skip
            urls[name] = run.settings.rasa_url + "/webhooks/rest/webhook"
        rounds = measure(urls, arguments)
    summary = summarise(rounds, arguments)
    report.write_json(summary, bench_dir / "cluster.json")
    print_summary(summary)
    print(f"\nFigures: {bench_dir / 'cluster.json'}")
    return 0


def measure(urls: Dict[str, str], arguments: argparse.Namespace) -> List[Dict[str, dict]]:
    scripts = conversations.visits("product")
    for url in urls.values():  # warm-up: first turns load lazily on every instance
        asyncio.run(load.visitors(url, scripts, 4, 5))
    names, rounds = list(urls), []
    for number in range(arguments.rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        figures = {}
        for name in order:
            phase = asyncio.run(
                load.visitors(urls[name], scripts, arguments.visitors, arguments.seconds, number)
            )
            figures[name] = report.load_figures(phase, 0.0, 0.0)
            log(f"round {number + 1}: {name}: {figures[name]['throughput']:.1f} msg/s, "
                f"p95 {figures[name]['p95_ms']:.0f} ms, errors {phase.errors}")  # fmt: skip
        rounds.append(figures)
    return rounds


def summarise(rounds: List[Dict[str, dict]], arguments: argparse.Namespace) -> dict:
    one, two = SET_UPS
    ratios = [r[two]["throughput"] / r[one]["throughput"] for r in rounds]
    median = {
        name: {key: statistics.median(r[name][key] for r in rounds)
               for key in ("throughput", "p50_ms", "p95_ms", "errors")}
        for name in SET_UPS
    }  # fmt: skip
    return {
        "settings": {k: str(v) for k, v in vars(arguments).items()},
        "rounds": rounds,
        "median_of_rounds": median,
        "throughput_ratio_per_round": ratios,
        "throughput_ratio": statistics.median(ratios),
    }


def print_summary(summary: dict) -> None:
    print(f"\n{'set-up':<14}{'msg/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    for name, figures in summary["median_of_rounds"].items():
        print(f"{name:<14}{figures['throughput']:>8.1f}{figures['p50_ms']:>9.0f}"
              f"{figures['p95_ms']:>9.0f}{figures['errors']:>8.0f}")  # fmt: skip
    per_round = ", ".join(f"{r:.2f}" for r in summary["throughput_ratio_per_round"])
    print(f"\n2 instances / 1 instance throughput: {summary['throughput_ratio']:.2f}x "
          f"(per round: {per_round})")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
