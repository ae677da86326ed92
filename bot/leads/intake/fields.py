"""The questions of the enquiry form: slot names, fixed choices and wording.

Slot names live here (not in ``actions/``) so the plain-Python form logic and
the Rasa adapter share one spelling; a test checks them against ``domain.yml``.
"""

from __future__ import annotations

BUYER_TYPE = "buyer_type"
ITEMS = "lead_items"
ORGANISATION = "organisation"
NAME = "contact_name"
EMAIL = "email"
PHONE = "phone"
COUNTRY = "country"
TIMELINE = "timeline"
BUDGET = "budget"
NOTES = "notes"
CONSENT = "consent"
CONFIRMED = "lead_confirmed"

# Bookkeeping slots: never asked, set by the form's actions.
CONSENT_AT = "consent_given_at"
FAILURES = "lead_failures"
PENDING_PRODUCTS = "lead_pending_products"
# Set by the article answers: the product the visitor asked about last.
DISCUSSED_PRODUCT = "product"
REFERENCE = "lead_reference"

FORM_SLOTS = (
    BUYER_TYPE,
    ITEMS,
    ORGANISATION,
    NAME,
    EMAIL,
    PHONE,
    COUNTRY,
    TIMELINE,
    BUDGET,
    NOTES,
    CONSENT,
    CONFIRMED,
)
OPTIONAL_SLOTS = (PHONE, BUDGET, NOTES)
BOOKKEEPING_SLOTS = (CONSENT_AT, FAILURES, PENDING_PRODUCTS, REFERENCE)

# An optional question the visitor chose to skip; stored as NULL.
SKIPPED = "__skipped__"

PERSONAL = "personal"
BUYER_TYPE_LABELS = {
    "personal": "Personal use",
    "healthcare": "Healthcare facility",
    "spa_wellness": "Spa, clinic or wellness",
    "reseller": "Reseller or distributor",
    "other": "Other",
}

# Shown to the visitor as the consent question AND stored as the consent wording:
# the evidence must be exactly what they agreed to.
CONSENT_TEXT = (
    "May our sales team store the details you gave here and contact you by email "
    "(or phone, if you gave one) about this enquiry? We use them for nothing else."
)

FIELD_LABELS = {
    BUYER_TYPE: "buyer type",
    ITEMS: "products",
    ORGANISATION: "organisation",
    NAME: "name",
    EMAIL: "email",
    PHONE: "phone",
    COUNTRY: "delivery country",
    TIMELINE: "timeline",
    BUDGET: "budget",
    NOTES: "notes",
    CONSENT: "consent",
}

WHY_NEEDED = {
    BUYER_TYPE: "Knowing who the products are for lets our sales team suggest the right "
    "models and terms (home use, clinics and resellers get different offers).",
    ITEMS: "The products and quantities are what our sales team prices in the quote.",
    ORGANISATION: "The quote is addressed to your organisation, so the team knows who it is for.",
    NAME: "So the sales team knows whom to address the quote to.",
    EMAIL: "The quote is sent by email; we use the address for this enquiry only.",
    PHONE: "Only in case a quick call is easier than email. It's optional: say 'skip'.",
    COUNTRY: "Shipping options, delivery times and costs depend on the destination country.",
    TIMELINE: "It helps the team plan stock and prioritise urgent requests.",
    BUDGET: "It helps us suggest options that fit. It's optional: say 'skip'.",
    NOTES: "Anything else the sales team should know. It's optional: say 'skip'.",
    CONSENT: "We may only store your details and contact you with your permission.",
    CONFIRMED: "I show you everything once more so nothing wrong reaches the sales team.",
}


def handoff_offer(slot: str) -> str:
    """What to offer after repeated bad answers to a required question."""
    return (
        "If this question is getting in the way, say 'talk to a person' and I'll pass "
        "you to our sales team, who will follow up by email. Or say 'cancel' to stop here."
    )


def skip_offer(slot: str) -> str:
    return f"This one is optional: say 'skip' to leave out the {FIELD_LABELS[slot]}."
