"""Concurrent submissions never create duplicates, on SQLite and on PostgreSQL.

Each thread uses its own unit of work (its own connection), as the action
server does for concurrent conversations.
"""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot.db import get_engine
from bot.handoff.models import Notification
from bot.leads.models import Lead, LeadItem
from bot.leads.services import get_lead, submit_lead

THREADS = 8


def _run_concurrently(fn, count):
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(fn, range(count)))


def test_same_conversation_submitted_concurrently(database_url, uow_factory, make_submission):
    def submit(i):
        return submit_lead(uow_factory(), make_submission(items=[(f"product_{i}", i + 1)] * 2))

    receipts = _run_concurrently(submit, THREADS)
    assert len({r.reference for r in receipts}) == 1
    assert sum(r.created for r in receipts) == 1
    items = get_lead(uow_factory(), receipts[0].reference)["items"]
    assert len(items) == 2 and items[0] == items[1]  # one submission's items, not a mixture
    with get_engine(database_url).connect() as connection:
        for model, expected in ((Lead, 1), (LeadItem, 2), (Notification, 1)):
            count = connection.execute(select(func.count()).select_from(model)).scalar()
            assert count == expected, model.__tablename__


def test_different_conversations_get_unique_references(uow_factory, make_submission):
    def submit(i):
        return submit_lead(uow_factory(), make_submission(conversation_id=f"conv-{i}"))

    receipts = _run_concurrently(submit, THREADS * 2)
    references = [r.reference for r in receipts]
    assert len(set(references)) == len(references)
    assert all(r.created for r in receipts)
