"""Safety guard: crisis and medical questions get their answer whatever DIET thinks.

The ``crisis`` and ``ask_medication`` intents are trained like any other, but a
classifier can always be out-ranked by a confident wrong guess, or turned into
``nlu_fallback``. This component runs last in the pipeline and overrides the
intent:

- to ``crisis`` whenever :func:`bot.knowledge.is_crisis` matches, whatever the
  intent, so the crisis answer always comes first, also in the middle of a form;
- to ``ask_medication`` when :func:`bot.knowledge.is_medical_question` matches a
  message the classifier read as a question about products or the article, or
  as "stop" ("can I stop my pills?"), so a question about stopping
  antidepressants never gets a product answer. Form answers ("we supply
  pharmacies") and requests keep their intent.
"""

from __future__ import annotations

from typing import Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.knowledge import is_crisis, is_medical_question
from bot.nlu.intents import IntentOverride

CRISIS_INTENT = "crisis"
MEDICATION_INTENT = "ask_medication"
# Intents a medical question may be mistaken for; the others (form answers,
# quote and hand-off requests, small talk) are left alone.
MISTAKABLE_INTENTS = frozenset(
    {
        "faq",
        "ask_product",
        "compare_products",
        "product_for_setting",
        "list_products",
        "tell_more",
        "ask_capabilities",
        "ask_commercial",
        "out_of_scope",
        "nlu_fallback",
        "stop",
    }
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyGuard(IntentOverride):
    """Forces ``crisis`` or ``ask_medication`` on messages that need those answers."""

    def override(self, text: str, intent: str) -> Optional[str]:
        if is_crisis(text):
            return CRISIS_INTENT
        if is_medical_question(text) and intent in MISTAKABLE_INTENTS:
            return MEDICATION_INTENT
        return None
