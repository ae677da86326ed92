"""Turn what the load phases measured into figures, ratios, a JSON file and a plot.

Every ratio compares the product with a stock bot measured in the same round,
so a busy or slow machine moves both sides alike; the median ratio over the
rounds is the one reported.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Dict, List, Sequence

PRODUCT = "product"
# The product with its NLU cache off: what a visitor whose every message is new
# costs. The bench scripts repeat their texts, so "product" flatters itself.
UNCACHED = "product-uncached"
PRODUCTS = (PRODUCT, UNCACHED)
STOCKS = ("stock-memory", "stock-sqlite")


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1); NaN when nothing was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def load_figures(phase, cpu_seconds: float, rss_megabytes: float) -> Dict[str, float]:
    """One system's figures for one load round; latencies in milliseconds."""
    turns = phase.turns
    return {
        "turns": turns,
        "errors": phase.errors,
        "throughput": turns / phase.seconds if phase.seconds else 0.0,
        "p50_ms": percentile(phase.latencies, 0.50) * 1000,
        "p95_ms": percentile(phase.latencies, 0.95) * 1000,
        "p99_ms": percentile(phase.latencies, 0.99) * 1000,
        "cpu_ms_per_turn": cpu_seconds / turns * 1000 if turns else float("nan"),
        "rss_mib": rss_megabytes,
    }


def growth_figures(latencies: List[float]) -> Dict[str, float]:
    """p50 of turns 1-50 against turns 251-300 of one long conversation."""
    early, late = latencies[:50], latencies[250:300]
    early_p50 = percentile(early, 0.5) * 1000
    late_p50 = percentile(late, 0.5) * 1000 if late else float("nan")
    return {"turns": len(latencies), "early_p50_ms": early_p50, "late_p50_ms": late_p50,
            "late_over_early": late_p50 / early_p50 if early_p50 else float("nan")}  # fmt: skip


def ratios(
    rounds: List[Dict[str, Dict[str, float]]], stock: str, product: str = PRODUCT
) -> Dict[str, float]:
    """Median over the rounds of product/stock for each load figure."""
    keys = ("throughput", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_turn", "rss_mib")
    return {
        key: statistics.median(r[product][key] / r[stock][key] for r in rounds if r[stock][key])
        for key in keys
    }


GOALS = (  # (figure, stock it is compared with, how it is judged, the goal)
    ("throughput", "stock-memory", ">=", 2.0),
    ("p95_ms", "stock-memory", "<=", 0.6),
    ("rss_mib", "stock-memory", "<=", 1.1),
)


def verdicts(summary: dict) -> List[str]:
    lines = []
    for product in PRODUCTS:
        for figure, stock, judged, goal in GOALS:
            value = summary["ratios"][product][stock][figure]
            met = value >= goal if judged == ">=" else value <= goal
            lines.append(f"{'met ' if met else 'MISS'} {product} {figure} vs {stock}: "
                         f"{value:.2f}x (goal {judged} {goal}x)")  # fmt: skip
        growth = summary["long_conversation"][product]["late_over_early"]
        lines.append(f"{'met ' if growth <= 1.5 else 'MISS'} {product} turns 251-300 p50 / "
                     f"turns 1-50 p50: {growth:.2f}x (goal <= 1.5x)")  # fmt: skip
    return lines


def table(summary: dict) -> str:
    """The figures as a plain-text table a person reads in the terminal."""
    systems = [*PRODUCTS, *STOCKS]
    medians = summary["median_of_rounds"]
    rows = [
        ("throughput (msg/s)", "throughput", "{:.1f}"),
        ("p50 latency (ms)", "p50_ms", "{:.0f}"),
        ("p95 latency (ms)", "p95_ms", "{:.0f}"),
        ("p99 latency (ms)", "p99_ms", "{:.0f}"),
        ("Rasa CPU per turn (ms)", "cpu_ms_per_turn", "{:.1f}"),
        ("RSS after load (MiB)", "rss_mib", "{:.0f}"),
        ("errors (all rounds)", "errors", "{:.0f}"),
    ]
    lines = [f"{'':28}" + "".join(f"{name:>18}" for name in systems)]
    for label, key, fmt in rows:
        lines.append(f"{label:28}" + "".join(f"{fmt.format(medians[s][key]):>18}" for s in systems))
    long = summary["long_conversation"]
    for label, key in (("turns 1-50 p50 (ms)", "early_p50_ms"),
                       ("turns 251-300 p50 (ms)", "late_p50_ms"),
                       ("late / early", "late_over_early")):  # fmt: skip
        lines.append(f"{label:28}" + "".join(f"{long[s][key]:>18.2f}" for s in systems))
    lines.append(f"{'cold start to reply (s)':28}"
                 + "".join(f"{summary['cold_start_s'][s]:>18.1f}" for s in systems))  # fmt: skip
    for name, timing in summary["training"].items():
        lines.append(f"training {name}: {timing['seconds']:.0f} s ({timing['measured']})")
    lines.append("")
    for product in PRODUCTS:
        for stock in STOCKS:
            r = summary["ratios"][product][stock]
            lines.append(f"{product} / {stock}: "
                         + ", ".join(f"{k} {v:.2f}x" for k, v in r.items()))  # fmt: skip
    return "\n".join(lines)


def median_of_rounds(rounds: List[Dict[str, Dict[str, float]]]) -> Dict[str, Dict[str, float]]:
    systems = rounds[0].keys()
    return {
        s: {
            k: (sum if k == "errors" else statistics.median)([r[s][k] for r in rounds])
            for k in rounds[0][s]
        }
        for s in systems
    }


def write_json(summary: dict, path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2, default=float) + "\n")


def plot_latency_over_turns(latencies: Dict[str, List[float]], path: Path) -> None:
    """Latency of every turn of the long conversation, one line per system."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(9, 4.5))
    for name, values in latencies.items():
        axes.plot(range(1, len(values) + 1), [v * 1000 for v in values], label=name, lw=1)
    axes.set_xlabel("turn of one conversation")
    axes.set_ylabel("reply latency (ms)")
    axes.set_title("Latency as one conversation grows")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    pyplot.close(figure)
