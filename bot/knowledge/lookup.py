"""The product resolver: which of our products a visitor's words mean.

Entity values, slot values, free text and the enquiry form's item lines all
name products, and a name must be understood the same way everywhere: by id,
name or alias, in any case, singular or plural ("Rollers", "calf ones",
"foot_roller"), and, for a name given on its own, closely misspelt
("calf massger"). A message may instead describe a product by its cues
("something for tight calves") or point back at the one just discussed ("is it
good for a spa?"). The NLU synonyms map most entity values already, but actions
also receive raw slot values and free text, so the same tolerant matching is
needed in plain Python, and only here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence

from bot.knowledge.model import Knowledge, Product, UnknownEntryError

_NOT_WORD = re.compile(r"[^a-z0-9]+")
TYPO_SIMILARITY = 0.88  # "foot rolller" is the foot roller; "foot spa" is nothing we sell
_SHORTEST_GUESS = 6  # shorter names are too alike to guess a misspelling of
# Words between "for" and a name said head first: "massagers for the whole leg".
_ARTICLES = frozenset({"the", "a", "an", "your", "my", "our", "their", "his", "her"})


def match_key(text: str) -> str:
    """``text`` as product names are compared: lower case, ``&`` as "and", any other mark a space.

    Unlike :func:`bot.knowledge.crisis.squash_message`, an apostrophe splits
    words, so "roller's" still holds "roller" and "it's" still holds "it".
    """
    text = text.lower().replace("&", " and ")
    return _NOT_WORD.sub(" ", text).strip()


def _singular(key: str) -> str:
    """``key`` with its last word singular: "calf massagers" -> "calf massager"."""
    if key.endswith("ies"):
        return key[:-3] + "y"
    if key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


@dataclass(frozen=True)
class NameMatch:
    """A product named by ``words[start:end]`` of the words that were searched."""

    start: int
    end: int
    product: Product


class _Names:
    """Every way of naming each product, singular forms included, by :func:`match_key`."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.products: Dict[str, Product] = {}
        for product in knowledge.products:
            for name in (product.id, product.name, *product.aliases):
                key = match_key(name)
                self.products[key] = product
                self.products.setdefault(_singular(key), product)
        self.most_words = max((len(key.split()) for key in self.products), default=0)
        # "massager", "roller": the last word of a name, which "the massager for
        # the whole leg" puts first.
        self.heads = {key.split()[-1] for key in self.products if len(key.split()) > 1}

    def named(self, key: str) -> Product | None:
        return self.products.get(key) or self.products.get(_singular(key))

    def misspelt(self, key: str) -> Product | None:
        if len(key) < _SHORTEST_GUESS:
            return None
        close = difflib.get_close_matches(key, list(self.products), n=1, cutoff=TYPO_SIMILARITY)
        return self.products[close[0]] if close else None

    def longest_at(self, words: Sequence[object], start: int) -> NameMatch | None:
        for end in range(min(len(words), start + self.most_words), start, -1):
            window = words[start:end]
            if all(isinstance(word, str) for word in window):
                product = self.named(" ".join(map(str, window)))
                if product is not None:
                    return NameMatch(start, end, product)
        return None

    def head_first_at(self, words: Sequence[object], start: int) -> NameMatch | None:
        """A name said head first: "massagers for the whole leg" is the whole leg massager."""
        head = words[start]
        if not isinstance(head, str) or _singular(head) not in self.heads:
            return None
        rest = start + 1
        if rest >= len(words) or words[rest] != "for":
            return None
        rest += 1
        if rest < len(words) and words[rest] in _ARTICLES:
            rest += 1
        for end in range(min(len(words), rest + self.most_words - 1), rest, -1):
            qualifier = words[rest:end]
            if all(isinstance(word, str) for word in qualifier):
                product = self.named(" ".join(map(str, qualifier)) + " " + _singular(head))
                if product is not None:
                    return NameMatch(start, end, product)
        return None


def find_product(knowledge: Knowledge, text: str | None) -> Product | None:
    """The product ``text`` names as a whole (id, name or alias, any case, plural or
    singular), or misspells closely ("foot rolller"): for entity and slot values."""
    if not text:
        return None
    names = _Names(knowledge)
    key = match_key(text)
    return names.named(key) or names.misspelt(key)


def get_product(knowledge: Knowledge, text: str) -> Product:
    """Like :func:`find_product`, but an unknown name is an :class:`UnknownEntryError`."""
    product = find_product(knowledge, text)
    if product is None:
        raise UnknownEntryError(f"no product is called {text!r}")
    return product


def find_names(knowledge: Knowledge, words: Sequence[object]) -> List[NameMatch]:
    """The product names among ``words``, left to right, the longest name at each place.

    ``words`` are split as :func:`match_key` splits them; anything that is not a
    string (the enquiry form passes numbers) ends a name. The longest name wins,
    so "whole leg massager" is not also read as "leg massager"; a name may come
    head first ("the massagers for the whole leg"). Misspellings are
    not guessed here: in running text too many ordinary words are near a name.
    """
    names = _Names(knowledge)
    found: List[NameMatch] = []
    start = 0
    while start < len(words):
        match = names.longest_at(words, start) or names.head_first_at(words, start)
        if match is not None:
            found.append(match)
        start = match.end if match is not None else start + 1
    return found


def _unique(products: Iterable[Product | None]) -> List[Product]:
    ordered: List[Product] = []
    for product in products:
        if product is not None and product not in ordered:
            ordered.append(product)
    return ordered


def mentioned_products(knowledge: Knowledge, text: str) -> List[Product]:
    """Products named anywhere in ``text``, in order of mention, without repeats."""
    return _unique(match.product for match in find_names(knowledge, match_key(text).split()))


def named_products(
    knowledge: Knowledge, text: str, entities: Iterable[str | None] = ()
) -> List[Product]:
    """Products a message names: its ``product`` entity values first (a misspelt one
    too), then names the entity extractor missed in ``text``; in order, no repeats."""
    from_entities = [find_product(knowledge, value) for value in entities]
    return _unique([*from_entities, *mentioned_products(knowledge, text)])


# "them"/"they" usually mean the whole range ("which of them suit a spa?"), so not here.
_BACK_REFERENCE = re.compile(r"\b(?:it|that|this|that one|this one)\b")


def refers_back(text: str) -> bool:
    """True when ``text`` points at something said before ("is it good for a spa?")."""
    return bool(_BACK_REFERENCE.search(match_key(text)))


def described_product(knowledge: Knowledge, text: str) -> Product | None:
    """The product ``text`` describes without naming it ("something for tight calves").

    The product with the most of its cues in ``text``; None on a tie or no cue.
    """
    padded = f" {match_key(text)} "
    scores = [
        (sum(f" {match_key(cue)} " in padded for cue in product.cues), product)
        for product in knowledge.products
    ]
    scores.sort(key=lambda scored: -scored[0])
    best, runner_up = scores[0][0], (scores[1][0] if len(scores) > 1 else 0)
    return scores[0][1] if best > runner_up else None


def meant_product(
    knowledge: Knowledge,
    text: str,
    entities: Iterable[str | None] = (),
    discussed: str | None = None,
) -> Product | None:
    """The one product a message is about: the first it names, else the one it
    describes ("the one for calves"), else ``discussed``, the id of the product
    talked about last, which "it" and "that one" point back to."""
    named = named_products(knowledge, text, entities)
    if named:
        return named[0]
    described = described_product(knowledge, text)
    if described is not None:
        return described
    return next((product for product in knowledge.products if product.id == discussed), None)
