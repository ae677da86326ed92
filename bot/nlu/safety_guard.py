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

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge import is_crisis, is_medical_question
from bot.nlu.intents import force_intent, intent_name

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
class SafetyGuard(GraphComponent):
    """Forces ``crisis`` or ``ask_medication`` on messages that need those answers."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if is_crisis(text):
                force_intent(message, CRISIS_INTENT)
            elif is_medical_question(text) and intent_name(message) in MISTAKABLE_INTENTS:
                force_intent(message, MEDICATION_INTENT)
        return messages
