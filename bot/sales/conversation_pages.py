"""HTML of the conversation review: the list worth a look, and one conversation in context.

Every visitor message shows what the bot understood and how sure it was, and
a message it did not understand is marked, so an admin sees at a glance where
the bot went wrong and what to label (``bot admin review``).
"""

from __future__ import annotations

from typing import Sequence
from urllib.parse import urlencode

from bot.admin.analytics import Conversation
from bot.admin.conversations import SHOW, Turn, enquiry_state
from bot.sales.pages import e, layout, when

SHOW_LABELS = {"all": "All", "fallbacks": "Not understood", "abandoned": "Enquiry left",
               "submitted": "Enquiry sent"}  # fmt: skip


def conversation_list(
    found: Sequence[Conversation], show: str, since_text: str, csrf: str, error: str | None = None
) -> str:
    alert = f'<p class="alert alert-error" role="alert">{e(error)}</p>' if error else ""
    options = "".join(
        f'<option value="{e(name)}"{" selected" if name == show else ""}>{e(SHOW_LABELS[name])}'
        "</option>"
        for name in SHOW
    )
    rows = "".join(_row(conversation) for conversation in found)
    table = (
        '<table class="leads" id="conversations"><thead><tr><th>Started</th><th>Conversation</th>'
        '<th class="num">Messages</th><th class="num">Not understood</th><th>Enquiry</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if found
        else '<p class="empty">No conversations match.</p>'
    )
    body = (
        '<div class="page-head"><h1>Conversations</h1>'
        f'<p class="muted">{len(found)} shown</p></div>'
        '<form method="get" action="/conversations" class="filters card" role="search">'
        f'<div class="field"><label for="c-show">Show</label><select id="c-show" name="show">'
        f"{options}</select></div>"
        '<div class="field"><label for="c-since">Since</label>'
        f'<input id="c-since" name="since" value="{e(since_text)}" size="14"></div>'
        '<div class="field field-actions"><button type="submit" class="button">Show</button>'
        f"</div></form>{alert}"
        f'<section class="card table-card">{table}</section>'
    )
    return layout("Conversations", body, csrf)


def _row(conversation: Conversation) -> str:
    link = "/conversation?" + urlencode({"id": conversation.sender})
    return (
        f'<tr><td class="nowrap">{e(when(conversation.started))}</td>'
        f'<td><a class="ref" href="{e(link)}">{e(_short(conversation.sender))}</a></td>'
        f'<td class="num">{conversation.messages}</td>'
        f'<td class="num">{conversation.fallbacks or ""}</td>'
        f"<td>{e(enquiry_state(conversation))}</td></tr>"
    )


def _short(sender: str, width: int = 24) -> str:
    return sender if len(sender) <= width else sender[: width - 1] + "…"


def conversation_page(sender: str, said: Sequence[Turn], csrf: str) -> str:
    bubbles = "".join(_bubble(turn) for turn in said) or '<p class="muted">No messages.</p>'
    body = (
        '<p class="crumbs"><a href="/conversations">← Conversations</a></p>'
        f'<div class="page-head"><div><p class="ref-big">{e(sender)}</p>'
        "<h1>Conversation</h1></div></div>"
        '<section class="card"><p class="muted">Beside each visitor message: what the bot '
        "understood and how sure it was. Label what it got wrong with "
        "<code>bot admin review</code>.</p>"
        f'<div class="chat review" id="transcript">{bubbles}</div></section>'
    )
    return layout("Conversation", body, csrf)


def _bubble(turn: Turn) -> str:
    if turn.speaker == "bot":
        return (
            f'<div class="msg msg-bot"><div class="bubble prewrap">{e(turn.text)}</div>'
            f'<div class="meta">Assistant · {e(when(turn.at))}</div></div>'
        )
    reading = e(turn.understood_as or "?")
    if turn.confidence is not None:
        reading += f" ({turn.confidence:.2f})"
    mark = '<span class="fell-back">not understood</span> best guess ' if turn.fell_back else ""
    flagged = " msg-fell-back" if turn.fell_back else ""
    return (
        f'<div class="msg msg-visitor{flagged}"><div class="bubble prewrap">{e(turn.text)}</div>'
        f'<div class="meta">Visitor · {e(when(turn.at))} · {mark}{reading}</div></div>'
    )
