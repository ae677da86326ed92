"""A lead submitted while the database is down is spooled and saved once it is back.

"Down" is real, not mocked: for SQLite the database path lies under a regular
file, so SQLite cannot open it; for PostgreSQL the URL points at a local port
nothing listens on (connection refused). Replay then goes to the real database.
"""

import json

import pytest

from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import spool
from bot.leads.durable import QUEUED, SAVED, replay_spool, submit_lead_durably
from bot.leads.errors import InvalidSubmission
from bot.leads.services import export_leads, submit_lead
from tests.support.database import sqlite_url
from tests.support.servers import free_port


@pytest.fixture
def down_url(database_url, tmp_path):
    """A URL of the same backend as ``database_url`` whose database cannot be reached."""
    if database_url.startswith("sqlite"):
        blocker = tmp_path / "blocker"
        blocker.write_text("a file where the database folder should be")
        return sqlite_url(blocker / "leads.db")
    return f"postgresql://postgres@127.0.0.1:{free_port()}/test"


@pytest.fixture
def spool_folder(tmp_path):
    return spool.spool_dir(tmp_path / "var")


def _files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_outage_spools_and_replay_saves(down_url, uow_factory, spool_folder, make_submission):
    down = unit_of_work_factory(down_url)
    outcome = submit_lead_durably(down(), make_submission(), spool_folder)
    assert (outcome.status, outcome.reference) == (QUEUED, None)
    newer = make_submission(items=[("foot_spa_bath", 4)])
    assert submit_lead_durably(down(), newer, spool_folder).status == QUEUED
    (name,) = _files(spool_folder)  # one file per conversation, no temp files left
    saved = json.loads((spool_folder / name).read_text("utf-8"))
    assert saved["conversation_id"] == "conv-1" and saved["items"] == [["foot_spa_bath", 4]]

    still_down = replay_spool(down, spool_folder)
    assert (still_down.replayed, still_down.remaining) == ([], 1) and still_down.error

    report = replay_spool(uow_factory, spool_folder)
    assert len(report.replayed) == 1 and report.remaining == 0 and not report.error
    assert _files(spool_folder) == []
    (lead,) = export_leads(uow_factory())
    assert lead["reference"] == report.replayed[0]
    assert lead["items"] == [{"product": "foot_spa_bath", "quantity": 4}]
    assert replay_spool(uow_factory, spool_folder).replayed == []


def test_replay_of_an_already_saved_conversation_updates_it(
    uow_factory, spool_folder, make_submission
):
    reference = submit_lead(uow_factory(), make_submission()).reference
    spool.write(spool_folder, make_submission(budget="12000 EUR"))
    assert replay_spool(uow_factory, spool_folder).replayed == [reference]
    (lead,) = export_leads(uow_factory())
    assert (lead["reference"], lead["budget"]) == (reference, "12000 EUR")


def test_saving_discards_an_older_spooled_copy(uow_factory, spool_folder, make_submission):
    spool.write(spool_folder, make_submission(budget="stale"))
    outcome = submit_lead_durably(uow_factory(), make_submission(), spool_folder)
    assert outcome.status == SAVED and outcome.reference.startswith("FM-")
    assert _files(spool_folder) == []


def test_invalid_submission_is_refused_not_spooled(down_url, spool_folder, make_submission):
    with pytest.raises(InvalidSubmission):
        submit_lead_durably(
            unit_of_work_factory(down_url)(), make_submission(buyer_type="x"), spool_folder
        )
    assert _files(spool_folder) == []


def test_corrupt_spool_file_is_set_aside(uow_factory, spool_folder, make_submission):
    spool_folder.mkdir(parents=True)
    (spool_folder / "broken.json").write_text("{not json", "utf-8")
    spool.write(spool_folder, make_submission())
    report = replay_spool(uow_factory, spool_folder)
    assert len(report.replayed) == 1 and report.remaining == 0
    assert [p.name for p in report.rejected] == ["broken.json.rejected"]
