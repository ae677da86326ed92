"""The form, the domain and the actions agree on every slot (parsed from domain.yml)."""

from __future__ import annotations

import pytest
import yaml

from actions import lead_submit
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


def test_every_form_slot_has_a_question(domain):
    responses = set(domain["responses"])
    actions = set(domain["actions"])
    for slot in f.FORM_SLOTS:
        assert f"utter_ask_{slot}" in responses or f"action_ask_{slot}" in actions, slot


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


def test_submission_carries_every_answer_the_form_collects():
    """A question added to the form whose answer never reaches the lead fails here."""
    structured = (f.BUYER_TYPE, f.ITEMS, f.CONSENT, f.CONFIRMED)
    free_text = [slot for slot in f.FORM_SLOTS if slot not in structured]
    slots = {slot: f"answer to {slot}" for slot in free_text}
    slots.update({f.BUYER_TYPE: "healthcare", f.ITEMS: [["foot_roller", 3]], f.CONSENT: True,
                  f.CONSENT_AT: "2026-03-01T12:00:00+00:00", f.CONFIRMED: True})  # fmt: skip
    submission = handover.build_submission("conv-1", slots, [])
    stored = set(vars(submission).values())
    for slot in free_text:
        assert f"answer to {slot}" in stored, f"the lead never gets the answer to {slot}"
    assert submission.buyer_type == "healthcare"
    assert submission.items == (("foot_roller", 3),)
    assert submission.consent_granted and submission.consent_given_at is not None


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
