"""Recognise questions that name a medication or a medical condition, or ask for a cure.

Only a doctor can say whether someone may change a prescription, or use a
massager with a blood clot or during pregnancy. The NLU guard uses this to send
such questions to the medication answer even when DIET reads them as an
ordinary product or FAQ question ("can I come off sertraline if I use the
roller daily?" looks a lot like a question about how often to use it).

A *cure claim* ("will it cure my insomnia?", "could reflexology replace my
physio?") may name any condition, listed here or not: what makes it medical is
asking massage to heal something or to stand in for treatment. Those get the
complement-not-cure answer.
"""

from __future__ import annotations

import re

from bot.knowledge.crisis import squash_message

_MEDICATION = (
    r"anti ?depressants?|medications?|medicines?|meds|pills?|tablets|prescriptions?|"
    r"prescribed|dose|doses|dosage|ssris?|snris?|sertraline|zoloft|fluoxetine|prozac|"
    r"citalopram|escitalopram|lexapro|paroxetine|paxil|venlafaxine|effexor|duloxetine|"
    r"cymbalta|mirtazapine|bupropion|wellbutrin|amitriptyline|warfarin|"
    r"blood thinners?|anticoagulants?|lithium(?! (?:ion|battery|batteries|cells?|powered))|"
    r"insulin|steroids?|ibuprofen|paracetamol"
)
_CONDITION = (
    r"pregnan\w*|blood clots?|dvt|thrombosis|diabet\w*|neuropathy|pacemaker|"
    r"varicose veins?|heart (?:condition|disease|problems?|failure)|epilepsy|"
    r"osteoporosis|fractured?|broken (?:foot|leg|ankle|toe)|bipolar|schizophreni\w*|"
    r"plantar fasciitis|arthritis|gout|sciatica|lymphoedema|lymphedema"
)
_MEDICAL = re.compile(rf"\b(?:{_MEDICATION}|{_CONDITION})\b")
_NAMED_MEDICATION = re.compile(rf"\b(?:{_MEDICATION})\b")
# Asking massage to heal: "cure my", "heal it", "get rid of my", "fix my back".
_HEAL = re.compile(
    r"\b(?:cure[sd]?|curing|heal(?:s|ed|ing)?|make (?:it|my \w+) go away|"
    r"get rid of(?! (?:my|the|your|our|all) (?:data|details|email|enquiry|info\w*|account))|"
    r"treat(?:s|ing)? (?:my|his|her|their)|a (?:cure|treatment|remedy) for)\b"
)
# Asking massage to stand in for care: "replace my therapy", "instead of my meds".
_INSTEAD = re.compile(
    r"\b(?:replace|replaces|replacing|instead of|in place of|substitute|substitutes|do without|"
    r"stand in for|take the place of|no longer need|not need|dont need|"
    r"stop (?:seeing|going to|taking))\b"
)
_CARE = re.compile(
    r"\b(?:therapy|therapist|treatment|medication|meds|doctor|gp|physio\w*|counsell?\w*|"
    r"psychiatrist|psychologist|specialist|surgery|operation|prescription)\b"
)


def names_medication(text: str) -> bool:
    """True when ``text`` names a medication ("my sertraline", "blood thinners")."""
    return bool(_NAMED_MEDICATION.search(squash_message(text or "")))


def is_cure_claim(text: str) -> bool:
    """True when ``text`` asks whether massage heals a condition or replaces treatment."""
    message = squash_message(text or "")
    return bool(_HEAL.search(message) or (_INSTEAD.search(message) and _CARE.search(message)))


def is_medical_question(text: str) -> bool:
    """True when ``text`` names a medication or a condition a doctor should judge, or
    asks massage for a cure."""
    return bool(_MEDICAL.search(squash_message(text or ""))) or is_cure_claim(text)
