"""Service rules checked against the in-memory fakes (no database)."""

import re
from datetime import datetime

import pytest
from lead_fakes import FakeUnitOfWork

from bot.leads import services
from bot.leads.errors import InvalidStatusChange, InvalidSubmission, LeadNotFound
from bot.leads.services import change_status, submit_lead


@pytest.fixture
def uow():
    return FakeUnitOfWork()


def test_first_submission_creates_lead_with_reference(uow, make_submission):
    receipt = submit_lead(uow, make_submission())
    assert receipt.created
    assert re.fullmatch(r"FM-\d{4}-000001", receipt.reference)
    assert uow.commits == 1
    (lead,) = uow.leads.leads
    assert [(i.product, i.quantity) for i in lead.items] == [
        ("foot_roller", 20),
        ("deep_calf_massager", 5),
    ]
    assert [(h.from_status, h.to_status) for h in lead.history] == [(None, "new")]
    (notification,) = uow.notifications.rows
    assert notification.kind == "lead_submitted"
    assert notification.payload["reference"] == receipt.reference


def test_resubmission_updates_the_same_lead(uow, make_submission):
    first = submit_lead(uow, make_submission())
    second = submit_lead(uow, make_submission(items=[("foot_spa_bath", 2)], name="Ana C."))
    assert second.reference == first.reference and not second.created
    (lead,) = uow.leads.leads
    assert lead.name == "Ana C."
    assert [(i.product, i.quantity) for i in lead.items] == [("foot_spa_bath", 2)]
    (notification,) = uow.notifications.rows  # still unsent: refreshed, not duplicated
    assert notification.payload["name"] == "Ana C."


def test_identical_retry_does_not_duplicate_consent(uow, make_submission):
    submit_lead(uow, make_submission())
    submit_lead(uow, make_submission())
    assert len(uow.leads.leads[0].consents) == 1
    submit_lead(uow, make_submission(consent_text="New wording"))
    assert [c.wording for c in uow.leads.leads[0].consents][-1] == "New wording"


def test_lost_insert_race_is_retried_as_update(uow, make_submission):
    uow.leads.conflicts_to_raise = 1
    receipt = submit_lead(uow, make_submission())
    assert receipt.created and len(uow.leads.leads) == 1
    assert uow.rollbacks >= 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"buyer_type": "wholesale"},
        {"conversation_id": ""},
        {"conversation_id": None},
        {"items": [("foot_roller", 0)]},
        {"items": [("foot_roller", True)]},
        {"items": [("foot_roller", "20")]},
        {"items": [("", 3)]},
        {"items": ["foot_roller"]},
        {"name": 42},
        {"consent_given_at": datetime(2026, 1, 1)},
    ],
)
def test_invalid_submissions_are_refused(uow, make_submission, overrides):
    with pytest.raises(InvalidSubmission):
        submit_lead(uow, make_submission(**overrides))
    assert uow.leads.leads == [] and uow.commits == 0


def test_nul_characters_are_dropped_other_text_kept(uow, make_submission):
    submit_lead(uow, make_submission(name="Ana\x00 Costa\x07", notes="a\x00b"))
    lead = uow.leads.leads[0]
    assert (lead.name, lead.notes) == ("Ana Costa\x07", "ab")


def test_change_status_records_history(uow, make_submission):
    reference = submit_lead(uow, make_submission()).reference
    record = change_status(uow, reference, "contacted", "called Ana")
    assert record["status"] == "contacted"
    last = uow.leads.leads[0].history[-1]
    assert (last.from_status, last.to_status, last.note) == ("new", "contacted", "called Ana")


def test_change_status_errors(uow, make_submission):
    reference = submit_lead(uow, make_submission()).reference
    with pytest.raises(InvalidStatusChange):
        change_status(uow, reference, "new")
    with pytest.raises(InvalidStatusChange):
        change_status(uow, reference, "archived")
    with pytest.raises(LeadNotFound):
        change_status(uow, "FM-1999-000001", "won")


def test_reference_format():
    assert services.format_reference(2026, 123) == "FM-2026-000123"
    assert services.format_reference(2026, 1_234_567) == "FM-2026-1234567"
