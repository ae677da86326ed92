"""Reading and overriding the intent a classifier gave a message, for our guard components."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def intent_name(message: Message) -> str:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY) or ""


def force_intent(message: Message, name: str) -> None:
    """Make ``name`` the intent, with full confidence, and first in the ranking."""
    intent = {INTENT_NAME_KEY: name, "confidence": 1.0}
    others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)


class IntentOverride(GraphComponent):
    """Base of the rule-based guards that run after the classifiers.

    A subclass says, in :meth:`override`, which intent a message must have
    instead of the one it was given (or None to leave it).
    """

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverride:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self.override(message.get(TEXT) or "", intent_name(message))
            if intent:
                force_intent(message, intent)
        return messages

    def override(self, text: str, intent: str) -> Optional[str]:
        raise NotImplementedError
