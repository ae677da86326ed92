"""Nonsense gets "I didn't get that", never a confident answer about reflexology.

A classifier always picks some intent, and character n-grams make a keyboard
mash or a thousand repeated letters look a little like something it knows.
This component learns every word of the training data; a message of which
not one word (three letters or more) is known is set to ``nlu_fallback``.
Numbers, email addresses and short words don't count either way, so form
answers such as "25" or "jo@example.com" pass, and inside a form the answer is
still taken as typed (the slot mappings accept ``nlu_fallback``). It runs
before the safety guard, which still wins on crisis language.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, FrozenSet, List, Optional

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intents import IntentOverride

FALLBACK_INTENT = "nlu_fallback"
VOCABULARY_FILE = "vocabulary.json"
_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, any script
_EMAIL = re.compile(r"\S+@\S+")


def words(text: str) -> List[str]:
    return _WORD.findall(_EMAIL.sub(" ", text.lower()))


def is_nonsense(text: str, vocabulary: FrozenSet[str]) -> bool:
    """True when ``text`` has words, and none of them is one the bot was trained on."""
    found = words(text)
    return bool(found) and not any(word in vocabulary for word in found)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NonsenseGuard(IntentOverride):
    """Sets ``nlu_fallback`` on messages made only of words never seen in training."""

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NonsenseGuard:
        return cls(model_storage, resource, frozenset())

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> NonsenseGuard:
        with model_storage.read_from(resource) as folder:
            known = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, frozenset(known))

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, vocabulary: FrozenSet[str]
    ) -> None:
        self.model_storage = model_storage
        self.resource = resource
        self.vocabulary = vocabulary

    def train(self, training_data: TrainingData) -> Resource:
        examples = training_data.training_examples
        known = {word for example in examples for word in words(example.get(TEXT) or "")}
        with self.model_storage.write_to(self.resource) as folder:
            (folder / VOCABULARY_FILE).write_text(json.dumps(sorted(known)), encoding="utf-8")
        self.vocabulary = frozenset(known)
        return self.resource

    def override(self, text: str, intent: str) -> Optional[str]:
        return FALLBACK_INTENT if is_nonsense(text, self.vocabulary) else None
