"""What the enquiry form says that depends on the answers so far: questions and buttons.

Fixed texts live in domain.yml; these need the product range, the products
already named or the submission's outcome, so they are composed here and the
actions only send them.
"""

from __future__ import annotations

from typing import Sequence

from bot.knowledge import Knowledge
from bot.leads.durable import SAVED, SubmitOutcome
from bot.leads.intake.items import product_name, range_text

CONSENT_BUTTONS = [
    {"title": "Yes, you may contact me", "payload": "Yes, you may contact me"},
    {"title": "No", "payload": "No"},
]
CONFIRM_BUTTONS = [
    {"title": "Submit", "payload": "Submit"},
    {"title": "Change something", "payload": "Change something"},
]
NOTED_QUESTION = "I've added your question to the notes; our sales team will answer it."


def items_question(kb: Knowledge, pending: Sequence[str]) -> str:
    """Products and quantities, or only the quantity of products already named."""
    if pending:
        names = " and ".join(product_name(kb, product) for product in pending)
        return f"How many of the {names} would you like? You can add other products too."
    return (
        f"Which products would you like a quote for, and how many of each? We have: "
        f'{range_text(kb)}. For example: "20 foot rollers and 5 deep calf massagers".'
    )


def submitted_text(outcome: SubmitOutcome) -> str:
    """The visitor's receipt: the reference, or honestly that it is saved and on its way."""
    if outcome.status != SAVED:
        return (
            "Thank you! Your enquiry is saved and will reach our sales team shortly. Our "
            "system is a little slow right now, so I can't show you a reference number yet. "
            "The team will get back to you by email."
        )
    if not outcome.created:
        return f"Thanks, I've updated your enquiry {outcome.reference} for our sales team."
    return (
        f"Thank you! Your enquiry has been sent to our sales team. Your reference is "
        f"{outcome.reference}. The team will review it and get back to you by email with a quote."
    )
