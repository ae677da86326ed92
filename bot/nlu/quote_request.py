"""Quote requests, however they are worded: "send us a proposal", "RFQ for 40 rollers".

Buyers ask for a quote in many ways ("an offer", "a proposal", "pricing for
200 units", "how do I buy one?"), often wrapped in a description of their
business, and the classifier then reads the business ("we run a spa") or the
product named instead. A message that plainly asks to buy or for a quote
starts the enquiry form: this component sets ``request_quote`` when
:func:`is_quote_request` matches and the classifier chose an intent a quote
request is mistaken for. Safety comes later in the pipeline and still wins.
"""

from __future__ import annotations

import re
from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.knowledge import is_cure_claim
from bot.knowledge.crisis import squash_message
from bot.nlu.intents import IntentOverride

QUOTE_INTENT = "request_quote"
# What a quote request gets mistaken for; questions about the form, hand-offs
# and safety keep their intent.
MISTAKABLE_INTENTS = frozenset(
    {
        "faq", "ask_product", "compare_products", "product_for_setting", "list_products",
        "tell_more", "ask_commercial", "out_of_scope", "nlu_fallback", "greet", "inform",
    }
)  # fmt: skip

_ASK = r"(?:send|give|get|need|want|like|prepare|request|provide|put together|make|share|email)"
_QUOTE = re.compile(
    r"\b(?:rfq|rfp|quot(?:e|es|ation|ations)|qoute|qoutes|quotaion)\b"
    rf"|\b{_ASK}\b[\w ]{{0,24}}\b(?:an? |your |the |some )?(?:offer|proposal|estimate|pricing)\b"
    r"|\b(?:offer|proposal|pricing|prices?) (?:for|on) (?:\w+ ){0,3}"
    r"(?:\d+|units?|pieces?|pcs|of (?:your|the)|massagers?|rollers?)"
    r"|\b(?:how (?:do|can|could) (?:i|we)|(?:i|we) (?:want|wanna|would like|need)|id like|wed like"
    r"|want) (?:to )?(?:buy|order|purchase)\b"
    r"|\b(?:place|placing) an order\b|\bbulk (?:order|pricing|purchase)\b"
    # "can I get a price and order it?", "could we purchase 20?", "I'll take two";
    # not "what can I buy?", which asks for the range
    r"|(?:^|\b(?:and|so|ok|okay|right|great|then|now|please|hi|hello|good)\b )"
    r"(?:can|could|may) (?:i|we) (?:(?:get (?:a|the) (?:price|quote|total) and|just|also|please)"
    r" )?(?:buy|order|purchase)\b"
    r"|\b(?:ill|i will|we will) (?:take|order|buy|purchase|go (?:with|for) (?:the|a|an|one)"
    r")\b"
)


def is_quote_request(text: str) -> bool:
    """True when ``text`` plainly asks for a quote, an offer or to buy.

    Not when it also asks massage for a cure ("I want to buy one to cure my
    back"): the health claim needs its answer first.
    """
    return bool(_QUOTE.search(squash_message(text or ""))) and not is_cure_claim(text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuoteRequestHint(IntentOverride):
    """Sets ``request_quote`` on messages that plainly ask for a quote or to buy."""

    def override(self, text: str, intent: str) -> Optional[str]:
        if intent in MISTAKABLE_INTENTS and is_quote_request(text):
            return QUOTE_INTENT
        return None
