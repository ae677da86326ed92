"""The dispatcher delivers "talk to a person" notifications to real local receivers,
with the retries and dead-lettering it uses for leads."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest
from sqlalchemy import delete, select

from bot.cli import main
from bot.handoff.backoff import Backoff
from bot.handoff.channels import build_channels
from bot.handoff.dispatcher import Dispatcher
from bot.handoff.hours import load_hours
from bot.handoff.human import HandoffSubmission, request_handoff
from bot.handoff.models import HandoffRequest, Notification
from bot.handoff.outbox import Outbox
from bot.leads.rules import load_rules
from tests.handoff.conftest import SECRET
from tests.handoff.receivers import WebhookReceiver

NO_WAIT = Backoff(base=timedelta(0))


@pytest.fixture
def dispatcher_for(uow_factory):
    def build(settings, max_attempts=8) -> Dispatcher:
        return Dispatcher(uow_factory, Outbox(uow_factory), build_channels(settings),
                          load_rules(settings.handoff_rules), max_attempts, NO_WAIT)  # fmt: skip

    return build


@pytest.fixture
def ask_for_person(uow_factory):
    def ask(conversation_id="conv-9", **overrides) -> str:
        values = dict(
            conversation_id=conversation_id,
            name="Zoë <script>",
            email="zoe@clinic.example",
            reason="Please call me about 200 rollers",
            lead_reference="FM-2026-000001",
            transcript=({"sender": "user", "text": "talk to a person", "timestamp": 3.0},),
        )
        values.update(overrides)
        now = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
        return request_handoff(
            uow_factory(), HandoffSubmission(**values), load_hours(), now
        ).reference

    return ask


def outbox(session_factory):
    with session_factory() as session:
        query = select(Notification).order_by(Notification.id)
        return [(n.lead_reference, n.kind, n.status) for n in session.execute(query).scalars()]


def test_webhook_gets_the_request_and_transcript_signed_once_despite_failures(
    submit, ask_for_person, settings_for, dispatcher_for, session_factory
):
    lead = submit()
    reference = ask_for_person()
    with WebhookReceiver(secret=SECRET, fail_first=2) as receiver:
        settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
        report = dispatcher_for(settings).run_once()
    assert report.count("retry") == 2 and sorted(report.outcomes["delivered"]) == [lead, reference]
    assert all(map(receiver.signature_valid, receiver.requests))
    body = receiver.accepted[reference]
    assert (body["kind"], body["reference"], body["idempotency_key"]) == (
        "handoff", reference, reference)  # fmt: skip
    assert body["request"]["email"] == "zoe@clinic.example"
    assert body["request"]["lead_reference"] == "FM-2026-000001"
    assert body["request"]["reason"] == "Please call me about 200 rollers"
    assert body["transcript"] == [{"sender": "user", "text": "talk to a person", "timestamp": 3.0}]
    assert body["routing"]["team"] == load_rules().default_route.team
    assert receiver.accepted[lead]["event"] == "lead_submitted"  # leads unchanged
    assert {status for *_, status in outbox(session_factory)} == {"delivered"}


def test_email_subject_reply_to_and_escaped_body(
    ask_for_person, settings_for, dispatcher_for, smtp_server
):
    reference = ask_for_person()
    settings = settings_for(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port,
                            SMTP_FROM="bot@footcare.example",
                            SALES_EMAIL="sales@footcare.example")  # fmt: skip
    assert dispatcher_for(settings).run_once().count("delivered") == 1
    [envelope] = smtp_server.sink.envelopes
    assert envelope.rcpt_tos == ["sales@footcare.example"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == f"Visitor asks for a person: {reference}"
    assert message["Reply-To"].addresses[0].addr_spec == "zoe@clinic.example"
    text = message.get_body(("plain",)).get_content()
    assert "user: talk to a person" in text and "Please call me about 200 rollers" in text
    assert "Lead: FM-2026-000001" in text
    markup = message.get_body(("html",)).get_content()
    assert "Zoë &lt;script&gt;" in markup and "<script>" not in markup


def test_slack_gets_a_heads_up_without_contact_details(
    ask_for_person, settings_for, dispatcher_for
):
    reference = ask_for_person()
    with WebhookReceiver() as slack:
        settings = settings_for(SLACK_WEBHOOK_URL=slack.url)
        assert dispatcher_for(settings).run_once().count("delivered") == 1
    [request] = slack.requests
    text = json.loads(request["raw"])["text"]
    assert f"Visitor asks for a person: *{reference}*" in text and "FM-2026-000001" in text
    assert "zoe@" not in text and "Zoë" not in text


def test_failing_deliveries_are_dead_lettered_and_can_be_requeued(
    ask_for_person, settings_for, dispatcher_for, session_factory, capsys
):
    reference = ask_for_person()
    with WebhookReceiver(secret="wrong secret") as receiver:  # every request: 401
        settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
        report = dispatcher_for(settings, max_attempts=2).run_once()
    assert report.count("retry") == 1 and report.outcomes["dead"] == [reference]
    assert outbox(session_factory) == [(reference, "handoff", "dead")]
    assert main(["handoff", "retry", reference]) == 0
    assert outbox(session_factory) == [(reference, "handoff", "pending")]
    with WebhookReceiver(secret=SECRET) as receiver:
        settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
        assert dispatcher_for(settings).run_once().outcomes == {"delivered": [reference]}
    assert list(receiver.accepted) == [reference]


def test_a_request_that_no_longer_exists_is_dead_lettered(
    ask_for_person, settings_for, dispatcher_for, session_factory, receiver
):
    reference = ask_for_person()
    with session_factory.begin() as session:
        session.execute(delete(HandoffRequest))
    settings = settings_for(HANDOFF_WEBHOOK_URL=receiver.url, HANDOFF_WEBHOOK_SECRET=SECRET)
    assert dispatcher_for(settings).run_once().outcomes == {"dead": [reference]}
    assert receiver.requests == []


def test_a_channel_without_a_hand_off_format_refuses_instead_of_sending_nonsense():
    from bot.handoff.channels import DeliveryError
    from bot.handoff.human.delivery import PersonRequested, send

    class Teams:
        name = "teams"

        def send(self, handoff):  # pragma: no cover - must not be called
            raise AssertionError("sent a lead-shaped message")

    message = PersonRequested("HO-2026-000001", {"reference": "HO-2026-000001"},
                              load_rules().default_route)  # fmt: skip
    with pytest.raises(DeliveryError, match="teams channel cannot deliver hand-off requests"):
        send(Teams(), message)
