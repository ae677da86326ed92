"""Checking and normalising one answer of the enquiry form.

Free-text answers (organisation, name, notes...) are kept verbatim: HTML, SQL
or template syntax is data, and the database layer stores it as such.

E-mail addresses: we accept internationalised addresses (RFC 6531), so
``用户@例子.广告`` is valid. An address needs exactly one ``@``, no spaces, a
local part of 1-64 characters without leading, trailing or double dots, and a
domain of at least two dot-separated labels made of letters (any script),
digits and inner hyphens, ending in a top-level label of 2+ letters (or an
``xn--`` label). We do not check that the mailbox exists.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict

from bot.leads.intake import fields as f
from bot.leads.intake.errors import InvalidAnswer
from bot.leads.submission import MAX_NOTES, MAX_TEXT

_SKIP = re.compile(
    r"^(skip( it| this| that)?|pass|none|no|nope|n/?a|-|no thanks|not now|i'?d rather not|"
    r"rather not|prefer not to say|no comment|nothing|nothing else|no notes)[.!]*$"
)
_YES = re.compile(
    r"^(y|yes|yeah|yep|yup|sure|ok|okay|of course|i agree|agreed|agree|i consent|go ahead|"
    r"fine|absolutely|yes please|yes,? you may contact me|please do)\b"
)
_NO = re.compile(r"^(n|no|nope|nah|i don'?t agree|i do not agree|don'?t|do not|decline)\b")
# "ja, yes", "that's fine, yes": a yes word anywhere, as long as nothing says no.
_YES_WORD = re.compile(r"\b(yes|yeah|yep|yea|ya|yah|sure|ok|okay|agreed?|fine|ja|oui|si|sí)\b")
_NO_WORD = re.compile(r"\b(no|not|don'?t|never|nope|nah|decline)\b")
_SUBMIT = re.compile(
    r"\b(submit|send( it)?|confirm|looks (good|right|fine)|all (good|correct)|correct|yes)\b"
)
_CHANGE = re.compile(r"\b(change|edit|fix|wrong|no|not right|modify)\b")

# Checked in order, first match wins: a physiotherapy clinic is healthcare, a
# beauty clinic a spa. The first three are clear enough to take from an
# opening message.
_BUYER_PATTERNS = (
    (
        "healthcare",
        r"health ?care|hospitals?|care homes?|care facility|nursing|aged care|elderly care|"
        r"residential care|hospice|health cent(?:re|er)|medical|rehab\w*|physio\w*|"
        r"podiatr\w*|chiropod\w*|doctors?|gp practice|therap(?:y|ist) practice",
    ),
    (
        "reseller",
        r"resell\w*|resale|distribut\w*|wholesal\w*|retail\w*|shop|store|dealer|stockist|"
        r"importer|pharmacy chain|sell (?:them|it|on|online)|amazon|ebay|e-?commerce|webshop|"
        r"web shop|online shop|e-?shop",
    ),
    (
        "spa_wellness",
        r"spas?|clinics?|wellness|salon|massage (?:studio|parlou?r|business|practice)|beauty|"
        r"hotel|gym|retreat|studio|reflexology practice",
    ),
    (
        "personal",
        r"personal|myself|my own|own use|private|individual|for me|for home|at home|family|"
        r"gift|me|just me|for my (?:dad|mum|mom|mother|father|wife|husband|partner|parents?|"
        r"grand\w+|son|daughter|friend)",
    ),
    ("other", r"other|something else|none of (?:these|those)"),
)
_STRONG_BUYER_PATTERNS = 3
_NAME_PREFIX = re.compile(r"^(my name is|my name's|name:|i am|i'm|im|this is|it's|it is)\s+", re.I)
_COUNTRY_PREFIX = re.compile(
    r"^(we are in|we're in|i am in|i'm in|deliver(y)? to|ship to|to|in)\s+", re.I
)


def is_skip(text: str) -> bool:
    return bool(_SKIP.match(text.strip().lower()))


def yes_no(text: Any) -> bool | None:
    if isinstance(text, bool):
        return text
    lowered = str(text).strip().lower()
    if _NO.match(lowered):
        return False
    if _YES.match(lowered):
        return True
    return True if _YES_WORD.search(lowered) and not _NO_WORD.search(lowered) else None


def buyer_type(text: str, strong_only: bool = False) -> str:
    """The buyer type named in ``text`` ("we're a distributor" -> "reseller")."""
    lowered = text.strip().lower()
    if lowered in f.BUYER_TYPE_LABELS:
        return lowered
    for key, label in f.BUYER_TYPE_LABELS.items():
        if lowered == label.lower():
            return key
    patterns = _BUYER_PATTERNS[:_STRONG_BUYER_PATTERNS] if strong_only else _BUYER_PATTERNS
    for key, pattern in patterns:
        if re.search(rf"\b({pattern})\b", lowered):
            return key
    raise InvalidAnswer(
        "Sorry, I didn't catch who the products are for. Is it personal use, a healthcare "
        "facility, a spa, clinic or wellness business, a reseller or distributor, or other?"
    )


def _required_text(text: str, what: str, limit: int = MAX_TEXT) -> str:
    text = text.strip()
    if not text:
        raise InvalidAnswer(f"I need your {what} here; please type it in.")
    if len(text) > limit:
        raise InvalidAnswer(f"That's longer than I can keep ({limit:,} characters at most).")
    return text


def organisation(text: str) -> str:
    return _required_text(text, "organisation's name")


def name(text: str) -> str:
    text = _NAME_PREFIX.sub("", text.strip()).rstrip(".!")
    if _looks_like_a_question(text):
        raise InvalidAnswer(
            "That looks like a question rather than a name. I'll answer questions once we're "
            "done; for now, what name should the team use?"
        )
    return _required_text(text, "name")


_QUESTION_WORDS = re.compile(
    r"^(what|whats|what's|how|why|where|when|which|who|whom|do|does|did|can|could|would|will|"
    r"should|is|are|may)\b",
    re.I,
)


def _looks_like_a_question(text: str) -> bool:
    """ "what's your phone number?" is not anyone's name; "Will Smith" is."""
    return text.rstrip().endswith("?") or (
        _QUESTION_WORDS.match(text) is not None and len(text.split()) > 3
    )


def country(text: str) -> str:
    text = _COUNTRY_PREFIX.sub("", text.strip()).rstrip(".!")
    if text and not any(ch.isalpha() for ch in text):
        raise InvalidAnswer("That doesn't look like a country. Which country should we deliver to?")
    return _required_text(text, "delivery country", 100)


def email(text: str) -> str:
    candidates = [t.lstrip("(<[\"'").rstrip(".,;:!?)>]\"'") for t in text.split() if "@" in t]
    if not candidates:
        raise InvalidAnswer(
            "That doesn't look like an email address: it needs an @, like name@example.com."
        )
    if len(candidates) > 1:
        raise InvalidAnswer("I see more than one address there. Please send just one.")
    _check_email(candidates[0])
    return candidates[0]


def _check_email(address: str) -> None:
    local, _, domain = address.rpartition("@")
    if not local or "@" in local:
        raise InvalidAnswer("An email address has something before the @, like name@example.com.")
    if len(address) > 254 or len(local) > 64:
        raise InvalidAnswer("That email address is too long to be valid.")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidAnswer("The part before the @ can't start or end with a dot, or have '..'.")
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels):
        raise InvalidAnswer(
            f'The part after the @ ("{domain}") needs a dot and an ending, like example.com.'
        )
    for label in labels:
        if (
            len(label) > 63
            or label.startswith("-")
            or label.endswith("-")
            or not all(ch.isalnum() or ch == "-" for ch in label)
        ):
            raise InvalidAnswer(f'"{domain}" isn\'t a valid email domain. Could you check it?')
    top = labels[-1]
    if not (len(top) >= 2 and top.isalpha()) and not top.lower().startswith("xn--"):
        raise InvalidAnswer(f'"{domain}" doesn\'t end like an email domain (e.g. .com).')


_PHONE = re.compile(r"\+?\(?\d[\d\s().\-/]*\d(\s*(ext\.?|x)\s*\d+)?", re.I)


def phone(text: str) -> str:
    if is_skip(text):
        return f.SKIPPED
    match = _PHONE.search(text)
    digits = sum(ch.isdigit() for ch in match.group(0)) if match else 0
    if not 6 <= digits <= 20:
        raise InvalidAnswer(
            "That doesn't look like a phone number (I expect 6 to 20 digits, e.g. "
            "+44 20 7946 0000). Type 'skip' if you'd rather not give one."
        )
    return match.group(0).strip()


def timeline(text: str) -> str:
    lowered = text.strip().lower()
    table = (
        ("Within a month", r"within a month|asap|urgent|this month|immediately|next (few )?weeks?"),
        ("In 1-3 months", r"1\s*(-|to)\s*3 months|one to three months|couple of months"),
        ("Later than 3 months", r"^later|more than 3 months|next year|later than"),
        ("Just exploring", r"exploring|just looking|browsing|not sure yet|no rush|no plans"),
    )
    for label, pattern in table:
        if re.search(pattern, lowered):
            return label
    return _required_text(text, "timeline")


def optional_text(text: str, limit: int = MAX_TEXT) -> str:
    if is_skip(text):
        return f.SKIPPED
    if len(text) > limit:
        raise InvalidAnswer(f"That's longer than I can keep ({limit:,} characters at most).")
    return text.strip() or f.SKIPPED


def notes(text: str) -> str:
    return optional_text(text, MAX_NOTES)


TEXT_VALIDATORS: Dict[str, Callable[[str], Any]] = {
    f.BUYER_TYPE: buyer_type,
    f.ORGANISATION: organisation,
    f.NAME: name,
    f.EMAIL: email,
    f.PHONE: phone,
    f.COUNTRY: country,
    f.TIMELINE: timeline,
    f.BUDGET: optional_text,
    f.NOTES: notes,
}


def confirm_choice(text: Any) -> str | None:
    """The visitor's reply to the summary: "submit", "change" or ``None`` (unclear)."""
    lowered = str(text).strip().lower()
    if _CHANGE.search(lowered):
        return "change"
    return "submit" if _SUBMIT.search(lowered) else None
