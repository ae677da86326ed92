"""Small text helpers shared by every answer: variants, citations, the caution.

Kept apart so that topic answers, product answers and the training-data
generator phrase citations identically; the generated Rasa responses and the
answers built by actions must read the same.
"""

from __future__ import annotations

from typing import Sequence

from bot.knowledge.model import Knowledge


def pick(variants: Sequence[str], variant: int = 0) -> str:
    """One of ``variants``; any integer works, so callers may pass a random number."""
    return variants[variant % len(variants)]


def cite(*sections: str) -> str:
    """A compact pointer to where in the article a fact comes from."""
    unique = list(dict.fromkeys(sections))
    if len(unique) == 1:
        return f"(Source: article, section “{unique[0]}”)"
    quoted = ", ".join(f"“{section}”" for section in unique[:-1])
    return f"(Source: article, sections {quoted} and “{unique[-1]}”)"


def compose(knowledge: Knowledge, text: str, *sections: str, health: bool = False) -> str:
    """``text`` with its citation and, for health-related facts, the caution."""
    parts = [text, cite(*sections)]
    if health:
        parts.append(knowledge.safety.caution)
    return " ".join(parts)
