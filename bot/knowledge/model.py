"""Immutable records of the knowledge base and the errors around them.

Answers are composed from these records, never from raw YAML, so that a slip in
the data fails once, at load time, naming the file and field, instead of showing
up mid-conversation as a ``KeyError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Tuple

SETTINGS = ("home", "professional")


class KnowledgeError(Exception):
    """Base class of every error raised by :mod:`bot.knowledge`."""


class KnowledgeDataError(KnowledgeError, ValueError):
    """A file under ``data/knowledge`` is missing or malformed."""


class UnknownEntryError(KnowledgeError, LookupError):
    """A product, topic, setting or subject id that the knowledge base lacks."""


@dataclass(frozen=True)
class Product:
    """One product line described in the article."""

    id: str
    name: str
    aliases: Tuple[str, ...]
    cues: Tuple[str, ...]  # words that describe it without naming it ("calves", "glutes")
    summary: str
    details: str
    suits: Tuple[str, ...]
    section: str
    health: bool


@dataclass(frozen=True)
class Topic:
    """One FAQ topic: a retrieval sub-intent ``faq/<id>`` with its answers."""

    id: str
    section: str
    answers: Tuple[str, ...]
    more: str
    health: bool
    examples: Tuple[str, ...]


@dataclass(frozen=True)
class SafetyTexts:
    """Fixed wording for crisis, medication, cure-claim and unanswerable questions."""

    caution: str
    crisis: Tuple[str, ...]
    medication: Tuple[str, ...]
    cure_claim: Tuple[str, ...]
    unanswerable: Mapping[str, str]
    section: str


@dataclass(frozen=True)
class Knowledge:
    """Everything the bot may say about the article, validated and cross-checked."""

    sections: Tuple[str, ...]
    products: Tuple[Product, ...]
    topics: Tuple[Topic, ...]
    safety: SafetyTexts

    def product(self, product_id: str) -> Product:
        for product in self.products:
            if product.id == product_id:
                return product
        raise UnknownEntryError(f"unknown product id: {product_id!r}")

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise UnknownEntryError(f"unknown topic id: {topic_id!r}")

    @property
    def product_ids(self) -> Tuple[str, ...]:
        return tuple(product.id for product in self.products)

    @property
    def topic_ids(self) -> Tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)
