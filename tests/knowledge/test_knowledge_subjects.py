"""What a product question is about, and what the bot asks back when it cannot tell."""

from __future__ import annotations

import pytest

from bot.knowledge import (
    UNANSWERABLE_BUTTONS,
    UnknownEntryError,
    product_asked_about,
    product_buttons,
    product_suits_setting,
    products_for_setting,
    products_to_compare,
    setting_answer,
    setting_asked_about,
    subject_to_expand,
    which_product_question,
    which_two_question,
)

RANGE = "Foot roller, Whole leg massager, Deep calf massager, Leg and butt massager"


@pytest.mark.parametrize(
    ("text", "named", "discussed", "expected"),
    [
        ("is the roller good for a spa?", ["foot_roller"], "whole_leg_massager", "foot_roller"),
        ("is it good for a spa?", [], "whole_leg_massager", "whole_leg_massager"),
        ("is that one for calves good at home?", [], "foot_roller", "deep_calf_massager"),
        ("which of them suit a spa?", [], "foot_roller", None),
        ("what can I use at home?", [], "foot_roller", None),
        ("is it good for a spa?", [], None, None),
    ],
)
def test_product_asked_about_is_the_named_one_or_the_one_it_points_back_to(
    kb, text, named, discussed, expected
):
    assert product_asked_about(kb, text, named, discussed) == expected


@pytest.mark.parametrize(
    ("named", "discussed", "expected"),
    [
        (["foot_roller", "deep_calf_massager"], None, ("foot_roller", "deep_calf_massager")),
        (["foot_roller", "deep_calf_massager"], "whole_leg_massager",
         ("foot_roller", "deep_calf_massager")),
        (["foot_roller"], "whole_leg_massager", ("whole_leg_massager", "foot_roller")),
        (["foot_roller"], "foot_roller", None),
        (["foot_roller"], None, None),
        (["foot_roller"], "reflexology", None),
        ([], "foot_roller", None),
    ],
)  # fmt: skip
def test_products_to_compare_are_two_named_or_the_discussed_one_and_the_named_one(
    kb, named, discussed, expected
):
    assert products_to_compare(kb, named, discussed) == expected


def test_setting_named_now_wins_over_the_one_named_before():
    assert setting_asked_about("clinic", "home") == "clinic"
    assert setting_asked_about(None, "home") == "home"
    assert setting_asked_about(None, None) == ""


def test_setting_answer_is_about_the_product_asked_about_or_the_whole_range(kb):
    assert setting_answer(kb, "spa", "foot_roller") == product_suits_setting(
        kb, "foot_roller", "spa"
    )
    assert setting_answer(kb, "spa") == products_for_setting(kb, "spa")
    assert "whole leg massager is designed for use at home" in setting_answer(kb, "clinic")


@pytest.mark.parametrize("setting", ["", "garage"])
def test_an_unknown_setting_is_refused_so_the_visitor_is_asked(kb, setting):
    with pytest.raises(UnknownEntryError):
        setting_answer(kb, setting, "foot_roller")
    with pytest.raises(UnknownEntryError):
        setting_answer(kb, setting)


def test_tell_more_expands_the_last_answer_else_the_product_discussed():
    assert subject_to_expand("reflexology", "foot_roller") == "reflexology"
    assert subject_to_expand(None, "foot_roller") == "foot_roller"
    assert subject_to_expand("", "") is None
    assert subject_to_expand(None, None) is None


def test_questions_back_name_the_whole_range(kb):
    assert which_product_question(kb) == f"Which product do you mean? We have: {RANGE}."
    assert which_two_question(kb) == f"Which two would you like to compare? We have: {RANGE}."


def test_every_product_has_a_button_asking_about_it(kb):
    buttons = product_buttons(kb)
    assert [b["title"] for b in buttons] == [p.name for p in kb.products]
    assert buttons[0] == {"title": "Foot roller", "payload": "Tell me about the Foot roller"}


def test_unanswerable_questions_offer_an_enquiry_and_the_range():
    assert [b["payload"] for b in UNANSWERABLE_BUTTONS] == ["/request_quote", "/list_products"]
    assert [b["title"] for b in UNANSWERABLE_BUTTONS] == ["Start an enquiry", "Show the products"]
