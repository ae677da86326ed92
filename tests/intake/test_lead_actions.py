"""The form's Rasa actions with a Tracker and a CollectingDispatcher, no server."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text as sql

from actions.lead_form import ActionAskConsent, ActionStartLead, ValidateLeadForm
from actions.lead_interruptions import ActionCancelLead
from actions.lead_submit import ActionSubmitLead
from bot.db import dispose_engine, get_engine, upgrade
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import services, spool
from bot.leads.intake import fields as f
from tests.intake.conftest import NOW
from tests.intake.test_form import FILLED
from tests.support.database import sqlite_url

DOMAIN = {"forms": {"lead_form": {"required_slots": list(f.FORM_SLOTS)}}, "slots": {}}


def make_tracker(
    text: str = "",
    slots: Dict[str, Any] | None = None,
    events: List[dict] | None = None,
    sender_id: str = "visitor-1",
) -> Tracker:
    return Tracker(
        sender_id=sender_id,
        slots={"requested_slot": None, **(slots or {})},
        latest_message={"text": text, "intent": {"name": "inform"}, "entities": []},
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": "lead_form"},
        latest_action_name="action_listen",
    )


@pytest.fixture
def dispatcher():
    return CollectingDispatcher()


@pytest.fixture
def uow_factory(tmp_path):
    url = sqlite_url(tmp_path / "leads.db")
    upgrade(url)
    yield unit_of_work_factory(url)
    dispose_engine(url)


def as_dict(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_validation_fills_the_answer_and_asks_for_the_next_slot(kb, dispatcher):
    action = ValidateLeadForm(lambda: kb, lambda: NOW)
    tracker = make_tracker(
        "20 rollers", {"requested_slot": f.ITEMS, f.BUYER_TYPE: "personal"},
        [{"event": "slot", "name": f.ITEMS, "value": "20 rollers"}],
    )  # fmt: skip
    events = as_dict(await action.run(dispatcher, tracker, DOMAIN))
    assert events[f.ITEMS] == [["foot_roller", 20]]
    assert events["requested_slot"] == f.NAME  # personal use: no organisation question


async def test_validation_reports_a_bad_email(kb, dispatcher):
    action = ValidateLeadForm(lambda: kb, lambda: NOW)
    tracker = make_tracker(
        "jo.example.com", {"requested_slot": f.EMAIL},
        [{"event": "slot", "name": f.EMAIL, "value": "jo.example.com"}],
    )  # fmt: skip
    events = as_dict(await action.run(dispatcher, tracker, DOMAIN))
    assert events[f.EMAIL] is None
    assert "@" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("slot", f.FORM_SLOTS)
async def test_every_answer_of_the_form_is_checked(kb, dispatcher, slot):
    """A blank answer is never kept as the answer, whichever question it was given to."""
    action = ValidateLeadForm(lambda: kb, lambda: NOW)
    tracker = make_tracker("   ", {"requested_slot": slot},
                           [{"event": "slot", "name": slot, "value": "   "}])  # fmt: skip
    events = as_dict(await action.run(dispatcher, tracker, DOMAIN))
    assert events.get(slot) != "   "


def test_start_keeps_the_opening_details(kb, dispatcher):
    tracker = make_tracker("we're a distributor and need 40 calf massagers")
    events = as_dict(ActionStartLead(lambda: kb).run(dispatcher, tracker, {}))
    assert events[f.BUYER_TYPE] == "reseller"
    assert events[f.ITEMS] == [["deep_calf_massager", 40]]


def test_consent_question_uses_the_stored_wording(dispatcher):
    ActionAskConsent().run(dispatcher, make_tracker(), {})
    assert dispatcher.messages[0]["text"] == f.CONSENT_TEXT


def test_submit_saves_the_lead_and_gives_the_reference(dispatcher, uow_factory, tmp_path):
    slots = {**FILLED, f.CONFIRMED: True}
    action = ActionSubmitLead(uow_factory, lambda: tmp_path / "spool")
    events = as_dict(action.run(dispatcher, make_tracker("Submit", slots), {}))
    reference = events[f.REFERENCE]
    assert reference in dispatcher.messages[0]["text"]
    lead = services.get_lead(uow_factory(), reference)
    assert lead["email"] == "jo@example.com"
    assert lead["consents"][0]["wording"] == f.CONSENT_TEXT


def test_submit_without_consent_stores_nothing_and_forgets(dispatcher, uow_factory, tmp_path):
    slots = {**FILLED, f.CONSENT: False}
    action = ActionSubmitLead(uow_factory, lambda: tmp_path / "spool")
    events = as_dict(action.run(dispatcher, make_tracker("No", slots), {}))
    assert events[f.EMAIL] is None and events[f.NAME] is None
    assert services.list_leads(uow_factory()) == []


def test_submit_queues_the_lead_when_the_database_is_down(dispatcher, tmp_path):
    from tests.support.servers import free_port

    down = unit_of_work_factory(f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    action = ActionSubmitLead(down, lambda: tmp_path / "spool")
    events = as_dict(
        action.run(dispatcher, make_tracker("Submit", {**FILLED, f.CONFIRMED: True}), {})
    )
    assert events[f.REFERENCE] is None
    assert "will reach our sales team shortly" in dispatcher.messages[0]["text"]
    assert list((tmp_path / "spool").glob("*.json"))


def _long_conversation() -> List[dict]:
    return [
        {"event": "user" if i % 2 else "bot", "timestamp": 1767268800.0 + i,
         "text": "x" * 50_000 if i == 7 else f"turn {i}"}
        for i in range(400)
    ]  # fmt: skip


def test_submit_saves_a_long_enquiry_from_a_long_sender_id(dispatcher, uow_factory, tmp_path):
    slots = {**FILLED, f.CONFIRMED: True, f.NOTES: "n" * 30_000 + "\x00"}
    tracker = make_tracker("Submit", slots, _long_conversation(), sender_id="s" * 300)
    action = ActionSubmitLead(uow_factory, lambda: tmp_path / "spool")
    reference = as_dict(action.run(dispatcher, tracker, {}))[f.REFERENCE]
    assert reference in dispatcher.messages[0]["text"]
    lead = services.get_lead(uow_factory(), reference)
    assert lead["notes"].startswith("nnn") and "[shortened" in lead["notes"]
    assert lead["transcript"][-1]["text"] == "turn 399"
    again = as_dict(action.run(dispatcher, tracker, {}))[f.REFERENCE]
    assert again == reference and len(services.list_leads(uow_factory())) == 1


def test_an_enquiry_the_database_refuses_is_set_aside_not_failed(dispatcher, tmp_path):
    url = sqlite_url(tmp_path / "leads.db")
    upgrade(url)
    with get_engine(url).begin() as connection:
        connection.execute(sql("CREATE TRIGGER refuse BEFORE INSERT ON leads "
                               "BEGIN SELECT RAISE(ABORT, 'refused'); END"))  # fmt: skip
    action = ActionSubmitLead(unit_of_work_factory(url), lambda: tmp_path / "spool")
    events = as_dict(
        action.run(dispatcher, make_tracker("Submit", {**FILLED, f.CONFIRMED: True}), {})
    )
    dispose_engine(url)
    assert events[f.REFERENCE] is None
    assert "will reach our sales team shortly" in dispatcher.messages[0]["text"]
    (kept,) = spool.set_aside_paths(tmp_path / "spool")
    assert spool.load(kept).submission.email == "jo@example.com"


def test_cancel_clears_every_answer(dispatcher):
    events = ActionCancelLead().run(dispatcher, make_tracker(), {})
    assert ActiveLoop(None) in events
    assert SlotSet(f.EMAIL, None) in events and SlotSet(f.ITEMS, None) in events
