"""Messages without a single known word are not understood, whatever DIET guessed."""

from __future__ import annotations

import pytest

from bot.nlu.nonsense_guard import is_nonsense

KNOWN = frozenset({"how", "often", "should", "use", "the", "roller", "foot", "info", "please"})


@pytest.mark.parametrize(
    "text", ["z" * 500, "plonk wubba zorp", "kjhg poiu, mnbv!!", "Ωμέγα λάμδα"]
)
def test_nothing_known_is_nonsense(text):
    assert is_nonsense(text, KNOWN)


@pytest.mark.parametrize(
    "text",
    [
        "how often should I use it",
        "foot rolller info pls",  # one known word is enough: typos pass
        "25",
        "jo@example.com",
        "ok",  # short words count neither way
        "",
    ],
)
def test_anything_with_a_known_word_or_no_word_passes(text):
    assert not is_nonsense(text, KNOWN)
