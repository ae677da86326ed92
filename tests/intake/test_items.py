"""Products and quantities from free text: number words, several items, bad quantities."""

from __future__ import annotations

import pytest

from bot.leads.errors import InvalidSubmission
from bot.leads.intake import InvalidAnswer
from bot.leads.intake.items import MissingQuantity, parse_items
from bot.leads.intake.numbers import tokens
from bot.leads.submission import MAX_QUANTITY, LeadSubmission, clean_submission


@pytest.mark.parametrize(
    "text, expected",
    [
        ("20 rollers and 5 calf massagers", [["foot_roller", 20], ["deep_calf_massager", 5]]),
        ("rollers: 20, calf massagers: 5", [["foot_roller", 20], ["deep_calf_massager", 5]]),
        ("two hundred foot rollers", [["foot_roller", 200]]),
        ("a dozen rollers", [["foot_roller", 12]]),
        ("half a dozen whole leg massagers", [["whole_leg_massager", 6]]),
        ("twenty-five leg and butt massagers", [["leg_and_butt_massager", 25]]),
        ("two hundred and fifty whole leg massagers", [["whole_leg_massager", 250]]),
        ("1,000 rollers", [["foot_roller", 1000]]),
        ("10k rollers", [["foot_roller", 10000]]),
        ("a roller and 5 calf massagers", [["foot_roller", 1], ["deep_calf_massager", 5]]),
        ("20 rollers for our 3 clinics", [["foot_roller", 20]]),
        ("whole leg massager x 30", [["whole_leg_massager", 30]]),
        ("we'd like 30 whole leg massagers for our clinic", [["whole_leg_massager", 30]]),
    ],
)
def test_items_are_read_from_one_line(kb, text, expected):
    assert parse_items(kb, text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("0 rollers", "at least 1"),
        ("-5 rollers", "at least 1"),
        ("minus five rollers", "at least 1"),
        ("200000 rollers", "smaller number"),
        ("2.5 rollers", "whole number"),
        ("10 hot stone kits", "hot stone kits"),
        ("something nice", "Which products"),
    ],
)
def test_bad_quantities_and_unknown_products_are_explained(kb, text, reason):
    with pytest.raises(InvalidAnswer, match=reason):
        parse_items(kb, text)


def test_unknown_product_question_lists_the_range(kb):
    with pytest.raises(InvalidAnswer) as error:
        parse_items(kb, "10 hot stone kits")
    for product in kb.products:
        assert product.name in str(error.value)


def test_a_product_without_quantity_is_asked_for_and_a_bare_number_completes_it(kb):
    with pytest.raises(MissingQuantity) as error:
        parse_items(kb, "I want to buy some rollers")
    assert error.value.products == ["foot_roller"]
    assert parse_items(kb, "twenty", pending=["foot_roller"]) == [["foot_roller", 20]]


def test_a_bare_number_for_several_pending_products_is_ambiguous(kb):
    with pytest.raises(InvalidAnswer, match="name the product"):
        parse_items(kb, "25", pending=["foot_roller", "deep_calf_massager"])


@pytest.mark.parametrize("text", ["roughly a hundred pieces", "100 units please", "100"])
def test_a_bare_quantity_asks_which_product_it_is_for(kb, text):
    with pytest.raises(InvalidAnswer) as error:
        parse_items(kb, text)
    assert "Which product would you like 100 of?" in str(error.value)
    assert "don't know a product" not in str(error.value)


@pytest.mark.parametrize("text", ["one please", "just the one", "1, thanks", "just 1 in total"])
def test_polite_words_after_a_quantity_are_not_taken_for_a_product(kb, text):
    assert parse_items(kb, text, pending=["deep_calf_massager"]) == [["deep_calf_massager", 1]]


def test_number_words_fold_into_integers():
    assert tokens("a couple of rollers") == [2, "rollers"]
    assert tokens("three thousand two hundred") == [3200]
    assert tokens("a hundred") == [100]


@pytest.mark.parametrize(
    "text, pending, expected",
    [
        ("one of each", ["foot_roller", "deep_calf_massager"],
         [["foot_roller", 1], ["deep_calf_massager", 1]]),
        ("3 each of the roller and the calf massager", [],
         [["foot_roller", 3], ["deep_calf_massager", 3]]),
        ("40 of the whole leg ones and 5 calf ones", [],
         [["whole_leg_massager", 40], ["deep_calf_massager", 5]]),
    ],
)  # fmt: skip
def test_each_and_casual_product_names(kb, text, pending, expected):
    assert parse_items(kb, text, pending) == expected


def _stored_items(items):
    submission = LeadSubmission("visitor-1", "reseller", items=[tuple(item) for item in items])
    return clean_submission(submission).items


def test_every_quantity_the_form_accepts_can_be_stored(kb):
    items = parse_items(kb, f"{MAX_QUANTITY} rollers")
    assert _stored_items(items) == (("foot_roller", MAX_QUANTITY),)


def test_above_the_limit_the_visitor_is_pointed_to_sales_and_nothing_is_stored(kb):
    with pytest.raises(InvalidAnswer, match="smaller number.*sales team"):
        parse_items(kb, f"{MAX_QUANTITY + 1} rollers")
    with pytest.raises(InvalidSubmission, match="between 1 and"):
        _stored_items([["foot_roller", MAX_QUANTITY + 1]])
