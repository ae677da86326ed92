"""``make bench``: the assistant against stock ``rasa init`` bots, ratios from one run.

Starts the product (its default SQLite tracker store), the product again with
its NLU cache off (``product-uncached``: the scripts repeat their texts, a
real visitor does not always), and the stock moodbot with Rasa's in-memory
and SQL (SQLite) tracker stores, each on a free loopback port, then:

1. ``--rounds`` load rounds; in each, every system in turn (the order rotates)
   gets ``--visitors`` concurrent visitors for ``--seconds``: throughput,
   p50/p95/p99, Rasa CPU per turn, RSS afterwards;
2. one long conversation per system, the systems interleaved turn by turn:
   p50 of turns 1-50 against turns 251-300;
3. cold start to first reply, and training times (cached, see ``training.py``).

Prints a table, the ratios and the goals of issue 13, and writes
``var/bench/results.json`` and ``var/bench/latency-over-turns.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List

from bench import conversations, load, procstat, report, systems, training
from bot.config import PROJECT_ROOT, load_settings
from bot.training import ensure_model, fingerprint, model_path


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15.0, help="per system and round")
    parser.add_argument("--turns", type=int, default=300, help="of the long conversation")
    parser.add_argument("--long-budget", type=float, default=300.0, help="seconds")
    parser.add_argument("--train", action="store_true", help="time the product's training again")
    parser.add_argument("--out", type=Path, default=None, help="default: var/bench")
    return parser.parse_args()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> None:
    arguments = parse_arguments()
    settings = load_settings()
    bench_dir = arguments.out or settings.var_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)

    stock_dir = training.ensure_stock_bot(bench_dir, log)
    product_model = model_path(PROJECT_ROOT, settings.models_dir)
    last_timing = training.read_times(bench_dir).get("product", {})
    timed = last_timing.get("data") == fingerprint(PROJECT_ROOT)
    if arguments.train or not product_model.exists() or not timed:
        training.time_product_training(bench_dir, PROJECT_ROOT, product_model, log)
    product_model = ensure_model(PROJECT_ROOT, settings.models_dir, log=log)

    work_dir = Path(tempfile.mkdtemp(dir=bench_dir, prefix=".run-"))
    running: Dict[str, systems.System] = {}
    try:
        log("Starting the product and the two stock bots (cold starts are timed)...")
        running[report.PRODUCT] = systems.start_product(product_model, work_dir)
        running[report.UNCACHED] = systems.start_product(
            product_model, work_dir, report.UNCACHED, PARSE_CACHE_SIZE="0"
        )
        stock_model = training.stock_model(stock_dir)
        for sqlite in (False, True):
            system = systems.start_stock(stock_dir, stock_model, work_dir, sqlite)
            running[system.name] = system
        summary = measure(running, arguments)
    finally:
        for system in running.values():
            system.stop()
    summary["training"] = training.read_times(bench_dir)
    publish(summary, bench_dir)
    shutil.rmtree(work_dir, ignore_errors=True)


def measure(running: Dict[str, systems.System], arguments: argparse.Namespace) -> dict:
    names = list(running)
    rounds: List[Dict[str, Dict[str, float]]] = []
    for name in names:  # warm-up: first turns load lazily in every system
        asyncio.run(load.visitors(running[name].webhook, conversations.visits(_kind(name)), 2, 3))
    for number in range(arguments.rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        figures = {}
        for name in order:
            figures[name] = load_round(running[name], arguments, seed=number)
            got = figures[name]
            log(f"round {number + 1}: {name}: {got['throughput']:.1f} msg/s, "
                f"p95 {got['p95_ms']:.0f} ms, errors {got['errors']}")  # fmt: skip
        rounds.append(figures)

    log(f"One long conversation per system ({arguments.turns} turns, interleaved)...")
    long = asyncio.run(
        load.long_conversations(
            {name: system.webhook for name, system in running.items()},
            {name: conversations.long_conversation(_kind(name)) for name in names},
            arguments.turns, arguments.long_budget, log,
        )
    )  # fmt: skip
    return {
        "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "settings": {k: str(v) for k, v in vars(arguments).items()},
        "rounds": rounds,
        "median_of_rounds": report.median_of_rounds(rounds),
        "ratios": {
            product: {stock: report.ratios(rounds, stock, product) for stock in report.STOCKS}
            for product in report.PRODUCTS
        },
        "long_conversation": {n: report.growth_figures(v) for n, v in long.latencies.items()},
        "long_conversation_notes": long.notes,
        "long_conversation_latencies": long.latencies,
        "cold_start_s": {name: system.cold_start for name, system in running.items()},
    }


def load_round(system: systems.System, arguments: argparse.Namespace, seed: int) -> dict:
    rasa_group = system.groups["rasa"]
    cpu_before = procstat.cpu_seconds(rasa_group)
    phase = asyncio.run(
        load.visitors(
            system.webhook,
            conversations.visits(_kind(system.name)),
            arguments.visitors,
            arguments.seconds,
            seed,
        )  # fmt: skip
    )
    cpu = procstat.cpu_seconds(rasa_group) - cpu_before
    rss = sum(procstat.rss_megabytes(group) for group in system.groups.values())
    if phase.first_error:
        log(f"{system.name}: {phase.errors} failed turns, first: {phase.first_error}")
    return report.load_figures(phase, cpu, rss)


def publish(summary: dict, bench_dir: Path) -> None:
    results, plot = bench_dir / "results.json", bench_dir / "latency-over-turns.png"
    report.write_json(summary, results)
    report.plot_latency_over_turns(summary["long_conversation_latencies"], plot)
    print()
    print(report.table(summary))
    print()
    print("\n".join(report.verdicts(summary)))
    for note in summary["long_conversation_notes"]:
        print(f"note: {note}")
    print(f"\nFigures: {results}\nPlot:    {plot}")


def _kind(name: str) -> str:
    return "product" if name in report.PRODUCTS else "stock"


if __name__ == "__main__":
    main()
