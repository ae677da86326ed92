"""Resolve what a visitor typed ("Rollers", "calf massger", "foot_roller") to a product.

The NLU synonyms already map most entity values to product ids, but actions
also receive raw slot values and free text, so the same tolerant matching is
needed in plain Python.
"""

from __future__ import annotations

import difflib
import re
from typing import Dict, List

from bot.knowledge.model import Knowledge, Product, UnknownEntryError

_NOT_WORD = re.compile(r"[^a-z0-9]+")
TYPO_SIMILARITY = 0.88  # "foot rolller" is the foot roller; "foot spa" is nothing we sell


def normalise(text: str) -> str:
    """Lower-case ``text`` and reduce punctuation, ``&``, ``-`` and ``_`` to single spaces."""
    text = text.lower().replace("&", " and ")
    return _NOT_WORD.sub(" ", text).strip()


def _singular(text: str) -> str:
    if text.endswith("ies"):
        return text[:-3] + "y"
    if text.endswith("s") and not text.endswith("ss"):
        return text[:-1]
    return text


def _index(knowledge: Knowledge) -> Dict[str, Product]:
    names: Dict[str, Product] = {}
    for product in knowledge.products:
        for name in (product.id, product.name, *product.aliases):
            key = normalise(name)
            names[key] = product
            names.setdefault(_singular(key), product)
    return names


def find_product(knowledge: Knowledge, text: str | None) -> Product | None:
    """The product ``text`` names (id, name or alias, any case, plural or singular),
    or misspells closely ("foot rolller")."""
    if not text:
        return None
    key = normalise(text)
    names = _index(knowledge)
    found = names.get(key) or names.get(_singular(key))
    if found is None and len(key) >= 6:
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=TYPO_SIMILARITY)
        found = names[close[0]] if close else None
    return found


def get_product(knowledge: Knowledge, text: str) -> Product:
    """Like :func:`find_product`, but an unknown name is an :class:`UnknownEntryError`."""
    product = find_product(knowledge, text)
    if product is None:
        raise UnknownEntryError(f"no product is called {text!r}")
    return product


def mentioned_products(knowledge: Knowledge, text: str) -> List[Product]:
    """Products named anywhere in ``text``, in order of mention, without repeats.

    A fallback for when entity extraction misses a name; longer names win, so
    "whole leg massager" is not also read as "leg massager".
    """
    found: List[tuple] = []
    taken = [False] * len(normalise(text))
    padded = f" {normalise(text)} "
    for name, product in sorted(_index(knowledge).items(), key=lambda item: -len(item[0])):
        for match in re.finditer(f" {re.escape(name)} ", padded):
            span = range(match.start(), match.end() - 2)
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                found.append((match.start(), product))
    ordered: List[Product] = []
    for _, product in sorted(found, key=lambda item: item[0]):
        if product not in ordered:
            ordered.append(product)
    return ordered


# "them"/"they" usually mean the whole range ("which of them suit a spa?"), so not here.
_BACK_REFERENCE = re.compile(r"\b(?:it|that|this|that one|this one)\b")


def refers_back(text: str) -> bool:
    """True when ``text`` points at something said before ("is it good for a spa?")."""
    return bool(_BACK_REFERENCE.search(normalise(text)))


def described_product(knowledge: Knowledge, text: str) -> Product | None:
    """The product ``text`` describes without naming it ("something for tight calves").

    The product with the most of its cues in ``text``; None on a tie or no cue.
    """
    padded = f" {normalise(text)} "
    scores = [
        (sum(f" {normalise(cue)} " in padded for cue in product.cues), product)
        for product in knowledge.products
    ]
    scores.sort(key=lambda scored: -scored[0])
    best, runner_up = scores[0][0], (scores[1][0] if len(scores) > 1 else 0)
    return scores[0][1] if best > runner_up else None
