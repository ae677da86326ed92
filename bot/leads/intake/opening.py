"""Details already in the visitor's opening message are kept, not asked again."""

from __future__ import annotations

import re
from typing import Any, Dict

from bot.knowledge import Knowledge, meant_product
from bot.leads.intake import answers
from bot.leads.intake import fields as f
from bot.leads.intake.errors import InvalidAnswer
from bot.leads.intake.items import check_quantity, scan_items

_PERSONAL = re.compile(r"\b(for myself|for my own use|personal use|for home use|for me)\b", re.I)


def prefill(kb: Knowledge, text: str, discussed: str | None = None) -> Dict[str, Any]:
    """Slot values found in ``text`` ("30 whole leg massagers for our clinic").

    When ``text`` names no product, the one it describes ("the massager for
    legs and bum") or else the one the visitor was just asking about
    (``discussed``: "how do I buy one of those?") is the one the form asks a
    quantity for; the question says they may add others.
    """
    found: Dict[str, Any] = {}
    try:
        found[f.BUYER_TYPE] = answers.buyer_type(text, strong_only=True)
    except InvalidAnswer:
        if _PERSONAL.search(text):
            found[f.BUYER_TYPE] = f.PERSONAL
    scanned = scan_items(kb, text)
    items, pending = [], list(scanned.unquantified)
    for product, quantity in scanned.items:
        try:
            items.append([product, check_quantity(kb, product, quantity)])
        except InvalidAnswer:
            pending.append(product)  # an absurd quantity is asked again, not kept
    if items:
        found[f.ITEMS] = items
    elif pending:
        found[f.PENDING_PRODUCTS] = pending
    elif meant := meant_product(kb, text, discussed=discussed):
        found[f.PENDING_PRODUCTS] = [meant.id]
    return found
