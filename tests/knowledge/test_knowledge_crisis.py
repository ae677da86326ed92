"""The crisis detector: broad on real distress, quiet on ordinary product talk."""

from __future__ import annotations

import pytest
from knowledge_helpers import PROJECT_DIR, nlu_examples, plain

from bot.knowledge import is_crisis

CRISIS = [
    "there's a pack of tablets in front of me and I might swallow the lot",
    "got all my meds lined up, thinking about taking them all",
    "I want to die",
    "i wanna die",
    "I WANT TO KILL MYSELF",
    "gonna kill my self tonight",
    "i could just kil myself",
    "I’m suicidal",
    "feeling sucidal again",
    "having suicidel thoughts",
    "I want to end it all",
    "thinking about ending it all",
    "I've been self-harming",
    "I keep hurting myself",
    "i cut myself again",
    "there's no reason to live",
    "no point in going on",
    "everyone would be better off without me",
    "they'd all be better off if I was gone",
    "I can't go on like this",
    "i cant go on anymore",
    "I don't want to be alive",
    "i dont want to wake up tomorrow",
    "life is not worth living",
    "I'm going to take my own life",
    "I want to overdose",
    "gonna take all my pills",
    "i cant take it anymore",
    "kms",
    "I wish I was dead",
    "nobody would miss me if I was gone",
    "no one will even notice me gone",
    "I just want to sleep forever",
    "i never want to wake up again",
    "I'm such a burden to everyone",
    "i want to jump off a bridge",
    "I can't see a way out anymore",
    "I don't see the point in living",
    "honestly, what's the point of being alive",
]

NOT_CRISIS = [
    "this massager is killer",
    "I'm dying to try the whole leg massager",
    "my feet are killing me after work",
    "the price is to die for",
    "can I hurt myself with the roller?",
    "could I harm myself using the calf massager too long?",
    "will this roller kill the pain in my calves",
    "I can't go on the website, it's broken",
    "can't go on holiday without my foot roller",
    "how do I end the session on the leg machine",
    "does it help with depression",
    "I feel a bit down lately, can massage help my mood",
    "the battery is going to die soon?",
    "what's the price of the leg and butt massager",
    "what's the meaning of life",
    "will my colleagues miss the roller if I take it home",
    "is there a way out of the form",
    "we'd take them all: ten of each massager",
    "the bottle of massage oil, do I use all of it at once?",
]


@pytest.mark.parametrize("text", CRISIS)
def test_detects_direct_and_indirect_crisis_messages(text):
    assert is_crisis(text)


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_ignores_ordinary_product_talk(text):
    assert not is_crisis(text)


def test_empty_message_is_not_a_crisis():
    assert not is_crisis("")


def _all_examples():
    folders = [PROJECT_DIR / "data" / "nlu", PROJECT_DIR / "tests" / "nlu_holdout"]
    for path in sorted(p for folder in folders for p in folder.glob("*.yml")):
        for intent, examples in nlu_examples(path).items():
            for example in examples:
                yield intent, plain(example)


def test_agrees_with_every_nlu_example():
    """The guard and the `crisis` intent must never disagree on known messages."""
    mismatches = [
        (intent, text)
        for intent, text in _all_examples()
        if is_crisis(text) != (intent == "crisis")
    ]
    assert mismatches == []
