"""Medical questions: named medications and conditions, not ordinary product talk."""

from __future__ import annotations

import pytest

from bot.knowledge import is_medical_question

MEDICAL = [
    "can I come off sertraline if I use the roller daily",
    "is it OK to stop my anti-depressants now",
    "should I halve my dose",
    "my GP put me on Prozac, can the massager replace it",
    "I'm pregnant, is the whole leg massager safe",
    "I had a DVT last year, can I use the calf massager",
    "is it safe with diabetic neuropathy",
    "I take blood thinners, any problem with the leg machine?",
    "can I use it with a pacemaker",
    "does it interact with my meds",
    # cure claims, any condition, named in the article or not
    "could the roller cure my migraines",
    "will a foot rub heal my tendonitis",
    "can this get rid of my restless legs",
    "would reflexology let me stop seeing my therapist",
    "can a daily foot rub take the place of my counselling",
    "is the calf massager a treatment for shin splints",
    "my psychiatrist has me on lithium, is that still needed if I massage daily",
]

NOT_MEDICAL = [
    "how often should I use the foot roller",
    "does foot massage lower blood pressure",
    "what is cortisol",
    "can massage help with depression",
    "is the leg machine FDA approved",
    "we supply pharmacies and clinics",
    "how much is the deep calf massager",
    "does the leg machine run on a lithium battery",
    "please get rid of my details",
    "can I replace the batteries of the leg machine",
    "treat yourself to a foot massage",
    "",
]


@pytest.mark.parametrize("text", MEDICAL)
def test_names_of_medications_and_conditions_are_medical(text):
    assert is_medical_question(text)


@pytest.mark.parametrize("text", NOT_MEDICAL)
def test_article_and_product_questions_are_not_medical(text):
    assert not is_medical_question(text)
