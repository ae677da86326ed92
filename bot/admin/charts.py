"""Small server-rendered SVG charts: no JavaScript, no chart library, readable in any browser.

Each chart is a self-contained ``<svg>`` with a ``<title>`` and an
``aria-label``, and every text in it is escaped. The numbers always sit
beside it in a table too (see :mod:`bot.admin.usage_report`): a chart is for
seeing the shape, the table for reading the figure.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import List, Sequence, Tuple

BAR = "#0f766e"
DROP = "#dc2626"
MUTED = "#64748b"
ROW = 26  # height of one horizontal bar's row
LABEL_WIDTH = 190
BAR_WIDTH = 240


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-family="system-ui, sans-serif" font-size="12"><title>{escape(title)}</title>'
        f"{body}</svg>"
    )


def _bar_row(row: int, label: str, length: int, note: str, lost: int = 0) -> str:
    """One labelled horizontal bar; its last ``lost`` units drawn in red."""
    y = row * ROW
    end = LABEL_WIDTH + length
    red = (f'<rect x="{end - lost}" y="{y + 5}" width="{lost}" height="16" '
           f'fill="{DROP}" rx="2"/>') if lost else ""  # fmt: skip
    return (
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
        f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{length}" height="16" fill="{BAR}" rx="2"/>'
        f'{red}<text x="{end + 6}" y="{y + 17}" fill="{MUTED}">{escape(note)}</text>'
    )


def bar_chart(title: str, rows: Sequence[Tuple[str, int]]) -> str:
    """Horizontal bars, one per ``(label, value)``, longest = largest value."""
    top = max((value for _, value in rows), default=0) or 1
    parts = [
        _bar_row(i, label, round(BAR_WIDTH * value / top), str(value))
        for i, (label, value) in enumerate(rows)
    ]
    height = max(len(rows), 1) * ROW + 4
    return _svg(LABEL_WIDTH + BAR_WIDTH + 50, height, title, "".join(parts))


def column_chart(title: str, days: Sequence[Tuple[date, int]], height: int = 160) -> str:
    """One column per day, dates along the bottom (every label when few, else some)."""
    top = max((value for _, value in days), default=0) or 1
    step = 44
    every = max(1, len(days) // 12)
    parts: List[str] = []
    plot = height - 34
    for i, (day, value) in enumerate(days):
        x = 30 + i * step
        bar = round(plot * value / top)
        parts.append(
            f'<rect x="{x}" y="{plot - bar + 14}" width="{step - 6}" height="{bar}" '
            f'fill="{BAR}" rx="2"><title>{day.isoformat()}: {value}</title></rect>'
            f'<text x="{x + (step - 6) / 2}" y="{plot - bar + 10}" text-anchor="middle" '
            f'fill="{MUTED}">{value}</text>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + (step - 6) / 2}" y="{height - 4}" text-anchor="middle" '
                f'fill="{MUTED}">{day.strftime("%d %b")}</text>'
            )
    width = 40 + max(len(days), 1) * step
    return _svg(width, height, title, "".join(parts))


def funnel_chart(title: str, steps: Sequence[Tuple[str, int, int]]) -> str:
    """Bars of how many reached each step, with those who left there marked in red."""
    top = max((reached for _, reached, _ in steps), default=0) or 1
    parts = [
        _bar_row(
            i,
            label,
            round(BAR_WIDTH * reached / top),
            f"{reached}" + (f" ({dropped} left here)" if dropped else ""),
            lost=round(BAR_WIDTH * dropped / top),
        )  # fmt: skip
        for i, (label, reached, dropped) in enumerate(steps)
    ]
    height = max(len(steps), 1) * ROW + 4
    return _svg(LABEL_WIDTH + BAR_WIDTH + 130, height, title, "".join(parts))
