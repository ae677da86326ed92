"""The form, the domain and the actions agree on every slot (parsed from domain.yml)."""

from __future__ import annotations

import inspect
import re

import pytest
import yaml

from actions import lead_submit
from actions.lead_form import ValidateLeadForm
from bot.config import PROJECT_ROOT
from bot.leads.intake import fields as f
from bot.leads.intake import handover

INTERRUPTIONS = {
    "faq", "ask_product", "list_products", "compare_products", "product_for_setting",
    "tell_more", "ask_commercial", "ask_medication", "crisis", "stop", "why_needed",
    "bot_challenge", "human_handoff",
}  # fmt: skip


@pytest.fixture(scope="module")
def domain():
    """domain.yml, with the names of actions that carry settings (``send_domain``) as names."""
    loaded = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    loaded["actions"] = [a if isinstance(a, str) else next(iter(a)) for a in loaded["actions"]]
    return loaded


def test_form_asks_exactly_the_slots_the_code_knows(domain):
    assert domain["forms"]["lead_form"]["required_slots"] == list(f.FORM_SLOTS)
    assert domain["forms"]["handoff_form"]["required_slots"] == [f.NAME, f.EMAIL]


def test_every_slot_constant_is_a_domain_slot(domain):
    for slot in (*f.FORM_SLOTS, *f.BOOKKEEPING_SLOTS):
        assert slot in domain["slots"], slot


def test_every_form_slot_has_a_validate_method_and_a_question(domain):
    responses = set(domain["responses"])
    actions = set(domain["actions"])
    for slot in f.FORM_SLOTS:
        assert callable(getattr(ValidateLeadForm, f"validate_{slot}", None)), slot
        assert f"utter_ask_{slot}" in responses or f"action_ask_{slot}" in actions, slot
    validators = {n for n in dir(ValidateLeadForm) if n.startswith("validate_")}
    assert validators == {f"validate_{slot}" for slot in f.FORM_SLOTS}


def test_form_answers_are_text_conditioned_on_the_question_and_skip_interruptions(domain):
    for slot in f.FORM_SLOTS:
        (mapping,) = domain["slots"][slot]["mappings"]
        assert mapping["type"] == "from_text"
        conditions = [{"active_loop": "lead_form", "requested_slot": slot}]
        if slot in domain["forms"]["handoff_form"]["required_slots"]:
            conditions.append({"active_loop": "handoff_form", "requested_slot": slot})
        assert mapping["conditions"] == conditions
        assert set(mapping["not_intent"]) == INTERRUPTIONS
        assert set(mapping["not_intent"]) <= set(domain["intents"])


def test_submission_reads_every_answer_the_form_collects():
    source = inspect.getsource(handover.build_submission)
    for name in (n for n in dir(f) if n.isupper()):
        value = getattr(f, name)
        if value in f.FORM_SLOTS and value not in (f.CONFIRMED,):
            assert re.search(rf"f\.{name}\b", source), f"build_submission never reads {value}"
    assert "f.CONSENT_AT" in source
    assert "build_submission" in inspect.getsource(lead_submit.ActionSubmitLead.run)


def test_form_actions_are_declared_in_the_domain(domain):
    for name in (
        "validate_lead_form", "action_start_lead", "action_submit_lead", "action_correct_lead",
        "action_explain_why", "action_cancel_lead", "action_pause_lead",
    ):  # fmt: skip
        assert name in domain["actions"], name


def test_responses_named_by_the_form_actions_exist(domain):
    from actions import lead_form, lead_interruptions

    for module in (lead_form, lead_submit, lead_interruptions):
        for name in dir(module):
            if name.startswith("UTTER_"):
                assert getattr(module, name) in domain["responses"], name
