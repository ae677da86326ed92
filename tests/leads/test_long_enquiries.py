"""Finished enquiries are stored whatever their size, on SQLite and on PostgreSQL.

Long ids and long conversations are shortened for storage; a submission the
database still refuses is set aside for a person and a stand-in lead tells
sales where it is. The refusal is real: a trigger in the test database
refuses rows carrying a marker, as an unforeseen constraint would.
"""

import json

import pytest
from sqlalchemy import text

from bot.db import get_engine
from bot.leads import spool
from bot.leads.durable import SAVED, SET_ASIDE, replay_spool, submit_lead_durably
from bot.leads.services import get_lead, list_leads, submit_lead
from bot.leads.submission import MAX_NOTES
from bot.visitor_input import MAX_CONVERSATION_ID, MAX_TRANSCRIPT_CHARS

LONG_ID = "web-" + "8" * 296
REFUSE_MARKER = "refuse-me"

_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER refuse_{when.lower()} BEFORE {when} ON leads
        WHEN NEW.notes LIKE '%{REFUSE_MARKER}%' OR NEW.conversation_id LIKE 'refuse-all%'
        BEGIN SELECT RAISE(ABORT, 'value refused by the test trigger'); END"""
    for when in ("INSERT", "UPDATE")
]
_POSTGRES_TRIGGER = [
    f"""CREATE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.notes LIKE '%{REFUSE_MARKER}%' OR NEW.conversation_id LIKE 'refuse-all%' THEN
            RAISE EXCEPTION 'value refused by the test trigger' USING ERRCODE = '22001';
        END IF;
        RETURN NEW; END $$""",
    """CREATE TRIGGER refuse_marked BEFORE INSERT OR UPDATE ON leads
        FOR EACH ROW EXECUTE FUNCTION refuse_marked()""",
]


@pytest.fixture
def refusing_database(database_url):
    """The database refuses leads whose notes hold the marker, or whose id starts "refuse-all"."""
    statements = _SQLITE_TRIGGERS if database_url.startswith("sqlite") else _POSTGRES_TRIGGER
    with get_engine(database_url).begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    return database_url


@pytest.fixture
def spool_folder(tmp_path):
    return spool.spool_dir(tmp_path / "var")


def _conversation(count, long_at):
    return tuple(
        {"sender": "user" if i % 2 else "bot",
         "text": "x" * 50_000 if i == long_at else f"message {i} \x00",
         "timestamp": 1767268800.0 + i}
        for i in range(count)
    )  # fmt: skip


@pytest.mark.parametrize(
    "overrides",
    [
        {"conversation_id": LONG_ID},
        {"conversation_id": "web-\x00-1"},
        {"notes": "n" * 30_000},
        {"transcript": _conversation(400, long_at=3)},
        {"organisation": "O" * 5_000, "email": "e" * 2_000 + "@example.com"},
        {"name": "Ana \ud83d Costa", "notes": "x\x00y"},
    ],
    ids=["300-char-id", "nul-in-id", "30k-notes", "400-messages", "long-fields", "unstorable"],
)
def test_each_part_of_the_probe_is_saved_on_its_own(
    uow_factory, spool_folder, make_submission, overrides
):
    outcome = submit_lead_durably(uow_factory(), make_submission(**overrides), spool_folder)
    assert outcome.status == SAVED and outcome.reference.startswith("FM-")
    assert get_lead(uow_factory(), outcome.reference)["email"]


def test_the_probe_enquiry_is_saved(uow_factory, spool_folder, make_submission):
    submission = make_submission(
        conversation_id=LONG_ID,
        notes="n" * 15_000 + "\x00" + "n" * 15_000,
        name="Ana\x00 Costa",
        transcript=_conversation(400, long_at=3),
    )
    outcome = submit_lead_durably(uow_factory(), submission, spool_folder)
    assert outcome.status == SAVED and outcome.created and outcome.set_aside is None
    lead = get_lead(uow_factory(), outcome.reference)
    assert len(lead["conversation_id"]) == MAX_CONVERSATION_ID
    assert lead["conversation_id"].startswith("web-888")
    assert lead["name"] == "Ana Costa"
    assert len(lead["notes"]) <= MAX_NOTES and lead["notes"].startswith("nnn")
    assert lead["notes"].endswith("[shortened from 30,000 characters]")
    transcript = lead["transcript"]
    assert len(transcript) < 400 and transcript[-1]["text"] == "message 399 "
    assert "[shortened from 50,000 characters]" in transcript[3]["text"]
    assert any("messages left out" in m["text"] for m in transcript)
    assert sum(len(m["text"]) for m in transcript) <= MAX_TRANSCRIPT_CHARS
    assert list(spool_folder.glob("*")) == []


def test_resubmitting_a_long_id_updates_the_same_lead(uow_factory, make_submission):
    first = submit_lead(uow_factory(), make_submission(conversation_id=LONG_ID))
    second = submit_lead(uow_factory(), make_submission(conversation_id=LONG_ID, budget="9k"))
    assert (second.reference, second.created) == (first.reference, False)
    other = submit_lead(uow_factory(), make_submission(conversation_id=LONG_ID + "9"))
    assert other.created and other.reference != first.reference
    assert [lead["budget"] for lead in list_leads(uow_factory())] == ["9k", "5000 EUR"]


def test_a_refused_enquiry_is_set_aside_and_sales_gets_a_stand_in(
    refusing_database, uow_factory, spool_folder, make_submission
):
    submission = make_submission(notes=f"please {REFUSE_MARKER}", name="Ana " + "C" * 500)
    outcome = submit_lead_durably(uow_factory(), submission, spool_folder)
    assert outcome.status == SAVED and outcome.reference.startswith("FM-")
    assert spool.set_aside_paths(spool_folder) == [outcome.set_aside]
    kept = json.loads(outcome.set_aside.read_text("utf-8"))
    assert kept["notes"] == f"please {REFUSE_MARKER}" and kept["email"] == submission.email
    assert "refused by the test trigger" in kept["set_aside"]["reason"]
    (lead,) = list_leads(uow_factory())  # what `bot leads list` and the notification show
    assert lead["reference"] == outcome.reference and lead["email"] == submission.email
    assert lead["notes"].startswith("[set aside]") and str(outcome.set_aside) in lead["notes"]
    assert len(lead["name"]) <= 200
    assert spool.spooled_paths(spool_folder) == []  # nothing to replay


def test_when_even_the_stand_in_is_refused_the_file_remains(
    refusing_database, uow_factory, spool_folder, make_submission
):
    submission = make_submission(conversation_id="refuse-all-1")
    outcome = submit_lead_durably(uow_factory(), submission, spool_folder)
    assert (outcome.status, outcome.reference) == (SET_ASIDE, None)
    assert spool.set_aside_paths(spool_folder) == [outcome.set_aside]
    assert spool.load(outcome.set_aside).submission == submission
    assert list_leads(uow_factory()) == []


def test_replay_sets_a_refused_lead_aside_and_goes_on(
    refusing_database, uow_factory, spool_folder, make_submission
):
    spool.write(spool_folder, make_submission(conversation_id="a", notes=REFUSE_MARKER))
    spool.write(spool_folder, make_submission(conversation_id="b"))
    report = replay_spool(uow_factory, spool_folder)
    assert len(report.replayed) == 2 and report.remaining == 0 and not report.error
    assert report.rejected == spool.set_aside_paths(spool_folder) != []
    notes = sorted(lead["notes"] for lead in list_leads(uow_factory()))
    assert notes[0] == "Please send a catalogue." and notes[1].startswith("[set aside]")
