"""``bot db upgrade`` and ``bot db current`` through the real entry point."""

from bot.cli import main
from bot.db import head_revision
from bot.db.testing import free_port


def test_current_reports_an_empty_database(empty_database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    assert main(["db", "current"]) == 1
    assert "run `bot db upgrade`" in capsys.readouterr().out


def test_upgrade_then_current(empty_database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    out = capsys.readouterr().out
    assert f"database at revision {head_revision()}" in out
    assert "up to date" in out


def test_unreachable_database_is_reported_not_raised(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{free_port()}/test")
    assert main(["db", "upgrade"]) == 1
    assert "database unavailable" in capsys.readouterr().err
