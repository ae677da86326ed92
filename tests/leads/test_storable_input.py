"""What a visitor typed is made storable, never refused for its size (no database here)."""

import json
import math

import pytest

from bot.leads.errors import InvalidSubmission
from bot.leads.submission import (
    MAX_MESSAGE,
    MAX_NOTES,
    MAX_TEXT,
    clean_submission,
    submission_from_dict,
    submission_to_dict,
)
from bot.visitor_input import (
    MAX_CONVERSATION_ID,
    MAX_TRANSCRIPT_CHARS,
    TRANSCRIPT_HEAD,
    TRANSCRIPT_TAIL,
    TextChecks,
    shorten,
    storable,
    storage_conversation_id,
)


def _conversation(count, long_at=(), long_text=50_000):
    return [
        {"sender": "user" if i % 2 else "bot",
         "text": "x" * long_text if i in long_at else f"message {i}",
         "timestamp": 1767268800.0 + i}
        for i in range(count)
    ]  # fmt: skip


def test_a_short_conversation_id_is_stored_as_it_is():
    assert storage_conversation_id("conv-1") == "conv-1"
    assert storage_conversation_id("c" * MAX_CONVERSATION_ID) == "c" * MAX_CONVERSATION_ID


def test_a_long_conversation_id_maps_to_one_stable_key_that_fits():
    raw = "visitor-" + "x" * 292
    key = storage_conversation_id(raw)
    assert len(key) == MAX_CONVERSATION_ID and key.startswith("visitor-xxx")
    assert storage_conversation_id(raw) == key  # a resubmission finds its lead
    assert storage_conversation_id(key) == key  # cleaning twice changes nothing
    assert storage_conversation_id(raw + "y") != key  # same first 255 characters


def test_unstorable_characters_in_a_conversation_id_give_a_distinct_key():
    key = storage_conversation_id("a\x00b")
    assert "\x00" not in key and key != storage_conversation_id("ab") == "ab"
    assert storable(storage_conversation_id("a\ud800b")) == storage_conversation_id("a\ud800b")


def test_storable_drops_nul_and_replaces_lone_surrogates_only():
    assert storable("a\x00b\ud83dc\x07\x1b[31m🦶") == "ab\ufffdc\x07\x1b[31m🦶"
    storable("\udfff").encode("utf-8")  # no UnicodeEncodeError


def test_shorten_says_it_shortened_and_fits_the_limit():
    assert shorten("abc", 3) == "abc"
    cut = shorten("n" * 30_000, MAX_NOTES)
    assert len(cut) == MAX_NOTES and cut.endswith("… [shortened from 30,000 characters]")


def test_over_long_fields_are_shortened_not_refused(make_submission):
    cleaned = clean_submission(
        make_submission(conversation_id="s" * 300, notes="n" * 30_000, name="N" * 5_000)
    )
    assert len(cleaned.conversation_id) == MAX_CONVERSATION_ID
    assert len(cleaned.notes) == MAX_NOTES and "[shortened from 30,000" in cleaned.notes
    assert len(cleaned.name) == MAX_TEXT and cleaned.name.startswith("NNN")


def test_a_long_transcript_keeps_its_start_and_end_and_fits_the_budget(make_submission):
    messages = _conversation(400, long_at={5, 395})
    transcript = clean_submission(make_submission(transcript=messages)).transcript
    assert len(transcript) == TRANSCRIPT_HEAD + 1 + TRANSCRIPT_TAIL
    assert transcript[0]["text"] == "message 0" and transcript[-1]["text"] == "message 399"
    assert transcript[TRANSCRIPT_HEAD] == {
        "sender": "system", "text": "… [200 messages left out]", "timestamp": None
    }  # fmt: skip
    assert len(transcript[5]["text"]) == MAX_MESSAGE and "[shortened" in transcript[5]["text"]
    assert sum(len(m["text"]) for m in transcript) <= MAX_TRANSCRIPT_CHARS


def test_the_budget_cuts_the_longest_messages_and_keeps_short_ones_whole(make_submission):
    messages = _conversation(60, long_at=set(range(0, 60, 2)), long_text=15_000)
    transcript = clean_submission(make_submission(transcript=messages)).transcript
    assert len(transcript) == 60
    assert transcript[1]["text"] == "message 1"
    assert sum(len(m["text"]) for m in transcript) <= MAX_TRANSCRIPT_CHARS
    assert {len(m["text"]) for m in transcript[::2]} == {len(transcript[0]["text"])}


def test_cleaning_is_idempotent_and_survives_the_spool(make_submission):
    messy = make_submission(
        conversation_id="\x00" + "id" * 200,
        notes="a\x00b" * 10_000,
        organisation="\ud800" * 2_000,
        transcript=_conversation(300, long_at={1}, long_text=50_000)
        + [{"sender": None, "text": 42, "timestamp": math.nan}],
    )
    cleaned = clean_submission(messy)
    assert clean_submission(cleaned) == cleaned
    json.dumps(submission_to_dict(cleaned), allow_nan=False).encode("utf-8")
    assert submission_from_dict(submission_to_dict(cleaned)) == cleaned
    assert cleaned.transcript[-1] == {"sender": None, "text": "42", "timestamp": "nan"}


@pytest.mark.parametrize(
    "overrides",
    [
        {"buyer_type": "wholesale"},
        {"conversation_id": "  "},
        {"items": [("foot_roller", 0)]},
        {"transcript": ["not a mapping"]},
    ],
)
def test_what_our_own_form_got_wrong_is_still_refused(make_submission, overrides):
    with pytest.raises(InvalidSubmission):
        clean_submission(make_submission(**overrides))


def test_checks_without_shorten_still_refuse_long_text():
    checks = TextChecks(ValueError, strip=True)
    with pytest.raises(ValueError, match="longer than 10"):
        checks.text("reason", "r" * 11, 10)
    with pytest.raises(ValueError, match="conversation_id"):
        checks.conversation_id("c" * 256)
    assert checks.text("reason", " a\x00b ", 10) == "ab"
