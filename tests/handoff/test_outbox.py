"""Claiming the outbox: each due notification goes to one dispatcher at a time.

Run on SQLite (a compare-and-set UPDATE) and PostgreSQL (FOR UPDATE SKIP
LOCKED), with threads standing in for dispatcher processes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from bot.db import get_session_factory
from bot.db.base import utcnow
from bot.db.unit_of_work import unit_of_work_factory
from bot.handoff.models import Notification
from bot.handoff.outbox import Outbox
from bot.leads.services import submit_lead
from tests.handoff.conftest import make_submission

LEASE = timedelta(minutes=2)


def _store(url, count):
    uow_factory = unit_of_work_factory(url)
    return [submit_lead(uow_factory(), make_submission(i)).reference for i in range(count)]


def _rows(url):
    with get_session_factory(url)() as session:
        return {n.lead_reference: n for n in session.execute(select(Notification)).scalars()}


def test_concurrent_dispatchers_never_claim_the_same_notification(any_database_url):
    references = _store(any_database_url, 12)

    def claim_all(_):
        outbox = Outbox(unit_of_work_factory(any_database_url))
        claimed = []
        while (claim := outbox.claim(LEASE)) is not None:
            claimed.append(claim.lead_reference)
        return claimed

    with ThreadPoolExecutor(max_workers=6) as pool:
        claimed = [ref for batch in pool.map(claim_all, range(6)) for ref in batch]
    assert sorted(claimed) == sorted(references)
    assert all(row.attempts == 1 for row in _rows(any_database_url).values())


def test_an_unfinished_claim_is_due_again_when_its_lease_ends(any_database_url):
    (reference,) = _store(any_database_url, 1)
    outbox = Outbox(unit_of_work_factory(any_database_url))
    first = outbox.claim(LEASE)
    assert first.lead_reference == reference and first.attempts == 1
    assert outbox.claim(LEASE) is None  # leased: nobody else takes it
    second = outbox.claim(LEASE, now=utcnow() + LEASE + timedelta(seconds=1))
    assert second.lead_reference == reference and second.attempts == 2
    assert not outbox.delivered(first)  # the stale claim cannot settle the row
    assert outbox.delivered(second)
    assert _rows(any_database_url)[reference].status == "delivered"


def test_dead_notifications_are_listed_and_requeued(database_url):
    (reference,) = _store(database_url, 1)
    outbox = Outbox(unit_of_work_factory(database_url))
    assert outbox.dead(outbox.claim(LEASE), "webhook: HTTP 500")
    assert outbox.undelivered()[0]["status"] == "dead"
    assert outbox.counts() == {"dead": 1}
    assert outbox.requeue(reference) == 1
    row = _rows(database_url)[reference]
    assert (row.status, row.attempts) == ("pending", 0)
    assert outbox.requeue(reference) == 0  # only dead ones


def test_a_resubmission_mid_delivery_invalidates_the_old_claim(any_database_url):
    (reference,) = _store(any_database_url, 1)
    outbox = Outbox(unit_of_work_factory(any_database_url))
    stale = outbox.claim(LEASE)
    uow_factory = unit_of_work_factory(any_database_url)
    submit_lead(uow_factory(), make_submission(0, items=(("foot_roller", 500),)))
    fresh = outbox.claim(LEASE)  # the new details are due again at once
    assert (fresh.attempts, fresh.payload["items"][0]["quantity"]) == (1, 500)
    assert not outbox.delivered(stale)  # same attempt count, but not the same lease
    assert outbox.delivered(fresh)
    assert _rows(any_database_url)[reference].status == "delivered"
