"""The enquiry form through the REST channel, asserting what reaches the leads database."""

from __future__ import annotations

import pytest

from bot.leads.intake import fields as f
from tests.enquiry import ASK, Visitor, full_enquiry
from tests.support.servers import first_buttons, reply_texts

pytestmark = pytest.mark.e2e


@pytest.fixture
def visitor(rasa_server) -> Visitor:
    return Visitor(rasa_server)


def test_full_enquiry_keeps_the_opening_details_and_is_stored(visitor):
    reference = full_enquiry(visitor)
    lead = visitor.lead()
    assert lead["reference"] == reference
    assert lead["buyer_type"] == "spa_wellness"
    assert lead["items"] == [{"product": "whole_leg_massager", "quantity": 30}]
    assert (lead["organisation"], lead["name"], lead["email"]) == (
        "Sunrise Spa & Wellness", "Jo Bloggs", "jo@example.com",
    )  # fmt: skip
    assert (lead["phone"], lead["country"], lead["timeline"]) == (
        "+44 20 7946 0000", "Germany", "Within a month",
    )  # fmt: skip
    assert (lead["budget"], lead["notes"]) == (
        "about 5000 EUR",
        "please deliver to the back entrance",
    )
    (consent,) = lead["consents"]
    assert consent["wording"] == f.CONSENT_TEXT and consent["granted"] and consent["given_at"]
    texts = [m["text"] for m in lead["transcript"]]
    assert texts[0] == "we'd like to order 30 whole leg massagers for our clinic"
    assert {m["sender"] for m in lead["transcript"]} == {"visitor", "bot"}
    assert all(m["timestamp"] for m in lead["transcript"])


def test_number_words_personal_use_and_skipped_optional_answers(visitor):
    messages = visitor.stack.chat(visitor.sender, "can I get a quote")
    assert ASK[f.BUYER_TYPE] in reply_texts(messages).lower()
    assert "Personal use" in [b["title"] for b in first_buttons(messages)]
    visitor.say("Personal use", expect=ASK[f.ITEMS])
    visitor.say("two hundred foot rollers and a dozen calf massagers", expect=ASK[f.NAME])
    visitor.say("Maria García", expect=ASK[f.EMAIL])
    visitor.say("maria@example.es", expect=ASK[f.PHONE])
    visitor.say("skip", expect=ASK[f.COUNTRY])
    visitor.say("Spain", expect=ASK[f.TIMELINE])
    visitor.say("Just exploring", expect=ASK[f.BUDGET])
    visitor.say("skip", expect=ASK[f.NOTES])
    visitor.finish()
    lead = visitor.lead()
    assert lead["buyer_type"] == "personal" and lead["organisation"] is None
    assert lead["items"] == [
        {"product": "foot_roller", "quantity": 200},
        {"product": "deep_calf_massager", "quantity": 12},
    ]
    assert (lead["phone"], lead["budget"], lead["notes"]) == (None, None, None)


def start_at_email(visitor: Visitor) -> None:
    visitor.say("we're a distributor and need 50 rollers", expect=ASK[f.ORGANISATION])
    visitor.say("Happy Feet Trading", expect=ASK[f.NAME])
    visitor.say("Sam Lee", expect=ASK[f.EMAIL])


def test_invalid_email_is_explained_and_asked_again(visitor):
    start_at_email(visitor)
    reply = visitor.say("sam.happyfeet.com", expect="@")
    assert ASK[f.EMAIL] in reply.lower()
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])


def test_why_needed_explains_then_asks_again(visitor):
    start_at_email(visitor)
    reply = visitor.say("why do you need my email?", expect="sent by email")
    assert ASK[f.EMAIL] in reply.lower()


def test_corrections_mid_form_and_at_the_summary(visitor):
    start_at_email(visitor)
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])
    reply = visitor.say("actually my email is orders@happyfeet.com", expect="updated the email")
    assert ASK[f.PHONE] in reply.lower()
    visitor.say("skip", expect=ASK[f.COUNTRY])
    visitor.say("Ireland", expect=ASK[f.TIMELINE])
    visitor.say("In 1-3 months", expect=ASK[f.BUDGET])
    visitor.say("skip", expect=ASK[f.NOTES])
    visitor.say("skip", expect=ASK[f.CONSENT])
    visitor.say("yes", expect="50 × Foot roller")
    visitor.say("change the quantity to 25", expect="25 × Foot roller")
    visitor.say("Submit", expect="reference")
    lead = visitor.lead()
    assert lead["email"] == "orders@happyfeet.com"
    assert lead["items"] == [{"product": "foot_roller", "quantity": 25}]
    assert lead["buyer_type"] == "reseller"


def test_product_question_mid_form_is_answered_then_the_form_resumes(visitor):
    start_at_email(visitor)
    reply = visitor.say("how often should I use a foot massager?", expect="source: article")
    assert ASK[f.EMAIL] in reply.lower()
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])


def test_crisis_mid_form_gets_the_crisis_answer_first_and_stores_nothing(visitor):
    start_at_email(visitor)
    messages = visitor.stack.chat(visitor.sender, "I want to die")
    assert any(line in messages[0]["text"] for line in ("988", "116 123", "112"))
    assert ASK[f.EMAIL] not in reply_texts(messages).lower()
    assert visitor.leads() == []
    visitor.say("continue my enquiry", expect=ASK[f.EMAIL])


def test_cancel_asks_first_then_stores_nothing_and_forgets(visitor):
    start_at_email(visitor)
    visitor.say("cancel", expect="do you want to stop")
    visitor.say("yes", expect="stored nothing")
    assert visitor.leads() == []
    visitor.say("can I get a quote", expect=ASK[f.BUYER_TYPE])


def test_cancel_can_be_withdrawn(visitor):
    start_at_email(visitor)
    visitor.say("stop", expect="do you want to stop")
    visitor.say("no", expect=ASK[f.EMAIL])


def test_consent_refused_stores_nothing(visitor):
    start_at_email(visitor)
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])
    visitor.say("skip", expect=ASK[f.COUNTRY])
    visitor.say("Ireland", expect=ASK[f.TIMELINE])
    visitor.say("Just exploring", expect=ASK[f.BUDGET])
    visitor.say("skip", expect=ASK[f.NOTES])
    visitor.say("skip", expect=ASK[f.CONSENT])
    visitor.say("No", expect="won't store anything")
    assert visitor.leads() == []
    visitor.say("can I get a quote", expect=ASK[f.BUYER_TYPE])


def test_resubmission_updates_the_same_lead(visitor):
    reference = full_enquiry(visitor)
    visitor.say("actually my phone number is +1 555 123 4567", expect=ASK[f.CONFIRMED])
    reply = visitor.say("Submit", expect="updated your enquiry")
    assert reference in reply
    lead = visitor.lead()
    assert lead["reference"] == reference and lead["phone"] == "+1 555 123 4567"


def test_yes_to_the_quote_offer_after_a_price_question_starts_the_form(visitor):
    messages = visitor.stack.chat(visitor.sender, "how much does the foot roller cost?")
    assert {"title": "Start an enquiry", "payload": "/request_quote"} in first_buttons(messages)
    visitor.say("yes", expect=ASK[f.BUYER_TYPE])


def test_quote_buttons_start_the_form(visitor):
    reply = visitor.say("/request_quote", expect=ASK[f.BUYER_TYPE])
    assert "submit" not in reply.lower()  # no summary prompt before the first question


def test_a_typed_request_starts_with_the_first_question_only(visitor):
    reply = visitor.say("I'd like a quote", expect=ASK[f.BUYER_TYPE])
    assert "submit" not in reply.lower()


HOSTILE = {
    f.ORGANISATION: "<script>alert(1)</script>",
    f.NAME: "山田太郎 🌸",
    f.EMAIL: "用户@例子.广告",
    f.BUDGET: "{{7*7}}",
    f.NOTES: "'; DROP TABLE leads; --",
}


def test_hostile_and_non_latin_input_is_stored_verbatim(visitor):
    visitor.say("we are a hospital and need 10 calf massagers", expect=ASK[f.ORGANISATION])
    visitor.say(HOSTILE[f.ORGANISATION], expect=ASK[f.NAME])
    visitor.say(HOSTILE[f.NAME], expect=ASK[f.EMAIL])
    visitor.say(HOSTILE[f.EMAIL], expect=ASK[f.PHONE])
    visitor.say("skip", expect=ASK[f.COUNTRY])
    visitor.say("日本", expect=ASK[f.TIMELINE])
    visitor.say("Within a month", expect=ASK[f.BUDGET])
    visitor.say(HOSTILE[f.BUDGET], expect=ASK[f.NOTES])
    visitor.finish(HOSTILE[f.NOTES])
    lead = visitor.lead()
    for slot, column in ((f.ORGANISATION, "organisation"), (f.NAME, "name"), (f.EMAIL, "email")):
        assert lead[column] == HOSTILE[slot]
    assert (lead["budget"], lead["notes"], lead["country"]) == ("{{7*7}}", HOSTILE[f.NOTES], "日本")
    assert lead["buyer_type"] == "healthcare"


def test_ten_thousand_character_notes_are_stored_whole(visitor):
    notes = ("Delivery notes for the warehouse team. " * 300)[:10_000]
    start_at_email(visitor)
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])
    visitor.say("skip", expect=ASK[f.COUNTRY])
    visitor.say("Ireland", expect=ASK[f.TIMELINE])
    visitor.say("Just exploring", expect=ASK[f.BUDGET])
    visitor.say("skip", expect=ASK[f.NOTES])
    visitor.finish(notes)
    assert visitor.lead()["notes"] == notes


def test_unknown_products_and_bad_quantities_are_asked_again(visitor):
    visitor.say("can I get a quote", expect=ASK[f.BUYER_TYPE])
    visitor.say("Other", expect=ASK[f.ITEMS])
    reply = visitor.say("10 hot stone kits", expect="hot stone kits")
    assert "Foot roller" in reply and "Leg and butt massager" in reply
    visitor.say("0 rollers", expect="at least 1")
    visitor.say("500000 rollers", expect="smaller number")
    visitor.say("fifteen rollers", expect=ASK[f.ORGANISATION])


def test_two_failed_answers_offer_a_person_or_a_skip(visitor):
    start_at_email(visitor)
    first = visitor.say("not telling")
    assert "person will follow up" not in first
    visitor.say("still no", expect="talk to a person")
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])
    visitor.say("call me", expect="phone number")
    visitor.say("whenever", expect="say 'skip'")
    visitor.say("skip", expect=ASK[f.COUNTRY])


def test_price_question_mid_form_then_the_quote_button_resumes_the_question(visitor):
    start_at_email(visitor)
    messages = visitor.stack.chat(visitor.sender, "how much does the foot roller cost?")
    assert ASK[f.EMAIL] in reply_texts(messages).lower()
    visitor.say(first_buttons(messages)[0]["payload"], expect=ASK[f.EMAIL])
    visitor.say("sam@happyfeet.com", expect=ASK[f.PHONE])
