"""Jinja2 templates of the workspace, with autoescaping and the filters pages share.

Every value a template prints is escaped unless a template says otherwise,
and only one thing ever does: charts, which :mod:`bot.admin.charts` builds
from escaped parts (``|safe`` there and nowhere else).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

BRAND = "SoleCare Supply"  # the demo site's name (bot/web/static), one name everywhere
BUYER_LABELS = {
    "personal": "Personal",
    "healthcare": "Healthcare",
    "spa_wellness": "Spa / wellness",
    "reseller": "Reseller",
    "other": "Other",
}
TEMPLATES = Path(__file__).resolve().parent / "templates"


def when(value: Any) -> str:
    """An ISO timestamp or epoch seconds as ``2026-03-01 12:00 UTC``."""
    if value in (None, ""):
        return ""
    try:
        if isinstance(value, (int, float)):
            moment = datetime.fromtimestamp(value, tz=timezone.utc)
        else:
            moment = datetime.fromisoformat(str(value))
    except (ValueError, OverflowError, OSError):
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def product(name: str) -> str:
    return (name or "").replace("_", " ")


def items_summary(items: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(f"{product(i['product'])} × {i['quantity']}" for i in items)


def speaker(message: Mapping[str, Any]) -> str:
    """Who wrote a transcript message: stored as ``visitor`` (older rows: ``user``) or ``bot``."""
    return "Visitor" if message.get("sender") in ("visitor", "user") else "Assistant"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,  # a misspelt name fails the page, not silently shows nothing
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters.update(
    when=when, product=product, items_summary=items_summary, speaker=speaker,
    buyer=lambda kind: BUYER_LABELS.get(kind, kind),
)  # fmt: skip
environment.globals.update(brand=BRAND)


FLASH = "flash"


def flash(request: Request, text: str) -> None:
    """A notice for the next page this person opens (after a redirect): kept in the signed
    session, so it can carry what a server said without the URL carrying any text."""
    request.session[FLASH] = text[:2000]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page for the signed-in person (or the login page) with the frame's values set."""
    frame = {
        "account": getattr(request.state, "account", None),
        "csrf": getattr(request.state, "csrf", None),
        "path": request.url.path,
        "notice": request.session.pop(FLASH, None),
        "error": None,
    }
    html = environment.get_template(template).render({**frame, **context})
    return HTMLResponse(html, status_code=status)
