"""Answers about the product range: describe, list, compare, match to a setting.

Everything said here comes from ``data/knowledge/products.yml``; nothing about
specs or prices is made up, because the article gives none.
"""

from __future__ import annotations

import re
from typing import List

from bot.knowledge.lookup import get_product
from bot.knowledge.model import Knowledge, Product, UnknownEntryError
from bot.knowledge.text import cite, compose, pick

_LIST_INTROS = (
    "Here's our range, from the simplest to the most complete:",
    "We offer four kinds of product:",
    "Our range covers:",
)


# Visitors and the `setting` entity say "clinic", "hotel spa", "myself"...;
# products.yml only knows the two settings the article distinguishes. The
# professional words come first, since a "care home" is not a home.
_SETTING_WORDS = (
    (re.compile(r"\b(?:clinics?|spas?|hospitals?|healthcare|practice|salon|cent(?:re|er)|"
                r"wellness|physio\w*|rehab\w*|studio|gym|hotel|ward|nursing|care|"
                r"professional)\b"), "professional"),
    (re.compile(r"\b(?:home|house|personal|myself|own use)\b"), "home"),
)  # fmt: skip


def normalise_setting(value: str) -> str:
    """``"home"`` or ``"professional"`` for a setting name or entity value."""
    name = " ".join(value.lower().split())
    setting = next((kind for words, kind in _SETTING_WORDS if words.search(name)), None)
    if setting is None:
        raise UnknownEntryError(f"unknown setting: {value!r}")
    return setting


def _where(product: Product) -> str:
    if product.suits == ("home",):
        return "It's designed for use at home."
    if set(product.suits) == {"home", "professional"}:
        return "It suits home use as well as professional settings."
    return "It suits professional settings."


def describe_product(knowledge: Knowledge, product: str) -> str:
    """The short description of one product (by id, name or alias)."""
    item = get_product(knowledge, product)
    text = f"{item.summary} {_where(item)}"
    return compose(knowledge, text, item.section)


def product_details(knowledge: Knowledge, product: str) -> str:
    """The longer description, for "tell me more" after a product was discussed."""
    item = get_product(knowledge, product)
    return compose(knowledge, f"{item.name}: {item.details}", item.section, health=item.health)


def list_products(knowledge: Knowledge, variant: int = 0) -> str:
    """A one-message overview of the whole range."""
    lines = [pick(_LIST_INTROS, variant)]
    lines += [f"- {item.name}: {item.summary}" for item in knowledge.products]
    sections = [item.section for item in knowledge.products]
    lines.append(f"Which one would you like to hear more about? {cite(*sections)}")
    return "\n".join(lines)


def compare_products(knowledge: Knowledge, first: str, second: str) -> str:
    """Two products side by side, from their summaries and settings."""
    a, b = get_product(knowledge, first), get_product(knowledge, second)
    if a.id == b.id:
        return describe_product(knowledge, a.id)
    text = (
        f"{a.summary} {_where(a)} "
        f"By comparison: {b.summary[0].lower()}{b.summary[1:]} {_where(b)} "
        "If you tell me where you'll use it, I can suggest which fits better."
    )
    return compose(knowledge, text, a.section, b.section)


def products_for(knowledge: Knowledge, setting: str) -> List[Product]:
    """The products the article supports for ``setting`` (any alias of it)."""
    wanted = normalise_setting(setting)
    return [item for item in knowledge.products if wanted in item.suits]


def products_for_setting(knowledge: Knowledge, setting: str) -> str:
    """Which products suit home or professional use, as one message."""
    wanted = normalise_setting(setting)
    names = _join([item.name.lower() for item in products_for(knowledge, wanted)])
    if wanted == "home":
        text = f"For use at home, you can choose from the {names}."
    else:
        text = f"For clinics, spas and other professional settings, look at the {names}."
        home_only = [item.name.lower() for item in knowledge.products if item.suits == ("home",)]
        if home_only:
            text += f" The {_join(home_only)} is designed for use at home."
    text += " Our team can advise on what fits your needs best."
    return compose(knowledge, text, "The Role of a Foot Massage Supplier")


def product_suits_setting(knowledge: Knowledge, product: str, setting: str) -> str:
    """Whether one product suits home or professional use ("is it good for a clinic?")."""
    item = get_product(knowledge, product)
    wanted = normalise_setting(setting)
    place = "use at home" if wanted == "home" else "clinics, spas and other professional settings"
    name = item.name.lower()
    if wanted in item.suits:
        text = f"Yes, the {name} is a good fit for {place}. {_where(item)}"
    else:
        others = _join([other.name.lower() for other in products_for(knowledge, wanted)])
        text = (
            f"The {name} isn't made for {place}. {_where(item)} For {place}, look at the {others}."
        )
    text += " Our team can advise on what fits your needs best."
    return compose(knowledge, text, "The Role of a Foot Massage Supplier")


def setting_answer(knowledge: Knowledge, setting: str, product: str | None = None) -> str:
    """Whether ``product`` suits ``setting``, or, with no product, which products do.

    An unknown or empty ``setting`` is an :class:`UnknownEntryError`: the caller
    asks whether it is for home or professional use rather than guessing.
    """
    if product:
        return product_suits_setting(knowledge, product, setting)
    return products_for_setting(knowledge, setting)


def _join(names: List[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
