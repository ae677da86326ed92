"""What a product question is about: which product, which two, which setting, what "more".

A visitor rarely repeats a name: "is it good for a spa?", "compare it with the
roller", "tell me more". These functions settle what such a message means from
plain values, the products the message names, its text and what the
conversation remembers, so the Rasa actions only read the tracker and send the
answer, and the choice is tested without Rasa.
"""

from __future__ import annotations

from typing import Sequence, Tuple

from bot.knowledge.lookup import meant_product, refers_back
from bot.knowledge.model import Knowledge


def product_asked_about(
    knowledge: Knowledge, text: str, named: Sequence[str], discussed: str | None
) -> str | None:
    """The product a question is about: the first one ``named`` now, or, when the
    visitor points back ("is it good for a spa?"), the one ``text`` describes or the
    one ``discussed`` last. None means the question is about the whole range: "which
    suit a spa?" after talking about the roller asks about every product.
    """
    if named:
        return named[0]
    if not refers_back(text):
        return None
    meant = meant_product(knowledge, text, discussed=discussed)
    return meant.id if meant else None


def products_to_compare(
    knowledge: Knowledge, named: Sequence[str], discussed: str | None
) -> Tuple[str, str] | None:
    """The two products to compare: the first two ``named``, or, for "compare it with
    the roller", the one ``discussed`` last and the one named. The second is the one
    the visitor mentioned last, so it is the one "it" means afterwards. None when two
    different products cannot be told, and the visitor has to say which.
    """
    if len(named) == 1 and discussed in knowledge.product_ids and discussed != named[0]:
        return discussed, named[0]
    if len(named) < 2:
        return None
    return named[0], named[1]


def setting_asked_about(said: str | None, remembered: str | None) -> str:
    """The setting named now, else the one named earlier; empty when there is none,
    which :func:`bot.knowledge.setting_answer` refuses so that the visitor is asked."""
    return said or remembered or ""


def subject_to_expand(last_subject: str | None, discussed: str | None) -> str | None:
    """What "tell me more" is about: whatever was answered last (a topic or a
    product), else the product discussed; None when nothing was discussed yet."""
    return last_subject or discussed or None
