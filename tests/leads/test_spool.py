"""The spool writes atomically: a crash mid-write never damages the previous file."""

import os

import pytest

from bot.leads import spool


def test_failed_write_keeps_previous_file(tmp_path, make_submission, monkeypatch):
    path = spool.write(tmp_path, make_submission(budget="first"))
    before = path.read_bytes()

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        spool.write(tmp_path, make_submission(budget="second"))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_file_names_do_not_trust_conversation_ids(tmp_path, make_submission):
    path = spool.write(tmp_path, make_submission(conversation_id="../../etc/passwd"))
    assert path.parent == tmp_path and path.suffix == ".json"


def test_remove_keeps_a_file_replaced_after_reading(tmp_path, make_submission):
    path = spool.write(tmp_path, make_submission(budget="first"))
    loaded = spool.load(path)
    spool.write(tmp_path, make_submission(budget="second"))
    assert not spool.remove(loaded)
    assert spool.load(path).submission.budget == "second"
