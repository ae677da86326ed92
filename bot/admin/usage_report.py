"""The usage report, as text for the terminal and as one HTML page of charts.

The page is a standalone file (``bot admin stats --html report.html``), each
chart with its numbers in a table beside it, styles inline and no scripts, so
it opens from disk, prints, and can be mailed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Iterable, Sequence

from bot.admin.analytics import Report
from bot.admin.charts import bar_chart, column_chart, funnel_chart

STYLE = """
body { font-family: system-ui, sans-serif; color: #0f172a; margin: 2rem; background: #f8fafc; }
h1 { margin: 0 0 .2rem; } .muted { color: #64748b; }
.figures { display: flex; gap: 1rem; margin: 1rem 0 1.5rem; }
.figure { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: .8rem 1.2rem; }
.figure strong { display: block; font-size: 1.6rem; }
section { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 1rem 1.2rem;
          margin-bottom: 1.2rem; }
.pair { display: flex; flex-wrap: wrap; gap: 2rem; align-items: flex-start; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .8rem .25rem 0; border-bottom: 1px solid #f1f5f9; }
td.n, th.n { text-align: right; }
"""


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(
        f'<th class="n">{escape(h)}</th>' if i else f"<th>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{escape(str(cell))}</td>' if i else f"<td>{escape(str(cell))}</td>"
            for i, cell in enumerate(row)
        ) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(heading: str, section_id: str, chart: str, table: str) -> str:
    return (
        f'<section id="{section_id}"><h2>{escape(heading)}</h2>'
        f'<div class="pair"><div class="chart">{chart}</div>{table}</div></section>'
    )


def funnel_rows(report: Report):
    """(step, reached, left here, share of started) rows, as the page and the CLI show them."""
    started = report.funnel[0].reached if report.funnel else 0
    for step in report.funnel:
        share = f"{step.reached / started:.0%}" if started else "-"
        yield step.label, step.reached, step.dropped, share


def fragment(report: Report) -> str:
    """The figures and the three chart sections, for a page that has its own frame."""
    figures = (
        f'<div class="figure"><span class="muted">Conversations</span>'
        f"<strong>{report.conversations}</strong></div>"
        f'<div class="figure"><span class="muted">Visitor messages</span>'
        f"<strong>{report.messages}</strong></div>"
        f'<div class="figure"><span class="muted">Not understood</span>'
        f"<strong>{report.fallback_rate:.1%}</strong>"
        f'<span class="muted">{report.fallbacks} of {report.messages}</span></div>'
    )
    days = [(day.isoformat(), count) for day, count in report.per_day]
    steps = [(step.label, step.reached, step.dropped) for step in report.funnel]
    sections = [
        _section("Conversations per day", "per-day",
                 column_chart("Conversations per day", report.per_day),
                 _table(["Day", "Conversations"], days)),
        _section("Questions by topic", "topics",
                 bar_chart("Questions by topic", report.topics),
                 _table(["Topic", "Questions"], report.topics)),
        _section("Enquiry funnel", "funnel",
                 funnel_chart("Enquiry funnel: reached each step, and left there", steps),
                 _table(["Step", "Reached", "Left here", "Of started"], funnel_rows(report))),
    ]  # fmt: skip
    return f'<div class="figures">{figures}</div>{"".join(sections)}'


def render(report: Report, since_text: str = "") -> str:
    """The whole standalone page for ``report``."""
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    scope = f"since {since_text}" if since_text else "all conversations"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>How the assistant is used</title>"
        f"<style>{STYLE}</style></head><body>"
        f'<h1>How the assistant is used</h1><p class="muted">{escape(scope)}; made {made}</p>'
        f"{fragment(report)}</body></html>"
    )


def as_text(report: Report, since_text: str = "") -> str:
    """The same figures for the terminal."""
    scope = f"since {since_text}" if since_text else "all conversations"
    lines = [
        f"Conversations: {report.conversations} ({scope})",
        f"Visitor messages: {report.messages}, not understood: {report.fallbacks} "
        f"({report.fallback_rate:.1%})",
        "",
        "Conversations per day:",
        *(f"  {day.isoformat()}  {count:>5}" for day, count in report.per_day),
        "",
        "Questions by topic:",
        *(f"  {topic:<32} {count:>5}" for topic, count in report.topics),
        "",
        f"  {'Enquiry funnel':<30} {'reached':>7} {'left here':>9} {'of started':>10}",
        *(f"  {label:<30} {reached:>7} {left:>9} {share:>10}"
          for label, reached, left, share in funnel_rows(report)),
    ]  # fmt: skip
    return "\n".join(lines)
