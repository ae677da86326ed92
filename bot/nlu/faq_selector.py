"""Rasa's ResponseSelector, run only on the messages whose answer it picks.

Rasa runs the selector on every message, yet its pick is read only when the
intent is the retrieval intent (``faq``): for a greeting, a form answer or a
quote request it is a second TensorFlow model run for nothing, about 8 ms of
a Rasa server's time per new message. This subclass runs it on ``faq``
messages only and, on the others, records just the list of retrieval intents,
as Rasa does; what every message is finally understood as does not change,
because no later component turns another intent into ``faq``.
"""

from __future__ import annotations

import warnings
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

# Rasa's recipe validator looks for its own class, not a subclass, and would
# tell whoever trains that the configuration has no response selector.
warnings.filterwarnings(
    "ignore", message="You have defined training data with examples for training a response"
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    """``ResponseSelector`` that leaves alone messages of any other intent."""

    def process(self, messages: List[Message]) -> List[Message]:
        selected = [message for message in messages if self._answers(message)]
        super().process(selected)
        for message in messages:
            if message.get(RESPONSE_SELECTOR_PROPERTY_NAME) is None:
                message.set(
                    RESPONSE_SELECTOR_PROPERTY_NAME,
                    {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: self.all_retrieval_intents},
                    add_to_output=True,
                )
        return messages

    def _answers(self, message: Message) -> bool:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        return self.retrieval_intent is None or intent == self.retrieval_intent
