"""The correction parser, in isolation: which field, which new value."""

from __future__ import annotations

import pytest

from bot.leads.intake import InvalidAnswer
from bot.leads.intake import fields as f
from bot.leads.intake.corrections import Correction, apply_correction, parse_correction


@pytest.mark.parametrize(
    "text, expected",
    [
        ("change the quantity to 25", Correction(f.ITEMS, "25")),
        ("actually my email is x@y.com", Correction(f.EMAIL, "x@y.com")),
        ("make it 10 rollers", Correction(f.ITEMS, "10 rollers")),
        ("actually, it's jo@ex.com", Correction(f.EMAIL, "jo@ex.com")),
        ("sorry, the country should be Spain", Correction(f.COUNTRY, "Spain")),
        ("update my phone number to +44 1234 567", Correction(f.PHONE, "+44 1234 567")),
        ("Actually the company is ACME Ltd", Correction(f.ORGANISATION, "ACME Ltd")),
        ("change my name to Jo Bloggs", Correction(f.NAME, "Jo Bloggs")),
        ("change the email", Correction(f.EMAIL, None)),
    ],
)
def test_corrections_are_recognised(text, expected):
    assert parse_correction(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hang on, can you make it 40 instead of 30", Correction(f.ITEMS, "40")),
        (
            "before I answer: make that a dozen rollers, we opened a second room",
            Correction(f.ITEMS, "a dozen rollers"),
        ),
        ("sorry, the quantity is 8 not 6", Correction(f.ITEMS, "8")),
        ("set qty to 75", Correction(f.ITEMS, "75")),
        (
            "hmm the mobile number is wrong, it should be 0161 496 0000",
            Correction(f.PHONE, "0161 496 0000"),
        ),
        (
            "typo in my address earlier, use sam.lee@example.net instead",
            Correction(f.EMAIL, "sam.lee@example.net"),
        ),
        (
            "one more fix for the company name - it's Oak Lane Clinic, not Oak Road",
            Correction(f.ORGANISATION, "Oak Lane Clinic"),
        ),
        (
            "I said spa earlier but we're actually a nursing home",
            Correction(f.BUYER_TYPE, "healthcare"),
        ),
    ],
)
def test_corrections_inside_a_longer_message_are_found(text, expected):
    found = parse_correction(text, asking=f.TIMELINE)
    assert (found.slot, found.value) == (expected.slot, expected.value)


def test_added_products_join_the_order(kb):
    correction = parse_correction("oh and please add 15 calf massagers to the order too")
    assert correction == Correction(f.ITEMS, "15 calf massagers", add=True)
    updates = apply_correction(correction, kb, [["foot_roller", 20]])
    assert updates[f.ITEMS] == [["foot_roller", 20], ["deep_calf_massager", 15]]


def test_while_notes_are_asked_only_a_correction_stated_outright_counts():
    assert parse_correction("sorry, the delivery must be before noon, ta", asking=f.NOTES) is None
    found = parse_correction("make it 10 rollers", asking=f.NOTES)
    assert (found.slot, found.value, found.loose) == (f.ITEMS, "10 rollers", True)


@pytest.mark.parametrize(
    "text",
    [
        "The order is urgent, the budget is flexible",
        "change something",
        "Sunrise Physio Ltd",
        "please deliver to the back entrance",
        "Ideally before the end of the year, sorry for the vague answer",
        "we're in Ireland, sorry no phone",
    ],
)
def test_ordinary_answers_are_not_corrections(text):
    assert parse_correction(text, asking=f.COUNTRY) is None


def test_a_bare_quantity_changes_the_only_item(kb):
    updates = apply_correction(Correction(f.ITEMS, "25"), kb, [["foot_roller", 20]])
    assert updates == {f.ITEMS: [["foot_roller", 25]]}


def test_a_bare_quantity_with_several_items_asks_which(kb):
    items = [["foot_roller", 20], ["deep_calf_massager", 5]]
    with pytest.raises(InvalidAnswer, match="Which product"):
        apply_correction(Correction(f.ITEMS, "25"), kb, items)


def test_a_quantity_of_massagers_changes_the_only_item(kb):
    items = [["whole_leg_massager", 20]]
    updates = apply_correction(Correction(f.ITEMS, "25 massagers"), kb, items)
    assert updates == {f.ITEMS: [["whole_leg_massager", 25]]}


def test_a_named_product_updates_or_adds_an_item(kb):
    items = [["foot_roller", 20], ["deep_calf_massager", 5]]
    updates = apply_correction(Correction(f.ITEMS, "10 rollers"), kb, items)
    assert updates[f.ITEMS] == [["foot_roller", 10], ["deep_calf_massager", 5]]


def test_another_product_replaces_a_single_item(kb):
    updates = apply_correction(Correction(f.ITEMS, "10 rollers"), kb, [["whole_leg_massager", 30]])
    assert updates[f.ITEMS] == [["foot_roller", 10]]


def test_corrected_values_are_checked_like_answers(kb):
    with pytest.raises(InvalidAnswer, match="needs a dot"):
        apply_correction(Correction(f.EMAIL, "jo@example"), kb, [])
