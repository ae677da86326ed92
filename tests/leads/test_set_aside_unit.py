"""Setting aside a refused lead when the database also goes away meanwhile (fakes, no database)."""

import json

import pytest
from lead_fakes import FakeLeadRepository, FakeUnitOfWork
from sqlalchemy.exc import DataError

from bot.leads import spool
from bot.leads.durable import QUEUED, SAVED, replay_spool, submit_lead_durably
from bot.leads.errors import DatabaseUnavailable

REFUSED = "refuse-me"


class RefusingRepository(FakeLeadRepository):
    """Refuses leads whose notes hold the marker; ``outages`` adds fail as if the database went."""

    def __init__(self):
        super().__init__()
        self.outages = 0

    def add(self, lead):
        if REFUSED in (lead.notes or ""):
            raise DataError("INSERT INTO leads ...", {}, Exception("value too long\nDETAIL: row"))
        if self.outages:
            self.outages -= 1
            raise DatabaseUnavailable("connection refused")
        super().add(lead)


@pytest.fixture
def uow():
    uow = FakeUnitOfWork()
    uow.leads = RefusingRepository()
    return uow


def test_refused_then_down_is_queued_and_the_replay_sets_it_aside(uow, tmp_path, make_submission):
    uow.leads.outages = 1  # the stand-in finds the database gone
    submission = make_submission(notes=REFUSED)
    outcome = submit_lead_durably(uow, submission, tmp_path)
    assert outcome.status == QUEUED and uow.leads.leads == []
    assert spool.load(spool.spooled_paths(tmp_path)[0]).submission.notes == REFUSED

    report = replay_spool(lambda: uow, tmp_path)
    assert report.remaining == 0 and not report.error
    (lead,) = uow.leads.leads
    assert report.replayed == [lead.reference] and lead.notes.startswith("[set aside]")
    (kept,) = report.rejected
    assert spool.set_aside_paths(tmp_path) == [kept]
    reason = json.loads(kept.read_text("utf-8"))["set_aside"]["reason"]
    assert reason == "value too long"  # the first line only: later ones may quote the row


def test_a_later_good_submission_replaces_the_stand_in(uow, tmp_path, make_submission):
    first = submit_lead_durably(uow, make_submission(notes=REFUSED), tmp_path)
    assert first.status == SAVED and first.set_aside is not None
    second = submit_lead_durably(uow, make_submission(notes="call me"), tmp_path)
    assert (second.reference, second.created) == (first.reference, False)
    assert uow.leads.leads[0].notes == "call me"
