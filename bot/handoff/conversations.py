"""Erasing visitors' conversations from Rasa's SQL tracker store.

Forgetting a person must also forget what they typed to the bot, not only the
lead: the tracker store keeps every message, e-mail addresses included. Rasa
owns that table (``events``, keyed by ``sender_id``, the conversation id our
leads and requests keep), so this module only deletes rows from it.
"""

from __future__ import annotations

from typing import Iterable, List

from sqlalchemy import MetaData, Table, create_engine, delete, inspect

from bot.handoff.unit_of_work import AbstractUnitOfWork


def conversations_of(uow: AbstractUnitOfWork, email: str) -> List[str]:
    """Conversation ids of the leads and requests for a person left with ``email``."""
    address = email.strip().casefold()
    with uow:
        rows = uow.leads.with_email(address) + uow.handoffs.with_email(address)
        return sorted({row.conversation_id for row in rows})


def erase_conversations(tracker_store_url: str, conversation_ids: Iterable[str]) -> int:
    """Delete every tracker event of ``conversation_ids``; returns how many went."""
    ids = list(conversation_ids)
    engine = create_engine(tracker_store_url, future=True)
    try:
        if not ids or not inspect(engine).has_table("events"):
            return 0
        events = Table("events", MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            result = connection.execute(delete(events).where(events.c.sender_id.in_(ids)))
        return result.rowcount
    finally:
        engine.dispose()
