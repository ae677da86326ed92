"""Corrections at any point: "actually my email is x@y.com", "make it 10 rollers".

:func:`parse_correction` only recognises what the visitor wants to change;
:func:`apply_correction` checks the new value like a normal answer and says
which slots change. A correction needs an explicit cue ("actually", "change",
"make it"...), so free-text answers such as notes are never misread as one.

Visitors rarely open with the cue: "sorry, before that - please make it 25
rather than 20", "the phone number is wrong, it should be ...". Such
corrections are found anywhere in the message, but only while the form asks a
question with a short, checkable answer (not the notes, where anything goes),
and the value ends where the visitor starts explaining ("..., we've got a new
wing", "25 not 20").
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
    (f.ITEMS, r"quantity|quantities|qty|amount|order|items|products?"),
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
_ADD = re.compile(
    rf"^{_CUE}*(?:(?:and|also|please|can you|could you)\s+)*add\s+(?P<value>.+?)"
    r"(?:\s+(?:to|on|onto) (?:the|my|our) (?:order|enquiry|quote|list))?"
    r"(?:\s+(?:as well|too|also|please))?$",
    re.I,
)

# Found anywhere in the message (see the module docstring).
_CUE_ANYWHERE = re.compile(
    r"\b(?:sorry|oops|actually|correction|correct|fix|wrong|typo|mistake|wait|i meant|instead|"
    r"rather than)\b",
    re.I,
)
_MAKE_IT_ANYWHERE = re.compile(
    r"\b(?:make|change) (?:it|that|them|this)(?: to)? (?P<value>.+)", re.I
)
_CHANGE_FIELD_ANYWHERE = re.compile(rf"\b{_VERB}\s+{_OWNER}(?:{_FIELD}){_LINK}(?P<value>.+)", re.I)
# "the quantity is 25 not 20", "the phone number is wrong, it should be ...",
# "correction to the organisation - it's ...": see _SHOULD_BE for the value.
_FIELD_IS = re.compile(
    rf"\b{_OWNER}(?:{_FIELD})\b\s*(?:\bis\b|\bshould be\b|:|\s-\s|\bto\b)\s*(?P<value>.+)",
    re.I | re.S,
)
_EMAIL_ANYWHERE = re.compile(r"(?P<value>[^\s,;:]+@[^\s,;:]+\.[^\s,;:]*[^\s,;:.])")
# "we're actually a hospital", "I said clinic earlier": the buyer type changes.
_BUYER_CUE = re.compile(r"\b(?:actually (?:a|an)|i said \w+ earlier|not a \w+ but)\b", re.I)
# "the number is wrong, it should be 0161...": the value is what it should be.
_SHOULD_BE = re.compile(r"\b(?:should be|it'?s|is now)\b\s*:?\s*(?P<value>.+)$", re.I | re.S)
# Where the new value stops: "25 not 20", "St Mary's, not Hospital", "three rollers, I forgot".
_VALUE_END = re.compile(
    r"(?:\s*[,;]|\s+[-–]\s|\s+(?:rather than|instead of|and not|not|please|sorry|with a)\b).*$",
    re.I | re.S,
)
# Answers to these may say anything; only an explicit, anchored correction counts there.
FREE_TEXT_SLOTS = frozenset({f.NOTES})


@dataclass(frozen=True)
class Correction:
    """The visitor wants ``slot`` changed to ``value`` (``None``: ask the question again)."""

    slot: str
    value: str | None
    add: bool = False  # "add 20 rollers": an extra item, never a replacement
    # Found inside a longer message rather than stated outright: if its value does
    # not check out, the message is more likely an answer than a correction.
    loose: bool = False


def parse_correction(text: str, asking: str | None = None) -> Correction | None:
    """The correction in ``text``, if any, while the form asks for ``asking``.

    While a free-text question is asked, any correction is loose: a note that
    only looks like one ("sorry, the order should be delivered...") stays a note.
    """
    found = _parse(text.strip().rstrip(".!"), asking)
    if found and asking in FREE_TEXT_SLOTS:
        return Correction(found.slot, found.value, found.add, loose=True)
    return found


def _parse(text: str, asking: str | None) -> Correction | None:
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            slot = next(s for s, _ in _FIELDS if match.group(s))
            return _correction(slot, match.group("value"))
    for pattern, slot in ((_MAKE_IT, f.ITEMS), (_CUE_EMAIL, f.EMAIL)):
        match = pattern.match(text)
        if match:
            return _correction(slot, match.group("value"))
    match = _ADD.match(text)
    if match:
        return Correction(f.ITEMS, _trimmed(match.group("value")), add=True)
    if asking in FREE_TEXT_SLOTS:
        return None
    return _correction_anywhere(text)


def _correction_anywhere(text: str) -> Correction | None:
    found = _found_anywhere(text)
    return Correction(found.slot, found.value, loose=True) if found else None


def _found_anywhere(text: str) -> Correction | None:
    match = _MAKE_IT_ANYWHERE.search(text)
    if match:
        return _correction(f.ITEMS, match.group("value"))
    match = _CHANGE_FIELD_ANYWHERE.search(text)
    if match:
        return _correction(_field(match), match.group("value"))
    if not _CUE_ANYWHERE.search(text):
        return None
    match = _EMAIL_ANYWHERE.search(text)
    if match:
        return Correction(f.EMAIL, match.group("value"))
    if _BUYER_CUE.search(text):
        try:
            return Correction(f.BUYER_TYPE, answers.buyer_type(text, strong_only=True))
        except InvalidAnswer:
            pass
    match = _FIELD_IS.search(text)
    if match and _trimmed(match.group("value")):
        return _correction(_field(match), match.group("value"))
    return None


def _field(match: re.Match) -> str:
    return next(s for s, _ in _FIELDS if match.group(s))


def _correction(slot: str, value: str | None) -> Correction:
    value = (value or "").strip()
    should_be = _SHOULD_BE.search(value)
    if should_be:
        value = should_be.group("value")
    if slot in (f.ITEMS, f.ORGANISATION, f.PHONE, f.COUNTRY, f.BUYER_TYPE):
        value = _trimmed(value)
    return Correction(slot, value or None)


def _trimmed(value: str) -> str:
    return _VALUE_END.sub("", value.strip()).strip().rstrip(".!")


def apply_correction(
    correction: Correction, kb: Knowledge, items: Sequence[Sequence[Any]] | None
) -> Dict[str, Any]:
    """The slot updates of ``correction``; raises :class:`InvalidAnswer` for a bad value."""
    slot, value = correction.slot, correction.value
    if value is None:
        return {slot: None}
    if slot == f.ITEMS:
        current = [list(i) for i in items or []]
        return {f.ITEMS: corrected_items(kb, value, current, add=correction.add)}
    if slot == f.CONSENT:
        return {slot: answers.yes_no(value)}
    return {slot: answers.TEXT_VALIDATORS[slot](value)}


def corrected_items(kb: Knowledge, text: str, items: Items, add: bool = False) -> Items:
    """ "25" sets the only item's quantity; "10 rollers" updates, adds or replaces an item.

    With ``add`` ("add 20 rollers") a new product joins the others even when
    there was only one.
    """
    scanned = scan_items(kb, text)
    if not scanned.items and not scanned.unquantified and len(scanned.stray_numbers) == 1:
        if len(items) != 1:
            names = " or ".join(product_name(kb, product) for product, _ in items)
            raise InvalidAnswer(f"Which product should that be for: {names}?")
        product = items[0][0]
        return [[product, check_quantity(kb, product, scanned.stray_numbers[0])]]
    new_items = parse_items(kb, text)
    if not add and len(items) == 1 and len(new_items) == 1 and new_items[0][0] != items[0][0]:
        return new_items
    merged = {product: qty for product, qty in items}
    merged.update({product: qty for product, qty in new_items})
    return [[product, qty] for product, qty in merged.items()]
