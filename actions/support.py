"""Helpers shared by the actions: the knowledge base and reading the latest message."""

from __future__ import annotations

import random
from typing import List

from rasa_sdk import Tracker

from bot.admin.registry import served_knowledge
from bot.config import load_settings
from bot.knowledge import (
    Knowledge,
    described_product,
    find_product,
    load_knowledge_folder,
    mentioned_products,
)


def knowledge() -> Knowledge:
    """The knowledge base of the model being served (re-read when an admin promotes one)."""
    return load_knowledge_folder(served_knowledge(load_settings()))


def variant() -> int:
    """Pick a phrasing at random, so repeated answers do not sound canned."""
    return random.randrange(1000)


def products_in_message(kb: Knowledge, tracker: Tracker) -> List[str]:
    """Product ids the visitor named in the latest message, in order, no repeats.

    Entities come first; a plain-text scan catches names the extractor missed.
    """
    found = [value for value in tracker.get_latest_entity_values("product") if value]
    found += [item.id for item in mentioned_products(kb, tracker.latest_message.get("text") or "")]
    ids: List[str] = []
    for value in found:
        product = find_product(kb, value)  # also a misspelt entity ("foot rolller")
        product_id = product.id if product else value
        if product_id in kb.product_ids and product_id not in ids:
            ids.append(product_id)
    return ids


def current_product(kb: Knowledge, tracker: Tracker) -> str | None:
    """The product the visitor means: named now, described now ("the one for calves"),
    or the one discussed last ("it")."""
    named = products_in_message(kb, tracker)
    if named:
        return named[0]
    described = described_product(kb, tracker.latest_message.get("text") or "")
    if described:
        return described.id
    remembered = tracker.get_slot("product")
    return remembered if remembered in kb.product_ids else None
