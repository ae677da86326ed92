"""The enquiry form's decisions, as plain Python: what an answer changes and what to say.

The Rasa validation action passes each answer to :func:`handle_answer` and
turns the returned :class:`Step` into slot events and messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping

from bot.knowledge import Knowledge
from bot.leads.intake import answers
from bot.leads.intake import fields as f
from bot.leads.intake.corrections import Correction, apply_correction, parse_correction
from bot.leads.intake.errors import InvalidAnswer
from bot.leads.intake.items import MissingQuantity, check_quantity, describe_items, parse_items

MAX_FAILURES = 2
CHANGE_PROMPT = (
    'Sure. What would you like to change? For example "change the email to '
    'jo@example.com", "make it 10 rollers" or "change the country".'
)


@dataclass
class Step:
    """Slot updates and messages resulting from one answer."""

    updates: Dict[str, Any]
    messages: List[str] = field(default_factory=list)


def required_slots(slots: Mapping[str, Any]) -> List[str]:
    """The questions still relevant: no organisation for personal use, no summary after a 'no'."""
    required = list(f.FORM_SLOTS)
    if slots.get(f.BUYER_TYPE) == f.PERSONAL:
        required.remove(f.ORGANISATION)
    if slots.get(f.CONSENT) is False:
        required.remove(f.CONFIRMED)
    return required


def handle_answer(
    slot: str,
    value: Any,
    slots: Mapping[str, Any],
    kb: Knowledge,
    from_visitor: bool,
    now: datetime,
) -> Step:
    """Check ``value`` for ``slot``; ``from_visitor`` is False when re-checking a kept value."""
    if value is None:
        # An action cleared the slot (a new round starts): nothing to check or to say.
        return Step({slot: None})
    if from_visitor and isinstance(value, str) and value.startswith("/"):
        # A button payload such as "/request_quote" pressed mid-form: not an answer.
        return Step({slot: None})
    if from_visitor and isinstance(value, str):
        correction = parse_correction(value, asking=slot)
        if correction and correction.slot != slot:
            step = _correct(slot, correction, slots, kb)
            if step is not None:
                return step
            correction = None
        if correction and correction.value:
            value = correction.value
    try:
        updates = _validate(slot, value, slots, kb, now)
    except MissingQuantity as error:
        return Step({slot: None, f.PENDING_PRODUCTS: error.products}, [str(error)])
    except InvalidAnswer as error:
        return _failure(slot, str(error), slots, from_visitor)
    failures = dict(slots.get(f.FAILURES) or {})
    failures.pop(slot, None)
    return Step(
        {**updates, f.FAILURES: failures}, [CHANGE_PROMPT] if updates == {slot: None} else []
    )


def _validate(slot: str, value: Any, slots: Mapping[str, Any], kb: Knowledge, now) -> Dict:
    if slot in f.OPTIONAL_SLOTS and value == f.SKIPPED:
        return {slot: value}
    if slot == f.ITEMS:
        return {f.ITEMS: _items(value, slots, kb), f.PENDING_PRODUCTS: None}
    if slot == f.CONSENT:
        return _consent(value, slots, now)
    if slot == f.CONFIRMED:
        return _confirmation(value)
    return {slot: answers.TEXT_VALIDATORS[slot](str(value))}


def _items(value: Any, slots: Mapping[str, Any], kb: Knowledge) -> List[List]:
    if isinstance(value, list):
        return [[product, check_quantity(kb, product, qty)] for product, qty in value]
    return parse_items(kb, str(value), _meant_products(slots))


def _meant_products(slots: Mapping[str, Any]) -> List[str]:
    """What a bare quantity is for: products named without one, else the one discussed."""
    pending = slots.get(f.PENDING_PRODUCTS) or []
    discussed = slots.get(f.DISCUSSED_PRODUCT)
    return list(pending) or ([discussed] if isinstance(discussed, str) and discussed else [])


def _consent(value: Any, slots: Mapping[str, Any], now: datetime) -> Dict:
    granted = answers.yes_no(value)
    if granted is None:
        raise InvalidAnswer("Please answer yes or no: may our sales team contact you?")
    if not granted:
        return {f.CONSENT: False, f.CONSENT_AT: None}
    return {f.CONSENT: True, f.CONSENT_AT: slots.get(f.CONSENT_AT) or now.isoformat()}


def _confirmation(value: Any) -> Dict:
    if value is True:
        return {f.CONFIRMED: True}
    choice = answers.confirm_choice(value)
    if choice is None:
        raise InvalidAnswer("Shall I submit it? Choose 'Submit' or 'Change something'.")
    return {f.CONFIRMED: True if choice == "submit" else None}


def _correct(
    slot: str, correction: Correction, slots: Mapping[str, Any], kb: Knowledge
) -> Step | None:
    """The step of a correction; None when a loose one does not check out (an answer, then)."""
    try:
        updates = apply_correction(correction, kb, slots.get(f.ITEMS))
    except InvalidAnswer as error:
        return None if correction.loose else Step({slot: None}, [str(error)])
    label = f.FIELD_LABELS.get(correction.slot, correction.slot)
    if correction.value is None:
        message = f"Okay, let's redo the {label}."
    elif correction.slot == f.ITEMS:
        message = f"Updated: {describe_items(kb, updates[f.ITEMS])}."
    else:
        message = f"Thanks, I've updated the {label}."
    updates.setdefault(slot, None)
    return Step(updates, [message])


def _failure(slot: str, reason: str, slots: Mapping[str, Any], from_visitor: bool) -> Step:
    failures = dict(slots.get(f.FAILURES) or {})
    count = failures.get(slot, 0) + (1 if from_visitor else 0)
    failures[slot] = count
    messages = [reason]
    if count >= MAX_FAILURES:
        offer = f.skip_offer(slot) if slot in f.OPTIONAL_SLOTS else f.handoff_offer(slot)
        messages.append(offer)
    return Step({slot: None, f.FAILURES: failures}, messages)
