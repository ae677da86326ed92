"""The product resolver tolerates case, plurals, typos and casual names, and
resolves descriptions and "it" the same way for every caller."""

from __future__ import annotations

import pytest

from bot.knowledge import UnknownEntryError, find_product, get_product, mentioned_products
from bot.knowledge.lookup import find_names, meant_product, named_products


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("foot_roller", "foot_roller"),
        ("Foot Roller", "foot_roller"),
        ("ROLLERS", "foot_roller"),
        ("foot rolers", "foot_roller"),
        ("leg machine", "whole_leg_massager"),
        ("Whole-Leg Massagers", "whole_leg_massager"),
        ("calf massger", "deep_calf_massager"),
        ("calf massager", "deep_calf_massager"),
        ("Leg & Butt Massager", "leg_and_butt_massager"),
        ("glute massagers", "leg_and_butt_massager"),
        ("  butt massager ", "leg_and_butt_massager"),
        ("foot rolller", "foot_roller"),  # typos no alias lists
        ("whole leg masssager", "whole_leg_massager"),
    ],
)
def test_find_product_by_id_name_or_alias(kb, text, expected):
    assert find_product(kb, text).id == expected


@pytest.mark.parametrize(
    "text", ["", None, "jacuzzi", "massager", "foot", "foot spa", "massage chair"]
)
def test_unknown_or_vague_names_find_nothing(kb, text):
    assert find_product(kb, text) is None


def test_get_product_raises_for_unknown_names(kb):
    with pytest.raises(UnknownEntryError, match="sauna"):
        get_product(kb, "sauna")


def test_mentioned_products_prefers_longest_name_in_order(kb):
    found = mentioned_products(kb, "Is the whole leg massager better than a roller?")
    assert [p.id for p in found] == ["whole_leg_massager", "foot_roller"]


def test_mentioned_products_ignores_repeats_and_unrelated_text(kb):
    assert [p.id for p in mentioned_products(kb, "roller, roller, rollers!")] == ["foot_roller"]
    assert mentioned_products(kb, "what is the weather like") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 leg machines and 12 foot rollers", ["whole_leg_massager", "foot_roller"]),
        ("I want the glute massagers", ["leg_and_butt_massager"]),
        ("10 butt ones", ["leg_and_butt_massager"]),
        ("a Leg & Butt Massager, please", ["leg_and_butt_massager"]),
    ],
)
def test_mentioned_products_reads_plurals_of_any_name(kb, text, expected):
    assert [p.id for p in mentioned_products(kb, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a roller and one of the massagers for the whole leg",
            ["foot_roller", "whole_leg_massager"],
        ),
        ("what is the massager for the leg and butt like?", ["leg_and_butt_massager"]),
        ("is there a massager for the spa", []),  # no product is called "spa massager"
    ],
)
def test_a_name_said_head_first_is_the_product(kb, text, expected):
    assert [p.id for p in mentioned_products(kb, text)] == expected


def test_find_names_gives_places_and_a_number_ends_a_name(kb):
    found = find_names(kb, ["20", "whole", "leg", "massagers", "and", "roller", 1])
    assert [(m.start, m.end, m.product.id) for m in found] == [
        (1, 4, "whole_leg_massager"),
        (5, 6, "foot_roller"),  # not "roller one": tokens() made "one" a number
    ]


def test_named_products_take_entities_first_even_misspelt_then_the_text(kb):
    named = named_products(kb, "is the roller like the calf one?", ["calf massger", None, "sauna"])
    assert [p.id for p in named] == ["deep_calf_massager", "foot_roller"]


@pytest.mark.parametrize(
    ("text", "discussed", "expected"),
    [
        ("tell me about the roller", "whole_leg_massager", "foot_roller"),
        ("anything for tight calves?", "foot_roller", "deep_calf_massager"),
        ("is it good for a spa?", "whole_leg_massager", "whole_leg_massager"),
        ("is it good for a spa?", "no_such_product", None),
        ("is it good for a spa?", None, None),
    ],
)
def test_meant_product_is_named_then_described_then_the_one_discussed(
    kb, text, discussed, expected
):
    product = meant_product(kb, text, discussed=discussed)
    assert (product.id if product else None) == expected
