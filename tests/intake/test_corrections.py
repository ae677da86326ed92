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
    "text",
    [
        "The order is urgent, the budget is flexible",
        "change something",
        "Sunrise Physio Ltd",
        "please deliver to the back entrance",
    ],
)
def test_ordinary_answers_are_not_corrections(text):
    assert parse_correction(text) is None


def test_a_bare_quantity_changes_the_only_item(kb):
    updates = apply_correction(Correction(f.ITEMS, "25"), kb, [["foot_roller", 20]])
    assert updates == {f.ITEMS: [["foot_roller", 25]]}


def test_a_bare_quantity_with_several_items_asks_which(kb):
    items = [["foot_roller", 20], ["deep_calf_massager", 5]]
    with pytest.raises(InvalidAnswer, match="Which product"):
        apply_correction(Correction(f.ITEMS, "25"), kb, items)


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
