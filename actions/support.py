"""Reading the latest message: which products the visitor named or means."""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker

from bot.knowledge import Knowledge, meant_product, named_products

PRODUCT = "product"  # the entity and the slot that name a product


def products_in_message(kb: Knowledge, tracker: Tracker) -> List[str]:
    """Product ids the visitor named in the latest message, in order, no repeats."""
    named = named_products(kb, _latest_text(tracker), _product_entities(tracker))
    return [product.id for product in named]


def current_product(kb: Knowledge, tracker: Tracker) -> str | None:
    """The product the visitor means: named now, described now ("the one for calves"),
    or the one discussed last ("it")."""
    discussed = tracker.get_slot(PRODUCT)
    product = meant_product(kb, _latest_text(tracker), _product_entities(tracker), discussed)
    return product.id if product else None


def _latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _product_entities(tracker: Tracker) -> List[str]:
    return list(tracker.get_latest_entity_values(PRODUCT))
