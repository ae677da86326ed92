"""Recognise messages from a visitor who may be in danger, before any intent does.

The NLU guard runs this on every message so no classifier confidence can
out-rank a crisis. Patterns are deliberately broad (typos, slang, indirect
phrasing): a false alarm costs one kind message, a miss can cost far more. Two
tiers keep product talk out: STRONG phrases always count; SOFT phrases (hurting
myself, can't take it any more) are ignored in questions about using a product
safely, such as "can I hurt myself with the roller?".
"""

from __future__ import annotations

import re

_SELF = r"(?:my ?self|my ?slef|meself)"
_WANT = r"(?:want|wanna|plan(?:ning)?|ready|trying|tempted|thinking (?:of|about))"
_ENDING = r"(?:die|dy|end(?:ing)? (?:it all|it|my life|things|everything))"

STRONG = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\bk[i1]ll?(?:ing|ed)? {_SELF}\b",
        r"\bkms\b",
        r"\bsu[iy1]?[cs]{1,2}[iy1]?d(?:e|es|al|el|ial|ally)?\b",
        r"\bself ?harm",
        rf"\b{_WANT} (?:to )?{_ENDING}\b",
        # only in the first person: "the battery is going to die" is not a crisis
        rf"\b(?:i|im|i am)(?: \w+)? (?:going to|gonna) {_ENDING}\b",
        r"\bend(?:ing)? (?:it all|my life|my own life)\b",
        r"\b(?:take|taking) my (?:own )?life\b",
        r"\bfeel(?:ing)? like dying\b",
        r"\bwish (?:i|id) (?:was|were|could be) dead\b",
        r"\bbetter off (?:dead|without me|if i was gone|if i were gone)\b",
        r"\bno (?:reason|point) (?:to|in) (?:live|living|go on|going on|being alive)\b",
        r"\bnothing (?:left )?to live for\b",
        r"\b(?:dont|do not|cant|cannot) see (?:the|any) (?:point|reason) (?:in|of|to) "
        r"(?:living|life|being alive|going on|carrying on|live)\b",
        r"\bwhats the point (?:in|of) (?:living|being alive|going on|carrying on)\b",
        r"\b(?:life|living) (?:is not|isnt|aint|is no longer) worth\b",
        r"\bnot worth living\b",
        r"\bdont want to (?:live|be alive|exist|be here any ?more|wake up)\b",
        r"\b(?:done|finished) with (?:life|living)\b",
        r"\bgive up on (?:life|living)\b",
        r"\b(?:overdose|od) on (?:my |the |all )?(?:pills|tablets|meds|medication|sleeping)",
        r"\b(?:want to|wanna|going to|gonna|will) overdose\b",
        r"\btake all (?:my|the|of my) (?:pills|tablets|meds)\b",
        # "a bottle of pills here ... thinking of taking all of them"
        r"\b(?:pills|tablets|meds|medication|bottle)\b.*\b(?:take|taking|swallow|swallowing) "
        r"(?:them all|all of them|all at once|the whole (?:bottle|lot|pack)|the lot)\b",
        r"\bcant go on\b(?! (?:the|your|a|an|to|with|at|in|site|website|line|holiday)\b)",
        r"\b(?:nobody|no one|noone|no body) (?:would|will|is going to|gonna)"
        r"(?: even| ever| really)? (?:miss me|notice me|notice if i|care if i)\b",
        r"\b(?:never|not) (?:want to |wanna )?wake up (?:again|ever again|anymore|any more)\b",
        r"\bsleep (?:forever|and never wake up)\b",
        r"\b(?:im|i am|i feel like) (?:such |just )?a burden "
        r"(?:to|on) (?:everyone|everybody|my family|them)\b",
        r"\b(?:want|wanna|going|gonna) to (?:jump|throw myself) (?:off|in front)\b",
        r"\b(?:no|cant see a|cant find a|there is no|theres no) way out\b",
    )
)

SOFT = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?:hurt|harm|cut|cutting|hurting|harming|burn|burning) {_SELF}\b",
        r"\bcant (?:take|do|handle) (?:it|this) any ?more\b",
        r"\bwant to disappear\b",
        r"\bi (?:hate|cant stand) (?:my life|being alive)\b",
    )
)

# "Can I hurt myself with it?", "am I harming myself by using it daily?": a
# question about using a product, which must not trigger the crisis reply.
_QUESTION = re.compile(
    r"\b(?:can|could|will|would|might|may|am|is it possible|does|should) "
    r"(?:i|you|it|this|that|one|someone)\b"
)
_PRODUCT_USE = re.compile(
    r"\b(?:use|using|roller|rollers|massag\w*|device|machine|product|with (?:it|this|that))\b"
)


def squash_message(text: str) -> str:
    """Lower-case, drop apostrophes (can't -> cant), squash repeated letters and spaces.

    The form the crisis, medical and quote patterns are written for. Unlike
    :func:`bot.knowledge.lookup.match_key`, "it's" becomes one word, "its", and
    stretched letters shrink ("sooo" -> "so").
    """
    text = text.lower().replace("’", "").replace("'", "").replace("`", "")
    text = re.sub(r"(.)\1{2,}", r"\1", text)
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(text.split())


def is_crisis(text: str) -> bool:
    """True when ``text`` suggests suicide, self-harm or not wanting to live."""
    message = squash_message(text or "")
    if any(pattern.search(message) for pattern in STRONG):
        return True
    if not any(pattern.search(message) for pattern in SOFT):
        return False
    return not (_QUESTION.search(message) and _PRODUCT_USE.search(message))
