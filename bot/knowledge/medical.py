"""Recognise questions that name a medication or a medical condition.

Only a doctor can say whether someone may change a prescription, or use a
massager with a blood clot or during pregnancy. The NLU guard uses this to send
such questions to the medication answer even when DIET reads them as an
ordinary product or FAQ question ("can I come off sertraline if I use the
roller daily?" looks a lot like a question about how often to use it).
"""

from __future__ import annotations

import re

from bot.knowledge.crisis import normalise

_MEDICATION = (
    r"anti ?depressants?|medications?|medicines?|meds|pills?|tablets|prescriptions?|"
    r"prescribed|dose|doses|dosage|ssris?|snris?|sertraline|zoloft|fluoxetine|prozac|"
    r"citalopram|escitalopram|lexapro|paroxetine|paxil|venlafaxine|effexor|duloxetine|"
    r"cymbalta|mirtazapine|bupropion|wellbutrin|amitriptyline|warfarin|"
    r"blood thinners?|anticoagulants?"
)
_CONDITION = (
    r"pregnan\w*|blood clots?|dvt|thrombosis|diabet\w*|neuropathy|pacemaker|"
    r"varicose veins?|heart (?:condition|disease|problems?|failure)|epilepsy|"
    r"osteoporosis|fractured?|broken (?:foot|leg|ankle|toe)"
)
_MEDICAL = re.compile(rf"\b(?:{_MEDICATION}|{_CONDITION})\b")


def is_medical_question(text: str) -> bool:
    """True when ``text`` names a medication or a condition a doctor should judge."""
    return bool(_MEDICAL.search(normalise(text or "")))
