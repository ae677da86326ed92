"""Product lookup tolerates case, plurals, typos and casual names."""

from __future__ import annotations

import pytest

from bot.knowledge import UnknownEntryError, find_product, get_product, mentioned_products


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
