"""Quantities as visitors type them: "20", "1,000", "10k", "two hundred", "a dozen".

:func:`tokens` turns a message into word and number tokens, with runs of
number words already folded into one integer, so the item parser only sees
numbers and words.
"""

from __future__ import annotations

import re
from typing import List, Union

Token = Union[str, int, float]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "dozen": 12}
_WORD = re.compile(r"-?\d[\d,]*(?:\.\d+)?k?\b|[^\W\d_]+", re.UNICODE)


def _digits(raw: str) -> Token:
    negative = raw.startswith("-")
    raw = raw.lstrip("-").replace(",", "")
    factor = 1000 if raw.endswith("k") else 1
    raw = raw.rstrip("k")
    value: Token = float(raw) * factor if "." in raw else int(raw) * factor
    if isinstance(value, float) and value.is_integer() and factor > 1:
        value = int(value)
    return -value if negative else value


def _is_number_word(word: str) -> bool:
    return word in _UNITS or word in _TENS or word in _SCALES


def _fold(words: List[str], start: int) -> tuple:
    """Fold number words from ``words[start]``; return (value, next index) or (None, start)."""
    total, current, i, seen = 0, 0, start, False
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in ("a", "an") and nxt in _SCALES and not seen:
            current, seen = 1, True
        elif word == "half" and words[i + 1 : i + 3] in (["a", "dozen"], ["an", "dozen"]):
            return total + 6, i + 3
        elif word in _UNITS or word in _TENS:
            current, seen = current + _UNITS.get(word, 0) + _TENS.get(word, 0), True
        elif word in _SCALES and seen:
            if word == "thousand":
                total, current = total + max(current, 1) * 1000, 0
            else:
                current = max(current, 1) * _SCALES[word]
        elif word == "and" and seen and _is_number_word(nxt) and nxt not in _SCALES:
            pass
        else:
            break
        i += 1
    return (total + current, i) if seen else (None, start)


def tokens(text: str) -> List[Token]:
    """Lower-case words and numbers of ``text``; "minus five" and "-5" become -5."""
    # "&" is "and", as product names are compared (bot.knowledge.lookup.match_key).
    words = _WORD.findall(text.lower().replace("&", " and "))
    result: List[Token] = []
    i, negative = 0, False
    while i < len(words):
        word = words[i]
        if word[0].isdigit() or (word[0] == "-" and len(word) > 1):
            result.append(-_digits(word) if negative else _digits(word))
            i, negative = i + 1, False
            continue
        if word == "minus":
            negative, i = True, i + 1
            continue
        value, after = _fold(words, i)
        if value is None:
            result.append(word)
            i += 1
        else:
            result.append(-value if negative else value)
            i, negative = after, False
    return _couples(result)


def _couples(items: List[Token]) -> List[Token]:
    """ "a couple of" / "a pair of" mean 2."""
    out: List[Token] = []
    i = 0
    while i < len(items):
        if items[i] == "a" and items[i + 1 : i + 3] in (["couple", "of"], ["pair", "of"]):
            out.append(2)
            i += 3
            continue
        out.append(items[i])
        i += 1
    return out


def is_number(token: Token) -> bool:
    return isinstance(token, (int, float)) and not isinstance(token, bool)
