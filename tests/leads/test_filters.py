"""Lead filters shared by the workspace and ``bot leads list``."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import update

from bot.db import get_session_factory
from bot.leads.filters import FilterError, LeadFilter, parse_since, with_priority
from bot.leads.models import Lead
from bot.leads.rules import load_rules
from bot.leads.services import change_status, list_leads, submit_lead

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def stored(uow_factory, database_url, make_submission):
    """Three leads: an old personal one, a hot spa (contacted), a new one with notes."""
    personal = dict(buyer_type="personal", organisation=None, timeline=None, budget=None,
                    notes=None, phone=None, items=(("foot_roller", 1),))  # fmt: skip
    old = submit_lead(
        uow_factory(),
        make_submission(conversation_id="c1", name="Old Lead", email="old@example.org", **personal),
    ).reference
    spa = submit_lead(
        uow_factory(),
        make_submission(
            conversation_id="c2",
            organisation="Serenity Spa",
            name="Bo",
            email="bo@spa.example",
            items=(("foot_roller", 300),),
            timeline="asap",
            budget="9k",
        ),
    ).reference
    new = submit_lead(uow_factory(), make_submission(
        conversation_id="c3", name="Ana", email="Ana@Example.com",
        **{**personal, "notes": "wants SAMPLES, 100% cotton bags"})).reference  # fmt: skip
    change_status(uow_factory(), spa, "contacted")
    session = get_session_factory(database_url)()
    with session.begin():
        long_ago = datetime(2026, 1, 2, 8, 0, tzinfo=timezone.utc)
        session.execute(update(Lead).where(Lead.reference == old).values(created_at=long_ago))
    session.close()
    return {"old": old, "spa": spa, "new": new}


def found(uow_factory, stored, **filters):
    by_reference = {reference: role for role, reference in stored.items()}
    return [by_reference[r["reference"]] for r in list_leads(uow_factory(), **filters)]


def test_since_of_a_filter_form_reads_dates_and_ages():
    assert parse_since("2026-03-01") == datetime(2026, 3, 1, tzinfo=timezone.utc)
    assert parse_since("7d", now=NOW) == datetime(2026, 3, 3, 12, tzinfo=timezone.utc)
    assert parse_since(" 2 Weeks ", now=NOW) == datetime(2026, 2, 24, 12, tzinfo=timezone.utc)


def test_a_blank_since_keeps_everything():
    assert parse_since("") is None and parse_since("  ") is None and parse_since(None) is None


@pytest.mark.parametrize("text", ["yesterday", "7", "2026-13-01", "7y"])
def test_since_refuses_what_it_cannot_read(text):
    with pytest.raises(FilterError, match="a date like 2026-03-01.* or an age like 7d"):
        parse_since(text)


def test_unknown_status_or_priority_is_refused():
    with pytest.raises(FilterError):
        LeadFilter(status="archived")
    with pytest.raises(FilterError):
        LeadFilter(priority="lukewarm")


def test_text_searches_several_fields_in_any_case_and_literally(uow_factory, stored):
    assert found(uow_factory, stored, text="serenity") == ["spa"]
    assert found(uow_factory, stored, text="ana@example") == ["new"]
    assert found(uow_factory, stored, text="samples") == ["new"]
    assert found(uow_factory, stored, text=stored["old"][-6:]) == ["old"]
    assert found(uow_factory, stored, text="100%") == ["new"], "% is a character, not a wildcard"
    assert found(uow_factory, stored, text="_") == []


def test_status_since_and_priority_combine(uow_factory, stored):
    assert found(uow_factory, stored, status="contacted") == ["spa"]
    assert found(uow_factory, stored, since=datetime(2026, 3, 1, tzinfo=timezone.utc)) == [
        "spa", "new"]  # fmt: skip
    rows = with_priority(list_leads(uow_factory()), load_rules(), "hot")
    assert [row["reference"] for row, _ in rows] == [stored["spa"]]


def test_every_row_gets_its_score_and_priority(uow_factory, stored):
    rows = with_priority(list_leads(uow_factory()), load_rules())
    priorities = {row["reference"]: verdict.priority for row, verdict in rows}
    assert priorities == {stored["old"]: "cold", stored["spa"]: "hot", stored["new"]: "cold"}
    assert next(v for r, v in rows if r["reference"] == stored["spa"]).score >= 60
