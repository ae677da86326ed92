"""Crisis guard: a crisis message is classified ``crisis`` whatever DIET thinks.

The ``crisis`` intent is trained like any other, but a classifier can always be
out-ranked by a confident wrong guess, or turned into ``nlu_fallback``. This
component runs last in the pipeline and overrides the intent whenever
:func:`bot.knowledge.is_crisis` matches, so no other intent can win and the
crisis answer always comes first, also in the middle of a form.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.crisis import is_crisis

CRISIS_INTENT = "crisis"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CrisisGuard(GraphComponent):
    """Forces the ``crisis`` intent on messages that read as a crisis."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisGuard:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_crisis(message.get(TEXT) or ""):
                self._force_crisis(message)
        return messages

    @staticmethod
    def _force_crisis(message: Message) -> None:
        intent = {"name": CRISIS_INTENT, "confidence": 1.0}
        others = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)
