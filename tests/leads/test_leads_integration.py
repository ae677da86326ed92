"""Service functions against a real database, on SQLite and on PostgreSQL."""

from datetime import timezone

import pytest
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from bot.db import get_engine, get_session_factory
from bot.db.unit_of_work import SqlAlchemyUnitOfWork
from bot.handoff.models import Notification
from bot.leads import services
from bot.leads.models import Lead
from bot.leads.records import EXPORT_FIELDS

NASTY = {
    "organisation": "<script>alert('x')</script><b>Spa</b>",
    "name": "Robert'); DROP TABLE leads;--",
    "timeline": "{{ 7*7 }} ${7*7} {% raw %} #{7*7} %s %(name)s",
    "budget": "1' OR '1'='1",
    "country": "日本 🇯🇵",
    "email": "山田@例え.テスト",
    "phone": "\x01\x07\x1b[31m\t\r\n+81",
    "notes": "🦶" * 5_000 + "é" * 5_000,
}


def _count(url, model):
    with get_engine(url).connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar()


def test_submit_and_read_back(uow_factory, make_submission):
    receipt = services.submit_lead(uow_factory(), make_submission())
    lead = services.get_lead(uow_factory(), receipt.reference)
    assert lead["reference"] == receipt.reference and lead["status"] == "new"
    assert lead["items"] == [
        {"product": "foot_roller", "quantity": 20},
        {"product": "deep_calf_massager", "quantity": 5},
    ]
    assert lead["consent_at"] == "2026-03-01T12:00:00+00:00"
    assert lead["consents"][0]["wording"].startswith("I agree")
    assert [m["text"] for m in lead["transcript"]] == ["I need rollers", "How many?"]
    assert lead["history"][0]["to"] == "new"


def test_minimal_submission_without_consent_items_or_transcript(uow_factory, make_submission):
    bare = dict(items=(), consent_text=None, consent_given_at=None, transcript=(), notes=None)
    first = services.submit_lead(uow_factory(), make_submission(**bare))
    again = services.submit_lead(uow_factory(), make_submission(**bare, name=None))
    assert again.reference == first.reference
    lead = services.get_lead(uow_factory(), first.reference)
    assert (lead["items"], lead["consent_at"], lead["transcript"]) == ([], None, [])


def test_timestamps_are_aware_utc(uow_factory, make_submission):
    reference = services.submit_lead(uow_factory(), make_submission()).reference
    with uow_factory() as uow:
        lead = uow.leads.get(reference)
        assert lead.created_at.tzinfo == timezone.utc
        assert lead.reference.startswith(f"FM-{lead.created_at.year}-")


def test_resubmission_keeps_reference_and_replaces_items(
    database_url, uow_factory, make_submission
):
    first = services.submit_lead(uow_factory(), make_submission())
    second = services.submit_lead(uow_factory(), make_submission(items=[("foot_spa_bath", 3)]))
    assert (second.reference, second.created) == (first.reference, False)
    assert services.get_lead(uow_factory(), first.reference)["items"] == [
        {"product": "foot_spa_bath", "quantity": 3}
    ]
    assert _count(database_url, Lead) == 1
    assert _count(database_url, Notification) == 1


def test_update_after_delivery_queues_an_update_notification(uow_factory, make_submission):
    reference = services.submit_lead(uow_factory(), make_submission()).reference
    with uow_factory() as uow:
        uow.notifications.get(reference, "lead_submitted").status = "delivered"
        uow.commit()
    services.submit_lead(uow_factory(), make_submission(budget="9000 EUR"))
    with uow_factory() as uow:
        update = uow.notifications.get(reference, "lead_updated")
        assert (update.status, update.payload["budget"]) == ("pending", "9000 EUR")


def test_lead_and_notification_share_one_transaction(database_url, make_submission):
    class FailingCommit(SqlAlchemyUnitOfWork):
        def commit(self):
            raise RuntimeError("crash before commit")

    with pytest.raises(RuntimeError):
        services.submit_lead(FailingCommit(get_session_factory(database_url)), make_submission())
    assert _count(database_url, Lead) == 0 and _count(database_url, Notification) == 0


def test_conversation_id_is_unique_in_the_database(database_url, uow_factory, make_submission):
    services.submit_lead(uow_factory(), make_submission())
    row = {"conversation_id": "conv-1", "buyer_type": "other", "status": "new"}
    with pytest.raises(IntegrityError), get_engine(database_url).begin() as connection:
        connection.execute(
            insert(Lead.__table__).values(**row, created_at=func.now(), updated_at=func.now())
        )


def test_insert_race_is_retried_as_update(database_url, uow_factory, make_submission):
    """Simulate losing the race: the lookup misses a lead another process just inserted."""
    first = services.submit_lead(uow_factory(), make_submission())

    class StaleLookup(SqlAlchemyUnitOfWork):
        misses = 1

        def __enter__(self):
            super().__enter__()
            if StaleLookup.misses:
                StaleLookup.misses -= 1
                self.leads.get_by_conversation = lambda *args, **kwargs: None
            return self

    uow = StaleLookup(get_session_factory(database_url))
    second = services.submit_lead(uow, make_submission(items=[("foot_roller", 1)]))
    assert (second.reference, second.created) == (first.reference, False)
    assert _count(database_url, Lead) == 1


def test_hostile_and_unusual_text_is_stored_verbatim(database_url, uow_factory, make_submission):
    reference = services.submit_lead(uow_factory(), make_submission(**NASTY)).reference
    lead = services.get_lead(uow_factory(), reference)
    for field, value in NASTY.items():
        assert lead[field] == value, field
    assert len(lead["notes"]) == 10_000
    assert {"leads", "lead_items"} <= set(inspect(get_engine(database_url)).get_table_names())


def test_nul_is_dropped_because_postgres_cannot_store_it(uow_factory, make_submission):
    transcript = [{"sender": "user", "text": "a\x00b", "timestamp": "2026-01-01T00:00:00Z"}]
    submission = make_submission(notes="x\x00y", transcript=transcript)
    lead = services.get_lead(
        uow_factory(), services.submit_lead(uow_factory(), submission).reference
    )
    assert lead["notes"] == "xy" and lead["transcript"][0]["text"] == "ab"


def test_change_status_list_and_export(uow_factory, make_submission):
    refs = [
        services.submit_lead(uow_factory(), make_submission(conversation_id=f"c{i}")).reference
        for i in range(3)
    ]
    services.change_status(uow_factory(), refs[1], "contacted", "phoned")
    assert [r["reference"] for r in services.list_leads(uow_factory(), limit=2)] == refs[1:]
    contacted = services.list_leads(uow_factory(), status="contacted")
    assert [r["reference"] for r in contacted] == [refs[1]]
    exported = services.export_leads(uow_factory())
    assert [r["reference"] for r in exported] == refs
    assert set(EXPORT_FIELDS) <= set(exported[0])
    history = services.get_lead(uow_factory(), refs[1])["history"]
    assert [(h["from"], h["to"], h["note"]) for h in history][-1] == ("new", "contacted", "phoned")
