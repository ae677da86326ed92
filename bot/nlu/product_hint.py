"""A product described instead of named is still a product question.

"Anything for sore calves?" or "the device with air pressure, tell me more"
rarely share words with the training examples, and the classifier gives up
(``nlu_fallback``) or calls them off-topic. When such a message names one of
our products, or describes one (the ``cues`` in ``data/knowledge/products.yml``)
and speaks of a thing ("something", "a device", "the one"), it is read as
``ask_product``; the answer action resolves the same description to the same
product. Runs before the quote and safety guards, which still win.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

from bot.config import load_settings
from bot.knowledge import Knowledge, described_product, load_knowledge, mentioned_products
from bot.nlu.intents import IntentOverride

PRODUCT_INTENT = "ask_product"
# Only a classifier that did not understand is overruled.
GAVE_UP_INTENTS = frozenset({"nlu_fallback", "out_of_scope", "why_needed"})
_THING = re.compile(
    r"\b(?:something|anything|thing|things|one|ones|device|devices|gadget|machine|massager|"
    r"massagers|product|products|tool|what do you have|what have you got)\b",
    re.I,
)


def product_meant(knowledge: Knowledge, text: str) -> bool:
    """True when ``text`` names one of our products, or describes one as a thing."""
    if mentioned_products(knowledge, text):
        return True
    return bool(_THING.search(text)) and described_product(knowledge, text) is not None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ProductDescriptionHint(IntentOverride):
    """Sets ``ask_product`` when the classifier gave up on a message about one of our products."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ProductDescriptionHint:
        # The same knowledge files the actions answer from (actions/support.py).
        return cls(load_knowledge(load_settings().project_dir))

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    def override(self, text: str, intent: str) -> Optional[str]:
        if intent in GAVE_UP_INTENTS and product_meant(self.knowledge, text):
            return PRODUCT_INTENT
        return None
