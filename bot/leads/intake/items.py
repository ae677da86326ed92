"""Products with a quantity each, from one line or several.

"20 rollers and 5 calf massagers", "whole leg massager x 30", "a dozen rollers",
a bare "25" when the visitor already named the product, or "one of each" for
all the products they named. Which words name a product is the product
resolver's call (:func:`bot.knowledge.find_names`); this module pairs the
names with the numbers around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Sequence, Set

from bot.knowledge import Knowledge, find_names
from bot.leads.intake.errors import InvalidAnswer
from bot.leads.intake.numbers import Token, is_number, tokens
from bot.leads.submission import MAX_QUANTITY

Items = List[List]  # [[product_id, quantity], ...]: JSON-safe, as kept in the slot

_EACH = re.compile(r"\beach\b", re.I)

# Words after a number that still leave it a quantity of a product: "20 pieces",
# "5 more rollers". Any other plural noun counts something else: "we have 12
# pharmacies" is not 12 of anything we sell.
_QUANTITY_WORDS = frozenset(
    {
        "pieces", "pcs", "units", "items", "sets", "boxes", "packs", "pairs", "dozens",
        "hundreds", "thousands", "plus", "this", "is", "was", "as", "its", "his", "has",
        "does", "yes", "us", "less", "thanks", "pls", "please", "of", "x", "more",
    }
)  # fmt: skip

# Words after a number that name nothing: "one please", "just 2, thanks".
_FILLERS = frozenset(
    {
        "please", "pls", "plz", "thanks", "thank", "you", "ta", "cheers", "just", "only",
        "then", "ok", "okay", "total", "in", "all", "altogether",
    }
)  # fmt: skip

# Words after a stray number that suggest the visitor meant a product we don't sell.
_PRODUCT_LIKE = ("massag", "roller", "machine", "device", "mat", "kit", "spa", "chair", "unit")


class MissingQuantity(InvalidAnswer):
    """Products were named without a quantity; ``products`` are their ids."""

    def __init__(self, message: str, products: Sequence[str]) -> None:
        super().__init__(message)
        self.products = list(products)


@dataclass
class ParsedItems:
    """What a message says about products: quantities found, products without one."""

    items: Items = field(default_factory=list)
    unquantified: List[str] = field(default_factory=list)
    stray_numbers: List[Token] = field(default_factory=list)
    unknown: str | None = None


def range_text(kb: Knowledge) -> str:
    return ", ".join(p.name for p in kb.products)


def product_name(kb: Knowledge, product_id: str) -> str:
    return next((p.name for p in kb.products if p.id == product_id), product_id)


def _scan(kb: Knowledge, text: str) -> List[tuple]:
    """Elements in order: ("num", value, next_word), ("prod", id, preceded_by_article),
    ("counted", value, noun) for a number of something we don't sell ("12 pharmacies")."""
    toks = tokens(text)
    names = find_names(kb, toks)
    starts = {match.start for match in names}
    placed = [
        (match.start, ("prod", match.product.id, _after_article(toks, match.start)))
        for match in names
    ]
    for i, tok in enumerate(toks):
        if is_number(tok):
            kind = "counted" if _counts_something_else(toks, i, starts) else "num"
            placed.append((i, (kind, tok, " ".join(_words_after(toks, i)))))
    return [element for _, element in sorted(placed, key=lambda item: item[0])]


def _after_article(toks: Sequence[Token], i: int) -> bool:
    return i > 0 and toks[i - 1] in ("a", "an")  # "a roller": one of it


def _counts_something_else(toks: Sequence[Token], i: int, name_starts: Set[int]) -> bool:
    """Is the number at ``i`` followed by a plural noun that is no product ("12 pharmacies")?"""
    following = toks[i + 1] if i + 1 < len(toks) else None
    if not isinstance(following, str) or not following.endswith("s"):
        return False
    if following in _QUANTITY_WORDS or following.endswith("ss"):
        return False
    if any(stem in following for stem in ("massag", "roller", "machine", "device", "gadget")):
        return False  # "25 massagers": ours, even if not named exactly
    return i + 1 not in name_starts


def _words_after(toks: Sequence[Token], i: int) -> List[str]:
    words: List[str] = []
    for tok in toks[i + 1 : i + 4]:
        if not isinstance(tok, str) or tok in ("and", "of", "plus"):
            break
        words.append(tok)
    return words


def scan_items(kb: Knowledge, text: str) -> ParsedItems:
    """Pair each product named in ``text`` with its quantity, without judging the values."""
    elements = _scan(kb, text)
    plain = [e for e in elements if not (e[0] == "prod" and e[2])]
    number_first = bool(plain) and plain[0][0] == "num"
    claimed = set()
    parsed = ParsedItems()
    for pos, (kind, value, extra) in enumerate(elements):
        if kind != "prod":
            continue
        quantity = 1 if extra else None  # "a roller"
        if quantity is None:
            quantity = _claim(elements, pos, -1 if number_first else 1, claimed)
        if quantity is None:
            quantity = _claim(elements, pos, 1 if number_first else -1, claimed)
        if quantity is None:
            parsed.unquantified.append(value)
        else:
            parsed.items = [i for i in parsed.items if i[0] != value] + [[value, quantity]]
    for pos, (kind, value, extra) in enumerate(elements):
        if kind == "num" and pos not in claimed:
            parsed.stray_numbers.append(value)
            parsed.unknown = parsed.unknown or _unnamed(extra) or None
        elif kind == "counted":
            parsed.unknown = parsed.unknown or extra or None
    return parsed


def _unnamed(words: str) -> str:
    """The words after a stray number that might name a thing ("chairs"), not "pieces, please"."""
    return " ".join(w for w in words.split() if w not in _QUANTITY_WORDS and w not in _FILLERS)


def _claim(elements: List[tuple], pos: int, step: int, claimed: set):
    other = pos + step
    if 0 <= other < len(elements) and elements[other][0] == "num" and other not in claimed:
        claimed.add(other)
        return elements[other][1]
    return None


def check_quantity(kb: Knowledge, product_id: str, quantity: Token) -> int:
    name = product_name(kb, product_id)
    if isinstance(quantity, float) and not quantity.is_integer():
        raise InvalidAnswer(f"Please give a whole number for the {name}.")
    quantity = int(quantity)
    if quantity <= 0:
        raise InvalidAnswer(f"The quantity for the {name} must be at least 1.")
    if quantity > MAX_QUANTITY:
        raise InvalidAnswer(
            f"{quantity:,} {name} is more than I can take here (up to {MAX_QUANTITY:,} "
            "per product). Please give a smaller number; for bigger volumes our sales "
            "team will talk it through with you."
        )
    return quantity


def parse_items(kb: Knowledge, text: str, pending: Sequence[str] = ()) -> Items:
    """The items of an answer to "which products, how many?"; raises :class:`InvalidAnswer`.

    ``pending`` are the products a bare "25" is for: named earlier without a
    quantity, or else the one under discussion. With none, the visitor is asked
    which product the number is for.
    """
    parsed = scan_items(kb, text)
    numbers = parsed.stray_numbers + [quantity for _, quantity in parsed.items]
    named = [product for product, _ in parsed.items] + parsed.unquantified or list(pending)
    if _EACH.search(text) and len(numbers) == 1 and len(named) > 1:
        # "one of each", "5 each of the roller and the calf massager"
        parsed.items = [[product, numbers[0]] for product in named]
        parsed.unquantified, parsed.stray_numbers, parsed.unknown = [], [], None
    if not parsed.items and not parsed.unquantified and len(parsed.stray_numbers) == 1:
        if len(pending) == 1:
            parsed.items = [[pending[0], parsed.stray_numbers[0]]]
            parsed.stray_numbers = []
            parsed.unknown = None
        elif len(pending) > 1:
            names = " or ".join(product_name(kb, p) for p in pending)
            raise InvalidAnswer(f"Is that for the {names}? Please name the product too.")
        elif not parsed.unknown:
            quantity = _quantity_text(parsed.stray_numbers[0])
            raise InvalidAnswer(
                f"Which product would you like {quantity} of? We have: {range_text(kb)}. "
                f'For example: "{quantity} foot rollers".'
            )
    product_like = any(word in (parsed.unknown or "") for word in _PRODUCT_LIKE)
    if parsed.unknown and (product_like or not (parsed.items or parsed.unquantified)):
        raise InvalidAnswer(
            f'I don\'t know a product called "{parsed.unknown}". We have: {range_text(kb)}. '
            "Which one did you mean, and how many?"
        )
    if parsed.unquantified:
        names = " and ".join(product_name(kb, p) for p in parsed.unquantified)
        raise MissingQuantity(f"How many of the {names} would you like?", parsed.unquantified)
    if not parsed.items:
        raise InvalidAnswer(
            f"Which products would you like, and how many? We have: {range_text(kb)}. "
            'For example: "20 foot rollers and 5 deep calf massagers".'
        )
    return [[product, check_quantity(kb, product, qty)] for product, qty in parsed.items]


def _quantity_text(quantity: Token) -> str:
    return (
        str(int(quantity))
        if isinstance(quantity, float) and quantity.is_integer()
        else str(quantity)
    )


def describe_items(kb: Knowledge, items: Items) -> str:
    return ", ".join(f"{qty} × {product_name(kb, product)}" for product, qty in items)
