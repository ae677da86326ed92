"""Single answers: e-mail (internationalised addresses accepted), phone, skip, choices."""

from __future__ import annotations

import pytest

from bot.leads.intake import InvalidAnswer, answers
from bot.leads.intake import fields as f


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jo@example.com", "jo@example.com"),
        ("my email is Jo.Bloggs+quotes@sub.example.co.uk.", "Jo.Bloggs+quotes@sub.example.co.uk"),
        ("用户@例子.广告", "用户@例子.广告"),
        ("josé@café.fr", "josé@café.fr"),
        ("a@xn--80ak6aa92e.com", "a@xn--80ak6aa92e.com"),
    ],
)
def test_valid_emails_are_kept_verbatim(text, expected):
    assert answers.email(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("jo.example.com", "needs an @"),
        ("jo@example", "needs a dot"),
        ("jo@@example.com", "something before the @"),
        (".jo@example.com", "start or end with a dot"),
        ("jo..b@example.com", "start or end with a dot"),
        ("jo@-example.com", "isn't a valid email domain"),
        ("jo@example.c", "doesn't end like an email domain"),
        ("jo@example.123", "doesn't end like an email domain"),
        ("a@b.com and c@d.com", "more than one"),
        ("x" * 65 + "@example.com", "too long"),
    ],
)
def test_invalid_emails_say_why(text, reason):
    with pytest.raises(InvalidAnswer, match=reason):
        answers.email(text)


@pytest.mark.parametrize("text", ["skip", "Skip it", "no thanks", "I'd rather not", "n/a", "none"])
def test_optional_answers_can_be_skipped(text):
    assert answers.phone(text) == f.SKIPPED
    assert answers.optional_text(text) == f.SKIPPED


def test_phone_numbers_are_extracted_and_checked():
    assert answers.phone("my number is +44 20 7946 0000") == "+44 20 7946 0000"
    assert answers.phone("(030) 123-4567 ext 12") == "(030) 123-4567 ext 12"
    with pytest.raises(InvalidAnswer, match="phone number"):
        answers.phone("call me maybe")
    with pytest.raises(InvalidAnswer, match="phone number"):
        answers.phone("12345")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Personal use", "personal"),
        ("Healthcare facility", "healthcare"),
        ("Spa, clinic or wellness", "spa_wellness"),
        ("Reseller or distributor", "reseller"),
        ("Other", "other"),
        ("we're a physiotherapy clinic", "healthcare"),
        ("a day spa", "spa_wellness"),
        ("we're a distributor", "reseller"),
        ("just for myself", "personal"),
        ("me", "personal"),
        ("it's a present for my mum", "personal"),
        ("a residential aged care home", "healthcare"),
        ("a chain of chemists, we'd resell them", "reseller"),
        ("we sell on ebay", "reseller"),
        ("a small beauty clinic", "spa_wellness"),
    ],
)
def test_buyer_types_from_buttons_and_free_text(text, expected):
    assert answers.buyer_type(text) == expected


def test_unclear_buyer_type_lists_the_choices():
    with pytest.raises(InvalidAnswer, match="reseller or distributor"):
        answers.buyer_type("hmm")


def test_timeline_maps_buttons_and_keeps_free_text():
    assert answers.timeline("In 1-3 months") == "In 1-3 months"
    assert answers.timeline("asap please") == "Within a month"
    assert answers.timeline("before the summer season") == "before the summer season"


@pytest.mark.parametrize(
    "text", ["<script>alert(1)</script>", "'; DROP TABLE leads; --", "{{7*7}}", "山田太郎 🌸"]
)
def test_free_text_is_kept_verbatim(text):
    assert answers.organisation(text) == text
    assert answers.name(text) == text
    assert answers.notes(text) == text


def test_long_notes_are_kept_and_over_long_ones_refused():
    assert answers.notes("a" * 10_000) == "a" * 10_000
    with pytest.raises(InvalidAnswer, match="longer than"):
        answers.notes("a" * 20_001)


def test_names_lose_only_a_leading_introduction():
    assert answers.name("my name is Tom Baker") == "Tom Baker"
    assert answers.name("Jo Bloggs") == "Jo Bloggs"
    assert answers.name("Will Smith") == "Will Smith"


@pytest.mark.parametrize("text", ["what's your phone number?", "can I just call you instead"])
def test_a_question_is_not_taken_for_a_name(text):
    with pytest.raises(InvalidAnswer, match="looks like a question"):
        answers.name(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Yes, you may contact me", True),
        ("yes", True),
        ("No", False),
        ("nope", False),
        ("maybe", None),
        ("oui, yes of course", True),
        ("that's fine by me", True),
        ("well, ok", True),
        ("I'd rather you didn't, no", None),
    ],
)
def test_yes_no(text, expected):
    assert answers.yes_no(text) is expected
