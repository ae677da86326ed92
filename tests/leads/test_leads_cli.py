"""``bot leads ...`` through the real entry point, as other tools call it."""

import csv
import io
import json

import pytest

from bot.cli import main
from bot.leads import spool
from bot.leads.records import EXPORT_FIELDS
from bot.leads.services import submit_lead
from tests.servers import free_port


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


def test_show(cli_env, reference, capsys):
    assert main(["leads", "show", reference]) == 0
    assert json.loads(capsys.readouterr().out)["transcript"][0]["text"] == "I need rollers"


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
