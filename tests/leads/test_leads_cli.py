"""``bot leads ...`` through the real entry point, as other tools call it."""

import csv
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from bot.cli import main
from bot.db import dispose_engine, upgrade
from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import spool
from bot.leads.records import EXPORT_FIELDS
from bot.leads.services import change_status, submit_lead
from bot.leads.submission import MAX_NOTES
from tests.support.database import sqlite_url
from tests.support.servers import free_port


@pytest.fixture
def cli_env(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("BOT_PROJECT_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def reference(uow_factory, make_submission):
    return submit_lead(uow_factory(), make_submission(name="Zoë 山田 🦶")).reference


def test_export_json_contract(cli_env, reference, capsys):
    assert main(["leads", "export", "--format", "json"]) == 0
    (lead,) = json.loads(capsys.readouterr().out)
    assert set(EXPORT_FIELDS) <= set(lead)
    assert lead["reference"] == reference and lead["name"] == "Zoë 山田 🦶"
    assert lead["items"][0] == {"product": "foot_roller", "quantity": 20}


def test_export_csv(cli_env, reference, capsys):
    assert main(["leads", "export", "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert row["reference"] == reference
    assert row["items"] == "foot_roller x20; deep_calf_massager x5"


def test_export_of_empty_database_is_an_empty_array(cli_env, capsys):
    assert main(["leads", "export"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_list_and_status(cli_env, reference, capsys):
    assert main(["leads", "status", reference, "contacted", "--note", "called"]) == 0
    assert main(["leads", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{reference} is now contacted" in out
    assert reference in out.splitlines()[-1] and "contacted" in out.splitlines()[-1]


def test_list_does_not_pass_escape_sequences_to_the_terminal(
    cli_env, uow_factory, make_submission, capsys
):
    submit_lead(uow_factory(), make_submission(organisation="\x1b[2J\x1b[31mEvil"))
    assert main(["leads", "list"]) == 0
    assert "\x1b" not in capsys.readouterr().out


def shown(capsys, *args) -> str:
    assert main(["leads", "show", *args]) == 0
    return capsys.readouterr().out


def field(out: str, label: str) -> str:
    """The value printed after ``label`` at the start of a line of ``bot leads show``."""
    return next(line[len(label) :].strip() for line in out.splitlines() if line.startswith(label))


def test_show_prints_a_record_a_sales_person_can_read(cli_env, reference, uow_factory, capsys):
    change_status(uow_factory(), reference, "contacted", note="called, wants a quote")
    out = shown(capsys, reference)
    assert out.splitlines()[0] == reference
    assert field(out, "Status") == "contacted"
    assert field(out, "Priority").startswith("hot (score ")
    assert field(out, "Created")[:4].isdigit() and field(out, "Created").endswith("UTC")
    assert field(out, "Buyer type") == "spa_wellness"
    assert field(out, "Organisation") == "Serenity Spa Ltd"
    assert field(out, "Name") == "Zoë 山田 🦶"
    assert field(out, "E-mail") == "ana@serenity.example"
    assert field(out, "Phone") == "+44 20 7946 0000"
    assert field(out, "Country") == "GB"
    assert field(out, "Products") == "20 x foot roller" and "   5 x deep calf massager" in out
    assert field(out, "Timeline") == "next quarter" and field(out, "Budget") == "5000 EUR"
    assert field(out, "Notes") == "Please send a catalogue."
    assert "created as new: submitted" in out and "new -> contacted: called, wants a quote" in out
    assert "visitor: I need rollers" in out and not out.lstrip().startswith("{")


def test_show_leaves_out_what_the_visitor_did_not_say(cli_env, uow_factory, make_submission,
                                                      capsys):  # fmt: skip
    bare = make_submission(timeline=None, budget=None, notes=None, phone=None, organisation=None,
                           buyer_type="personal", items=(("foot_roller", 2),))  # fmt: skip
    out = shown(capsys, submit_lead(uow_factory(), bare).reference)
    assert field(out, "Priority").startswith("cold")
    assert field(out, "Phone") == "-" and field(out, "Organisation") == "-"
    assert not any(line.startswith(("Timeline", "Budget", "Notes")) for line in out.splitlines())


def test_show_does_not_pass_escape_sequences_to_the_terminal(
    cli_env, uow_factory, make_submission, capsys
):
    lead = make_submission(name="\x1b[2J\x1b[31mEvil", notes="line one\nline two\x07")
    out = shown(capsys, submit_lead(uow_factory(), lead).reference)
    assert "\x1b" not in out and "\x07" not in out
    assert field(out, "Notes") == "line one" and "\n" + " " * 14 + "line two?" in out


def test_show_json_is_the_full_record_for_tools(cli_env, reference, capsys):
    lead = json.loads(shown(capsys, reference, "--json"))
    assert lead["reference"] == reference and lead["name"] == "Zoë 山田 🦶"
    assert lead["transcript"][0]["text"] == "I need rollers"
    assert [entry["to"] for entry in lead["history"]] == ["new"]


def test_unknown_reference_and_repeated_status(cli_env, reference, capsys):
    assert main(["leads", "status", "FM-1999-000001", "won"]) == 1
    assert main(["leads", "status", reference, "new"]) == 1
    assert "no lead with reference" in capsys.readouterr().err


def test_replay(cli_env, make_submission, capsys):
    spool.write(spool.spool_dir(cli_env / "var"), make_submission(conversation_id="queued"))
    assert main(["leads", "replay"]) == 0
    out = capsys.readouterr().out
    assert "saved FM-" in out and "0 still spooled" in out


def test_unreachable_database_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/test")
    monkeypatch.setenv("BOT_PROJECT_DIR", str(tmp_path))
    assert main(["leads", "export"]) == 1
    assert "database unavailable" in capsys.readouterr().err


def test_list_tells_sales_about_enquiries_set_aside(cli_env, reference, make_submission, capsys):
    folder = spool.spool_dir(cli_env / "var")
    assert main(["leads", "list"]) == 0
    assert "set aside" not in capsys.readouterr().err
    spool.set_aside(folder, make_submission(conversation_id="refused"), "value too long")
    assert main(["leads", "list"]) == 0
    err = capsys.readouterr().err
    assert "1 enquiry(ies) set aside" in err and str(folder) in err


def columns(text: str) -> int:
    """Width on a terminal: CJK characters and emoji take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_list_shows_each_leads_priority_in_an_aligned_column(
    cli_env, reference, uow_factory, make_submission, capsys
):
    small = make_submission(conversation_id="small", buyer_type="personal", timeline=None,
                            budget=None, phone=None, organisation=None, name="Bo",
                            items=(("foot_roller", 2),))  # fmt: skip
    cold = submit_lead(uow_factory(), small).reference
    assert main(["leads", "list"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    priority, units = header.index("PRIORITY"), header.index("UNITS")
    by_reference = {row.split()[0]: row for row in rows}
    assert by_reference[reference][priority:].split()[0] == "hot"
    assert by_reference[cold][priority:].split()[0] == "cold"
    for row in rows:  # the name "Zoë 山田 🦶" is wider on screen than it is long
        assert columns(row[: row.rindex("  ") + 2]) == units


@pytest.mark.parametrize("since", ["2w", "2 weeks", "14d", "336h", "2 Weeks ago", "2026-01-01"])
def test_list_since_reads_the_same_ages_as_purge(cli_env, reference, capsys, since):
    assert main(["leads", "list", "--since", since]) == 0
    assert reference in capsys.readouterr().out


def test_list_since_in_the_future_shows_nothing(cli_env, reference, capsys):
    assert main(["leads", "list", "--since", "2999-01-01"]) == 0
    assert reference not in capsys.readouterr().out


@pytest.mark.parametrize("since", ["soon", "2 months", "7"])
def test_unreadable_since_is_a_usage_error_naming_the_accepted_forms(cli_env, capsys, since):
    with pytest.raises(SystemExit) as stopped:
        main(["leads", "list", "--since", since])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "Traceback" not in err
    assert f"argument --since: cannot read {since!r}" in err
    assert "a date like 2026-03-01" in err and "an age like 7d or 2w" in err


@pytest.fixture
def crowded_database(tmp_path, make_submission):
    """A SQLite database whose export (over 1 MiB) cannot fit in any pipe's buffer."""
    url = sqlite_url(tmp_path / "var" / "crowded.db")
    upgrade(url)
    uow_factory = unit_of_work_factory(url)
    for number in range(60):
        lead = make_submission(conversation_id=f"crowd-{number}", notes="n" * MAX_NOTES)
        submit_lead(uow_factory(), lead)
    yield url
    dispose_engine(url)


@pytest.mark.parametrize("output", [["--format", "csv"], ["--format", "json"]])
def test_export_into_a_pipe_closed_early_ends_quietly(crowded_database, tmp_path, output):
    """``bot leads export | head -1``: the reader goes away, the command must not complain."""
    env = dict(os.environ, DATABASE_URL=crowded_database, BOT_PROJECT_DIR=str(tmp_path))
    env.pop("PYTHONUNBUFFERED", None)  # unbuffered, Python drops what a full pipe refuses
    command = [str(Path(sys.executable).parent / "bot"), "leads", "export", *output]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first_line = process.stdout.readline()
        process.stdout.close()
        err = process.stderr.read().decode()
        assert process.wait(timeout=60) in (0, 141)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert first_line.startswith((b"reference,", b"["))
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


def test_a_note_is_added_without_changing_the_status(cli_env, reference, capsys):
    assert main(["leads", "note", reference, "Left a voicemail"]) == 0
    assert f"{reference}: note added" in capsys.readouterr().out
    out = shown(capsys, reference)
    assert field(out, "Status") == "new"
    assert "note: Left a voicemail" in out
    assert main(["leads", "note", reference, "   "]) == 1
    assert "a note needs some text" in capsys.readouterr().err
    assert main(["leads", "note", "FM-2026-999999", "hello"]) == 1
