"""The form's decisions: answers, failures and give-up offers, consent, summary, submission."""

from __future__ import annotations

from datetime import datetime

from bot.leads.intake import build_submission, handle_answer, prefill, required_slots, summary
from bot.leads.intake import fields as f
from bot.leads.intake.form import CHANGE_PROMPT
from tests.intake.conftest import NOW

FILLED = {
    f.BUYER_TYPE: "healthcare",
    f.ITEMS: [["whole_leg_massager", 30]],
    f.ORGANISATION: "Sunrise Physio",
    f.NAME: "Jo Bloggs",
    f.EMAIL: "jo@example.com",
    f.PHONE: f.SKIPPED,
    f.COUNTRY: "Germany",
    f.TIMELINE: "Within a month",
    f.BUDGET: "about 5000 EUR",
    f.NOTES: f.SKIPPED,
    f.CONSENT: True,
    f.CONSENT_AT: NOW.isoformat(),
}


def answer(slot, value, slots=None, kb=None, from_visitor=True):
    return handle_answer(slot, value, slots or {}, kb, from_visitor, NOW)


def test_a_good_answer_sets_the_slot_and_clears_its_failures(kb):
    step = answer(f.EMAIL, "jo@example.com", {f.FAILURES: {f.EMAIL: 1}}, kb)
    assert step.updates == {f.EMAIL: "jo@example.com", f.FAILURES: {}}
    assert step.messages == []


def test_a_correction_asked_while_another_question_is_open_changes_that_field(kb):
    step = answer(f.COUNTRY, "oops, make that 45 instead of 30, we grew", FILLED, kb)
    assert step.updates[f.ITEMS] == [["whole_leg_massager", 45]]
    assert step.updates[f.COUNTRY] is None  # asked again
    assert step.messages == ["Updated: 45 × Whole leg massager."]


def test_a_note_that_only_looks_like_a_correction_is_kept_as_the_note(kb):
    note = "sorry, the order should be delivered to the back entrance"
    step = answer(f.NOTES, note, FILLED, kb)
    assert step.updates[f.NOTES] == note and f.ITEMS not in step.updates


def test_a_slot_cleared_by_an_action_is_not_checked_nor_answered(kb):
    step = answer(f.CONFIRMED, None, {f.ITEMS: [["foot_roller", 20]]}, kb, from_visitor=False)
    assert step.updates == {f.CONFIRMED: None}
    assert step.messages == []


def test_a_bad_answer_is_explained_and_asked_again(kb):
    step = answer(f.EMAIL, "jo.example.com", {}, kb)
    assert step.updates[f.EMAIL] is None
    assert "@" in step.messages[0]
    assert step.updates[f.FAILURES] == {f.EMAIL: 1}


def test_second_failure_offers_skip_for_optional_questions(kb):
    step = answer(f.PHONE, "call me", {f.FAILURES: {f.PHONE: 1}}, kb)
    assert "skip" in step.messages[-1]


def test_second_failure_offers_a_person_for_required_questions(kb):
    step = answer(f.EMAIL, "nope@", {f.FAILURES: {f.EMAIL: 1}}, kb)
    assert "talk to a person" in step.messages[-1]


def test_a_correction_to_another_field_updates_it_and_asks_again(kb):
    slots = {f.ITEMS: [["foot_roller", 20]]}
    step = answer(f.PHONE, "actually my email is x@y.com", slots, kb)
    assert step.updates == {f.EMAIL: "x@y.com", f.PHONE: None}
    assert "updated the email" in step.messages[0]


def test_a_correction_at_the_summary_shows_the_summary_again(kb):
    step = answer(f.CONFIRMED, "change the quantity to 25", dict(FILLED), kb)
    assert step.updates == {f.ITEMS: [["whole_leg_massager", 25]], f.CONFIRMED: None}


def test_summary_choices(kb):
    assert answer(f.CONFIRMED, "Submit", {}, kb).updates[f.CONFIRMED] is True
    change = answer(f.CONFIRMED, "Change something", {}, kb)
    assert change.updates[f.CONFIRMED] is None and change.messages == [CHANGE_PROMPT]


def test_consent_records_the_time_once(kb):
    step = answer(f.CONSENT, "Yes, you may contact me", {}, kb)
    assert step.updates[f.CONSENT] is True
    assert step.updates[f.CONSENT_AT] == NOW.isoformat()
    no = answer(f.CONSENT, "No", {}, kb)
    assert no.updates[f.CONSENT] is False


def test_kept_values_are_rechecked_silently(kb):
    step = answer(f.ITEMS, [["foot_roller", 20]], {}, kb, from_visitor=False)
    assert step.updates[f.ITEMS] == [["foot_roller", 20]]
    assert answer(f.PHONE, f.SKIPPED, {}, kb, from_visitor=False).updates[f.PHONE] == f.SKIPPED


def test_personal_buyers_are_not_asked_for_an_organisation_and_no_consent_ends_the_form():
    assert f.ORGANISATION not in required_slots({f.BUYER_TYPE: "personal"})
    assert f.ORGANISATION in required_slots({f.BUYER_TYPE: "reseller"})
    assert f.CONFIRMED not in required_slots({f.CONSENT: False})


def test_opening_message_prefills_items_and_buyer_type(kb):
    found = prefill(kb, "we'd like to order 30 whole leg massagers for our clinic")
    assert found == {f.BUYER_TYPE: "spa_wellness", f.ITEMS: [["whole_leg_massager", 30]]}
    assert prefill(kb, "I want to buy some rollers") == {f.PENDING_PRODUCTS: ["foot_roller"]}
    assert prefill(kb, "we're a distributor") == {f.BUYER_TYPE: "reseller"}
    assert prefill(kb, "can I get a quote") == {}


def test_summary_lists_every_answer(kb):
    text = summary(kb, FILLED)
    for expected in ("30 × Whole leg massager", "Sunrise Physio", "jo@example.com", "Germany"):
        assert expected in text
    assert f.SKIPPED not in text


def test_submission_carries_answers_consent_wording_and_transcript():
    events = [
        {"event": "user", "text": "hi", "timestamp": 1_770_000_000.0},
        {"event": "bot", "text": "Hello!", "timestamp": 1_770_000_001.0},
        {"event": "slot", "name": "x", "value": 1},
    ]
    submission = build_submission("conv-1", FILLED, events)
    assert submission.buyer_type == "healthcare"
    assert submission.items == (("whole_leg_massager", 30),)
    assert submission.phone is None and submission.notes is None
    assert submission.consent_text == f.CONSENT_TEXT
    assert submission.consent_given_at == datetime.fromisoformat(NOW.isoformat())
    assert [m["sender"] for m in submission.transcript] == ["visitor", "bot"]
    assert submission.transcript[0]["timestamp"].startswith("2026-02-02")


def test_plain_answers_misread_as_product_questions_are_still_answers():
    from bot.leads.intake.interruptions import reads_as_answer

    assert reads_as_answer("Ireland", "ask_product")
    assert reads_as_answer("20 rollers and 5 calf massagers", "compare_products")
    assert not reads_as_answer("how often should I use a foot massager?", "faq")
    assert not reads_as_answer("tell me about the roller", "ask_product")
    assert not reads_as_answer("which is better for a clinic", "product_for_setting")
    assert not reads_as_answer("cancel", "stop")
    assert not reads_as_answer("I want to die", "crisis")


def test_a_question_asked_at_the_notes_is_the_note():
    from bot.leads.intake.fields import NOTES
    from bot.leads.intake.interruptions import is_question_for_the_team, reads_as_answer

    question = "can you invoice us in euros?"
    assert reads_as_answer(question, "ask_commercial", NOTES)
    assert is_question_for_the_team(question, NOTES)
    assert not reads_as_answer(question, "ask_commercial", "country")
    assert not reads_as_answer("I can't go on any more", "crisis", NOTES)


def test_an_answer_misread_as_asking_for_a_person_is_still_the_answer():
    from bot.leads.intake.interruptions import reads_as_answer

    assert reads_as_answer("end of October", "human_handoff", "timeline")
    assert not reads_as_answer("can I talk to a real person", "human_handoff", "timeline")


def test_a_button_payload_mid_form_is_not_taken_as_an_answer(kb):
    step = answer(f.EMAIL, "/request_quote", {}, kb)
    assert step.updates == {f.EMAIL: None} and step.messages == []


def test_the_product_just_discussed_is_the_one_a_quantity_is_asked_for(kb):
    assert prefill(kb, "how can I order one of those?", discussed="leg_and_butt_massager") == {
        f.PENDING_PRODUCTS: ["leg_and_butt_massager"]
    }
    named = prefill(kb, "I'd like a quote for rollers", discussed="leg_and_butt_massager")
    assert named[f.PENDING_PRODUCTS] == ["foot_roller"]
    described = prefill(kb, "a quote for the massager for calves please", discussed="foot_roller")
    assert described[f.PENDING_PRODUCTS] == ["deep_calf_massager"]


def test_a_bare_quantity_at_the_products_question_is_for_the_product_discussed(kb):
    asking = {f.DISCUSSED_PRODUCT: "whole_leg_massager"}
    step = answer(f.ITEMS, "just the one", asking, kb)
    assert step.updates[f.ITEMS] == [["whole_leg_massager", 1]]
    named_earlier = {**asking, f.PENDING_PRODUCTS: ["foot_roller"]}
    assert answer(f.ITEMS, "3", named_earlier, kb).updates[f.ITEMS] == [["foot_roller", 3]]
    nothing_discussed = answer(f.ITEMS, "3", {}, kb)
    assert nothing_discussed.updates[f.ITEMS] is None
    assert "Which product would you like 3 of?" in nothing_discussed.messages[0]


def test_an_opening_keeps_every_product_even_one_said_head_first(kb):
    found = prefill(kb, "I'd like to buy a foot roller and one of the massagers for the whole leg")
    assert found[f.ITEMS] == [["foot_roller", 1], ["whole_leg_massager", 1]]


def test_a_number_of_something_else_is_no_quantity(kb):
    found = prefill(kb, "we have 12 pharmacies and would stock the roller and the calf massager")
    assert f.ITEMS not in found
    assert found[f.PENDING_PRODUCTS] == ["foot_roller", "deep_calf_massager"]
    assert prefill(kb, "30 rollers for our 4 clinics")[f.ITEMS] == [["foot_roller", 30]]
