"""The dispatcher against a real local webhook receiver and a real local SMTP server."""

from __future__ import annotations

import logging
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select, update

from bot.cli import main
from bot.db.base import utcnow
from bot.handoff.backoff import Backoff
from bot.handoff.channels import ChannelConfigError, build_channels
from bot.handoff.dispatcher import Dispatcher
from bot.handoff.models import Notification
from bot.handoff.outbox import Outbox
from bot.leads.models import Lead
from bot.leads.rules import DEFAULT_RULES_FILE, load_rules
from tests.handoff.conftest import SECRET
from tests.handoff.receivers import WebhookReceiver

NO_WAIT = Backoff(base=timedelta(0))  # retries due at once, so one pass shows the whole story


@pytest.fixture
def dispatcher_for(uow_factory):
    def build(settings, max_attempts=8, backoff=NO_WAIT, clock=utcnow) -> Dispatcher:
        return Dispatcher(uow_factory, Outbox(uow_factory), build_channels(settings),
                          load_rules(settings.handoff_rules), max_attempts, backoff,
                          clock=clock)  # fmt: skip

    return build


def notifications(session_factory):
    with session_factory() as session:
        return session.execute(select(Notification).order_by(Notification.id)).scalars().all()


def test_every_lead_arrives_once_per_key_signed_despite_failures(
    submit, settings_for, dispatcher_for, session_factory
):
    references = [submit(i) for i in range(3)]
    with WebhookReceiver(secret=SECRET, fail_first=2) as receiver:
        settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
        report = dispatcher_for(settings).run_once()
        report.outcomes.update(dispatcher_for(settings).run_once().outcomes)  # nothing left
    assert report.count("retry") == 2 and sorted(report.outcomes["delivered"]) == references
    assert sorted(receiver.accepted) == references  # deduplicated by Idempotency-Key
    assert len(receiver.requests) == 5 and all(map(receiver.signature_valid, receiver.requests))
    body = receiver.accepted[references[0]]
    assert body["event"] == "lead_submitted" and body["priority"] == "hot"
    assert body["routing"] == {"team": "clinics", "email": None}
    assert body["lead"]["items"][0] == {"product": "foot_roller", "quantity": 40}
    assert body["lead"]["transcript"][0]["text"] == "I need rollers for my clinic"
    assert {n.status for n in notifications(session_factory)} == {"delivered"}


def test_a_redelivery_carries_the_same_key_and_a_valid_signature(
    submit, settings_for, dispatcher_for, session_factory, receiver
):
    reference = submit()
    settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
    dispatcher_for(settings).run_once()
    with session_factory.begin() as session:  # as if the receiver's 200 was lost
        session.execute(update(Notification).values(status="pending", next_attempt_at=utcnow()))
    dispatcher_for(settings).run_once()
    keys = [r["headers"]["idempotency-key"] for r in receiver.requests]
    assert keys == [reference, reference] and list(receiver.accepted) == [reference]
    assert all(map(receiver.signature_valid, receiver.requests))


def test_dead_letter_after_max_attempts_with_backoff_schedule(
    submit, settings_for, dispatcher_for, session_factory
):
    reference = submit()
    with WebhookReceiver(secret="wrong secret") as receiver:  # every request: 401
        settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
        slow = Backoff(base=timedelta(seconds=30), random=lambda: 1.0)
        before = utcnow()
        assert dispatcher_for(settings, 3, slow).run_once().count("retry") == 1
        (row,) = notifications(session_factory)
        assert (row.attempts, row.status) == (1, "pending") and "HTTP 401" in row.last_error
        assert timedelta(seconds=30) <= row.next_attempt_at - before < timedelta(seconds=35)
        later = lambda: utcnow() + timedelta(seconds=35)  # noqa: E731
        report = dispatcher_for(settings, max_attempts=3, clock=later).run_once()
    assert report.outcomes == {"retry": [reference], "dead": [reference]}
    (row,) = notifications(session_factory)
    assert (row.status, row.attempts, len(receiver.requests)) == ("dead", 3, 3)


def test_without_channels_leads_stay_pending_and_it_says_so_once(
    submit, settings_for, dispatcher_for, session_factory, caplog
):
    submit()
    dispatcher = dispatcher_for(settings_for())
    with caplog.at_level(logging.WARNING, logger="bot.handoff"):
        dispatcher.run_once()
        dispatcher.run_once()
    said = [r.getMessage() for r in caplog.records]
    assert any("no notification channel is configured" in line for line in said), said
    assert len(caplog.records) == 1
    (row,) = notifications(session_factory)
    assert (row.status, row.attempts) == ("pending", 0)


def test_email_reaches_the_team_with_text_and_html_parts(
    submit, settings_for, dispatcher_for, smtp_server, tmp_path
):
    rules = tmp_path / "rules.yml"
    rules.write_text(DEFAULT_RULES_FILE.read_text().replace(
        "{team: clinics, buyer_type: [healthcare]}",
        "{team: clinics, buyer_type: [healthcare], email: clinics@footcare.example}"))  # fmt: skip
    reference = submit(name="Zoë <script>", email="zoe@clinic.example")
    submit(2, buyer_type="personal", organisation=None)
    settings = settings_for(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port,
                            SMTP_FROM="bot@footcare.example", SALES_EMAIL="sales@footcare.example",
                            HANDOFF_RULES=rules)  # fmt: skip
    assert dispatcher_for(settings).run_once().count("delivered") == 2
    first, second = smtp_server.sink.envelopes
    assert first.rcpt_tos == ["clinics@footcare.example"]  # routed team address
    assert second.rcpt_tos == ["sales@footcare.example"]  # default route: SALES_EMAIL
    message = message_from_bytes(first.content, policy=policy.default)
    assert message["Subject"].strip().startswith(f"[HOT] New lead {reference}")
    assert message["Reply-To"].addresses[0].addr_spec == "zoe@clinic.example"
    text = message.get_body(("plain",)).get_content()
    markup = message.get_body(("html",)).get_content()
    assert "foot_roller x 40" in text and "visitor: I need rollers for my clinic" in text
    assert "Zoë &lt;script&gt;" in markup and "<script>" not in markup


def test_half_configured_channels_are_refused(settings_for):
    with pytest.raises(ChannelConfigError, match="HANDOFF_WEBHOOK_SECRET"):
        build_channels(settings_for(HANDOFF_WEBHOOK_URL="http://127.0.0.1:9/x"))


def test_slack_gets_a_heads_up_without_contact_details(submit, settings_for, dispatcher_for):
    reference = submit()
    with WebhookReceiver() as receiver:
        settings = settings_for(SLACK_WEBHOOK_URL=receiver.url)
        assert dispatcher_for(settings).run_once().count("delivered") == 1
    (request,) = receiver.requests
    assert reference in request["json"]["text"] and "hot" in request["json"]["text"]
    assert "ana1@clinic.example" not in request["json"]["text"]


def test_a_purged_lead_is_dead_lettered_not_retried(
    submit, settings_for, dispatcher_for, session_factory, receiver
):
    reference = submit()
    with session_factory.begin() as session:
        session.delete(session.execute(select(Lead)).scalar_one())
    settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
    assert dispatcher_for(settings).run_once().outcomes == {"dead": [reference]}
    assert receiver.requests == []


def test_dispatch_once_delivers_to_every_configured_channel(
    submit, handoff_env, receiver, smtp_server, capsys
):
    reference = submit()
    for name, value in dict(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET,
                            SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_server.port),
                            SMTP_FROM="bot@footcare.example",
                            SALES_EMAIL="sales@footcare.example").items():  # fmt: skip
        handoff_env.setenv(name, value)
    assert main(["handoff", "dispatch", "--once"]) == 0
    assert capsys.readouterr().out.strip() == "delivered: 1"
    assert list(receiver.accepted) == [reference]
    assert [e.rcpt_tos for e in smtp_server.sink.envelopes] == [["sales@footcare.example"]]
