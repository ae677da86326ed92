"""Lead filters shared by the inbox and ``bot leads list``."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.leads.filters import FilterError, LeadFilter, filter_records, parse_since, select_leads
from bot.leads.rules import load_rules

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def record(reference, **values):
    base = dict(reference=reference, status="new", buyer_type="personal",
                created_at=NOW.isoformat(), name=None, email=None, organisation=None, notes=None,
                phone=None, budget=None, timeline=None, country=None, items=[])  # fmt: skip
    base.update(values)
    return base


RECORDS = [
    record("FM-2026-000001", created_at="2026-01-02T08:00:00+00:00", name="Old Lead"),
    record("FM-2026-000002", status="contacted", organisation="Serenity Spa",
           buyer_type="spa_wellness", items=[{"product": "foot_roller", "quantity": 300}],
           timeline="asap", budget="9k"),
    record("FM-2026-000003", email="Ana@Example.com", notes="wants SAMPLES"),
]  # fmt: skip


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


def refs(rows):
    return [row["reference"][-1] for row in rows]


def test_text_searches_several_fields_case_insensitively():
    assert refs(filter_records(RECORDS, LeadFilter(text="serenity"))) == ["2"]
    assert refs(filter_records(RECORDS, LeadFilter(text="ana@example"))) == ["3"]
    assert refs(filter_records(RECORDS, LeadFilter(text="samples"))) == ["3"]
    assert refs(filter_records(RECORDS, LeadFilter(text="000001"))) == ["1"]


def test_status_since_and_priority_combine():
    rules = load_rules()
    assert refs(filter_records(RECORDS, LeadFilter(status="contacted"))) == ["2"]
    since = LeadFilter(since=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert refs(filter_records(RECORDS, since)) == ["2", "3"]
    assert refs(filter_records(RECORDS, LeadFilter(priority="hot"), rules)) == ["2"]
    assert refs(filter_records(RECORDS, LeadFilter(priority="cold"), rules)) == ["1", "3"]


def test_priority_needs_the_rules():
    with pytest.raises(ValueError):
        filter_records(RECORDS, LeadFilter(priority="hot"))


def test_select_leads_scores_every_row():
    rows = select_leads(RECORDS, LeadFilter(), load_rules())
    assert [(r["reference"][-1], v.priority) for r, v in rows] == [
        ("1", "cold"),
        ("2", "hot"),
        ("3", "cold"),
    ]
    assert rows[1][1].score >= 60
