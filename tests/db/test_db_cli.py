"""``bot db upgrade`` and ``bot db current`` through the real entry point."""

from bot.cli import main
from bot.db import head_revision
from tests.support.servers import free_port


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
    port = free_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres:s3cret-pw@127.0.0.1:{port}/test")
    for command in ("upgrade", "current"):
        assert main(["db", command]) == 1
        err = capsys.readouterr().err
        assert err.startswith("database unavailable: cannot connect to the PostgreSQL database")
        assert f"127.0.0.1:{port}" in err and "s3cret-pw" not in err
