"""``bot leads forget`` / ``purge`` and ``bot handoff status`` / ``retry`` / ``dispatch --once``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.cli import main
from bot.db.base import utcnow
from bot.handoff.models import Notification
from bot.leads.errors import LeadNotFound
from bot.leads.models import Lead, LeadItem, Transcript
from bot.leads.services import change_status, get_lead


def _count(session_factory, model):
    with session_factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar()


def _notification(session_factory, reference):
    with session_factory() as session:
        query = select(Notification).where(Notification.lead_reference == reference)
        return session.execute(query).scalar_one()


def test_forget_erases_personal_data_but_keeps_the_counts(
    submit, handoff_env, uow_factory, session_factory, capsys
):
    forgotten = submit(1, email="Ana@Clinic.example")
    again = submit(2, email="ana@clinic.EXAMPLE", notes="call me on +44 7700 900123")
    kept = submit(3)
    change_status(uow_factory(), forgotten, "contacted", note="spoke to Ana Costa")
    assert main(["leads", "forget", "ANA@clinic.example"]) == 0
    assert "erased personal data of 2 lead(s)" in capsys.readouterr().out
    for reference in (forgotten, again):
        lead = get_lead(uow_factory(), reference)
        assert [lead[k] for k in ("name", "email", "phone", "organisation", "notes")] == [None] * 5
        assert lead["transcript"] == [] and lead["items"][0]["quantity"] == 40
        assert (lead["buyer_type"], lead["country"]) == ("healthcare", "GB")
        assert "Ana" not in str(lead["history"])
        row = _notification(session_factory, reference)
        assert (row.status, row.payload["email"], row.payload["name"]) == ("dead", None, None)
    assert get_lead(uow_factory(), kept)["email"] == "ana3@clinic.example"
    assert _count(session_factory, Lead) == 3 and _count(session_factory, LeadItem) == 6
    assert _count(session_factory, Transcript) == 1


def test_purge_erases_only_leads_older_than_the_retention(
    submit, handoff_env, uow_factory, session_factory, capsys
):
    old, recent = submit(1), submit(2)
    with session_factory.begin() as session:
        session.execute(update(Lead).where(Lead.reference == old)
                        .values(created_at=utcnow() - timedelta(days=181)))  # fmt: skip
    assert main(["leads", "purge", "--older-than", "180d", "--dry-run"]) == 0
    assert f"would erase {old}" in capsys.readouterr().out
    assert get_lead(uow_factory(), old)["name"] == "Ana Costa 1"
    assert main(["leads", "purge", "--older-than", "180d"]) == 0
    assert "erased personal data of 1 lead(s)" in capsys.readouterr().out
    assert get_lead(uow_factory(), old)["name"] is None
    assert get_lead(uow_factory(), recent)["name"] == "Ana Costa 2"
    assert main(["leads", "purge", "--older-than", "180d"]) == 0  # idempotent
    assert "of 0 lead(s)" in capsys.readouterr().out
    with pytest.raises(LeadNotFound):
        get_lead(uow_factory(), "FM-1999-000001")


@pytest.mark.parametrize("text", ["180", "6 months", "d", "-1d", "soon"])
def test_unreadable_retention_is_a_usage_error(text, handoff_env, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["leads", "purge", f"--older-than={text}"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in err
    assert "like 30m, 12h, 7d or 2w" in err


@pytest.mark.parametrize("text", ["6m", "30 min", "0d", "23h"])
def test_retention_under_a_day_is_refused_before_anything_is_erased(text, handoff_env, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["leads", "purge", f"--older-than={text}"])
    assert stopped.value.code == 2
    assert "less than a day" in capsys.readouterr().err


def test_retention_reads_weeks_and_spelled_out_units(submit, handoff_env, session_factory,
                                                      capsys):  # fmt: skip
    old = submit(1)
    with session_factory.begin() as session:
        session.execute(update(Lead).where(Lead.reference == old)
                        .values(created_at=utcnow() - timedelta(days=183)))  # fmt: skip
    for text in ("26w", "26 Weeks", "182 days"):
        assert main(["leads", "purge", "--older-than", text, "--dry-run"]) == 0
        assert f"would erase {old}" in capsys.readouterr().out
    assert main(["leads", "purge", "--older-than", "27w", "--dry-run"]) == 0
    assert "of 0 lead(s)" in capsys.readouterr().out


def test_status_and_retry_of_a_dead_notification(submit, handoff_env, session_factory, capsys):
    reference = submit()
    with session_factory.begin() as session:
        session.execute(update(Notification).values(status="dead", attempts=8,
                                                    last_error="webhook: HTTP 500"))  # fmt: skip
    assert main(["handoff", "status"]) == 0
    out = capsys.readouterr().out
    assert "pending: 0, delivered: 0, dead: 1" in out and "webhook: HTTP 500" in out
    assert reference in out
    assert "Nothing reaches the sales team: no notification channel is configured" in out
    assert main(["handoff", "retry", reference]) == 0
    row = _notification(session_factory, reference)
    assert (row.status, row.attempts) == ("pending", 0)
    assert main(["handoff", "retry", reference]) == 1
    assert "no dead notification" in capsys.readouterr().err


def test_dispatch_once_without_channels_keeps_leads_pending(
    submit, handoff_env, session_factory, capsys
):
    reference = submit()
    assert main(["handoff", "dispatch", "--once"]) == 0
    assert "nothing due" in capsys.readouterr().out
    assert _notification(session_factory, reference).status == "pending"


def test_dispatch_refuses_half_configured_channels(handoff_env, capsys):
    handoff_env.setenv("SMTP_HOST", "127.0.0.1")
    assert main(["handoff", "dispatch", "--once"]) == 1
    assert "SMTP_FROM" in capsys.readouterr().err


def test_unmigrated_database_is_reported(handoff_env, tmp_path, capsys):
    handoff_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["handoff", "status"]) == 1
    assert "database unavailable" in capsys.readouterr().err


def test_status_is_quiet_about_channels_once_one_is_configured(handoff_env, capsys):
    handoff_env.setenv("SLACK_WEBHOOK_URL", "https://hooks.example.test/T000/B000/XXX")
    assert main(["handoff", "status"]) == 0
    assert "Nothing reaches the sales team" not in capsys.readouterr().out
