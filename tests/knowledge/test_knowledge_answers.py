"""Composed answers: cited, cautioned when about health, never promising a cure."""

from __future__ import annotations

import re

import pytest

from bot.knowledge import (
    UnknownEntryError,
    answer_topic,
    compare_products,
    crisis_answer,
    describe_product,
    list_products,
    medication_answer,
    more_about,
    normalise_setting,
    product_suits_setting,
    products_for,
    products_for_setting,
    refers_back,
    topic_answers,
    unanswerable_answer,
)

FORBIDDEN = re.compile(r"\bcur(?:e|es|ed|ing)\b|\btreats? depression\b|\bheals?\b", re.IGNORECASE)


def _health_texts(kb):
    for topic in kb.topics:
        if topic.health:
            yield from topic_answers(kb, topic.id)
            yield more_about(kb, topic.id)
    for product in kb.products:
        if product.health:
            yield more_about(kb, product.id)


def test_every_health_answer_carries_the_caution(kb):
    texts = list(_health_texts(kb))
    assert len(texts) > 10
    for text in texts:
        assert text.endswith(kb.safety.caution)
        assert "not a substitute" in text


def test_no_answer_promises_a_cure(kb):
    everything = [kb.safety.caution, *kb.safety.crisis, *kb.safety.medication]
    everything += list(kb.safety.unanswerable.values())
    for topic in kb.topics:
        everything += [*topic_answers(kb, topic.id), more_about(kb, topic.id)]
    for product in kb.products:
        everything += [describe_product(kb, product.id), more_about(kb, product.id)]
    for text in everything:
        assert not FORBIDDEN.search(text), text


def test_answer_topic_cites_its_section(kb):
    text = answer_topic(kb, "research_evidence")
    assert "(Source: article, section “Evidence from Research”)" in text
    assert "more" in text.lower()


def test_answer_topic_variants_cycle_deterministically(kb):
    first, second = topic_answers(kb, "rest_and_digest")
    assert answer_topic(kb, "rest_and_digest") == first
    assert answer_topic(kb, "rest_and_digest", variant=1) == second
    assert answer_topic(kb, "rest_and_digest", variant=2) == first


def test_non_health_topic_has_no_caution(kb):
    assert kb.safety.caution not in answer_topic(kb, "relaxing_setting")


def test_reflexology_is_presented_as_a_belief(kb):
    assert "belief" in answer_topic(kb, "reflexology")


def test_references_say_the_acupuncture_review_is_not_about_massage(kb):
    short, more = answer_topic(kb, "references"), more_about(kb, "references")
    for author in ("Field", "Lee", "Tsai"):
        assert author in short and author in more
    assert "acupuncture rather than massage" in short
    assert "not massage" in more


def test_more_about_accepts_topic_and_product_aliases(kb):
    assert "meta-analysis" in more_about(kb, "research_evidence")
    assert "kneading" in more_about(kb, "butt massager")
    with pytest.raises(UnknownEntryError):
        more_about(kb, "astrology")


def test_describe_product_says_where_it_belongs(kb):
    text = describe_product(kb, "leg machine")
    assert "air compression" in text and "at home" in text
    assert "Different Types of Foot Massage" in text


def test_list_products_names_the_whole_range(kb):
    text = list_products(kb, variant=1)
    for product in kb.products:
        assert product.name in text


def test_compare_products_mentions_both_and_cites_both_sections(kb):
    text = compare_products(kb, "roller", "calf massager")
    assert "Foot rollers" in text and "calf muscles" in text
    assert "The Role of a Foot Massage Supplier" in text and "Different Types" in text


def test_comparing_a_product_with_itself_describes_it(kb):
    assert compare_products(kb, "rollers", "foot_roller") == describe_product(kb, "foot_roller")


def test_compare_unknown_product_raises(kb):
    with pytest.raises(UnknownEntryError):
        compare_products(kb, "roller", "hot tub")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("home", "home"),
        ("At Home", "home"),
        ("myself", "home"),
        ("clinic", "professional"),
        ("spa", "professional"),
        ("care home", "professional"),
        ("professional", "professional"),
        ("physio clinic", "professional"),
        ("our hotel spa", "professional"),
        ("elderly care home", "professional"),
        ("my own house", "home"),
    ],
)
def test_normalise_setting(value, expected):
    assert normalise_setting(value) == expected


def test_whole_leg_massager_is_for_home_only(kb):
    assert "whole_leg_massager" in [p.id for p in products_for(kb, "home")]
    assert "whole_leg_massager" not in [p.id for p in products_for(kb, "clinic")]
    text = products_for_setting(kb, "clinic")
    assert "whole leg massager is designed for use at home" in text


def test_one_product_for_a_setting_says_yes_or_names_the_alternatives(kb):
    assert product_suits_setting(kb, "calf one", "spa").startswith(
        "Yes, the deep calf massager is a good fit for clinics"
    )
    home_only = product_suits_setting(kb, "whole_leg_massager", "hospital")
    assert "whole leg massager isn't made for clinics" in home_only
    assert "foot roller" in home_only and "(Source:" in home_only


@pytest.mark.parametrize(
    ("text", "expected"),
    [("is it good for a clinic?", True), ("would that one suit a spa", True),
     ("it's for my spa", True), ("which of them suit a spa", False),
     ("what works in a hospital", False)],
)  # fmt: skip
def test_refers_back(text, expected):
    assert refers_back(text) is expected


def test_unknown_setting_raises(kb):
    with pytest.raises(UnknownEntryError):
        products_for_setting(kb, "moon base")


def test_crisis_answer_points_to_help_and_keeps_talking(kb):
    for variant in range(len(kb.safety.crisis)):
        text = crisis_answer(kb, variant)
        for needle in ("988", "116 123", "112", "emergency", "not a medical"):
            assert needle in text
        assert "talking" in text


NEVER_REPLACES = re.compile(r"never replaces? it|no substitute|not a substitute")


def test_every_medication_answer_sends_to_a_doctor_and_never_replaces_treatment(kb):
    for variant in range(len(kb.safety.medication)):
        text = medication_answer(kb, variant)
        assert "doctor" in text and "medic" in text
        assert "complement" in text and NEVER_REPLACES.search(text), text


@pytest.mark.parametrize(
    "question", ["could the roller cure my migraines", "will reflexology replace my physio"]
)
def test_every_cure_claim_answer_says_no_cure_and_names_the_doctor(kb, question):
    answers = {medication_answer(kb, variant, question) for variant in range(4)}
    assert len(answers) == len(kb.safety.cure_claim) > 1
    for text in answers:
        assert re.search(r"is ?n[o']t a cure|not a cure", text), text
        assert "complement" in text and NEVER_REPLACES.search(text) and "doctor" in text


def test_a_cure_claim_naming_a_medication_gets_the_medication_answer(kb):
    question = "if the massager cures my back pain can I stop my ibuprofen"
    assert medication_answer(kb, 0, question) == medication_answer(kb, 0)


@pytest.mark.parametrize("subject", ["price", "shipping", "warranty", "stock", "certification"])
def test_unanswerable_commercial_questions_offer_an_enquiry(kb, subject):
    text = unanswerable_answer(kb, subject)
    assert text != unanswerable_answer(kb, None)
    assert "enquiry" in text
    assert not re.search(r"[$€£]\s?\d|\d+\s?(days|weeks|years)", text)


def test_unknown_commercial_subject_gets_the_general_answer(kb):
    assert unanswerable_answer(kb, "colour") == kb.safety.unanswerable["default"]
