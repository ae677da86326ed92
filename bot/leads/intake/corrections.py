"""Corrections at any point: "actually my email is x@y.com", "make it 10 rollers".

:func:`parse_correction` only recognises what the visitor wants to change;
:func:`apply_correction` checks the new value like a normal answer and says
which slots change. A correction needs an explicit cue ("actually", "change",
"make it"...), so free-text answers such as notes are never misread as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Sequence

from bot.knowledge import Knowledge
from bot.leads.intake import answers
from bot.leads.intake import fields as f
from bot.leads.intake.errors import InvalidAnswer
from bot.leads.intake.items import Items, check_quantity, parse_items, product_name, scan_items

_FIELDS = (
    (f.EMAIL, r"e-?mail(?: address)?|mail address"),
    (f.PHONE, r"(?:phone|mobile|telephone)(?: number)?|number"),
    (f.ORGANISATION, r"organi[sz]ation(?: name)?|company(?: name)?|business(?: name)?"),
    (f.NAME, r"(?:contact |full |first )?name"),
    (f.COUNTRY, r"(?:delivery )?country"),
    (f.TIMELINE, r"timeline|timing|time ?frame"),
    (f.BUDGET, r"budget"),
    (f.NOTES, r"notes?|comments?"),
    (f.BUYER_TYPE, r"buyer type|type of buyer|customer type"),
    (f.ITEMS, r"quantity|quantities|amount|order|items|products?"),
)
_FIELD = "|".join(f"(?P<{slot}>{pattern})" for slot, pattern in _FIELDS)
_CUE = r"(?:(?:no|sorry|oops|wait|actually|correction|hmm|oh)[,:!.]*\s+)"
_VERB = r"(?:please\s+)?(?:change|update|correct|fix|set|edit)"
_LINK = r"(?:\s+(?:to|into|as|is|should be|=|:)\s*|\s*:\s*)"
_OWNER = r"(?:the\s+|my\s+|our\s+)?"

_PATTERNS = (
    re.compile(rf"^{_CUE}*{_VERB}\s+{_OWNER}(?:{_FIELD})(?:{_LINK}(?P<value>.+))?$", re.I | re.S),
    re.compile(
        rf"^{_CUE}+{_OWNER}(?:{_FIELD})\s+(?:is|should be|was meant to be|=|:)\s*(?P<value>.+)$",
        re.I | re.S,
    ),
    re.compile(rf"^{_OWNER}(?P<email>e-?mail(?: address)?)\s+is\s+(?P<value>\S+@\S+)$", re.I),
)
_MAKE_IT = re.compile(
    rf"^{_CUE}*(?:make it|make that|change it to|make them)\s+(?P<value>.+)$", re.I
)
_CUE_EMAIL = re.compile(rf"^{_CUE}+(?:it'?s\s+|use\s+)?(?P<value>\S+@\S+)$", re.I)


@dataclass(frozen=True)
class Correction:
    """The visitor wants ``slot`` changed to ``value`` (``None``: ask the question again)."""

    slot: str
    value: str | None


def parse_correction(text: str) -> Correction | None:
    text = text.strip().rstrip(".!")
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            slot = next(s for s, _ in _FIELDS if match.group(s))
            value = (match.group("value") or "").strip() or None
            return Correction(slot, value)
    for pattern, slot in ((_MAKE_IT, f.ITEMS), (_CUE_EMAIL, f.EMAIL)):
        match = pattern.match(text)
        if match:
            return Correction(slot, match.group("value").strip())
    return None


def apply_correction(
    correction: Correction, kb: Knowledge, items: Sequence[Sequence[Any]] | None
) -> Dict[str, Any]:
    """The slot updates of ``correction``; raises :class:`InvalidAnswer` for a bad value."""
    slot, value = correction.slot, correction.value
    if value is None:
        return {slot: None}
    if slot == f.ITEMS:
        return {f.ITEMS: corrected_items(kb, value, [list(i) for i in items or []])}
    if slot == f.CONSENT:
        return {slot: answers.yes_no(value)}
    return {slot: answers.TEXT_VALIDATORS[slot](value)}


def corrected_items(kb: Knowledge, text: str, items: Items) -> Items:
    """ "25" sets the only item's quantity; "10 rollers" updates, adds or replaces an item."""
    scanned = scan_items(kb, text)
    if not scanned.items and not scanned.unquantified and len(scanned.stray_numbers) == 1:
        if len(items) != 1:
            names = " or ".join(product_name(kb, product) for product, _ in items)
            raise InvalidAnswer(f"Which product should that be for: {names}?")
        product = items[0][0]
        return [[product, check_quantity(kb, product, scanned.stray_numbers[0])]]
    new_items = parse_items(kb, text)
    if len(items) == 1 and len(new_items) == 1 and new_items[0][0] != items[0][0]:
        return new_items
    merged = {product: qty for product, qty in items}
    merged.update({product: qty for product, qty in new_items})
    return [[product, qty] for product, qty in merged.items()]
