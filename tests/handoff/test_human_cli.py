"""``bot handoff requests`` and ``bot handoff close REF``, called through ``main``."""

from __future__ import annotations

from bot.cli import main
from bot.handoff.hours import load_hours
from bot.handoff.human import HandoffSubmission, get_request, request_handoff


def _ask(uow_factory, conversation_id, name, reason="talk to a person\nplease") -> str:
    submission = HandoffSubmission(conversation_id=conversation_id, name=name,
                                   email=f"{name.lower()}@example.com", reason=reason)  # fmt: skip
    return request_handoff(uow_factory(), submission, load_hours()).reference


def test_requests_lists_open_requests_and_close_closes_one(handoff_env, uow_factory, capsys):
    first = _ask(uow_factory, "conv-1", "Ana")
    second = _ask(uow_factory, "conv-2", "Bo", reason=None)
    assert main(["handoff", "requests"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(first) and "ana@example.com" in lines[0]
    assert "talk to a person please" in lines[0]  # one line per request
    assert lines[1].startswith(second) and lines[-1] == "2 open request(s)"
    assert main(["handoff", "close", first]) == 0
    assert capsys.readouterr().out.strip() == f"closed {first} (Ana <ana@example.com>)"
    assert get_request(uow_factory(), first)["status"] == "closed"
    assert main(["handoff", "requests"]) == 0
    out = capsys.readouterr().out
    assert first not in out and second in out and "1 open request(s)" in out


def test_closing_twice_or_an_unknown_reference_fails(handoff_env, uow_factory, capsys):
    reference = _ask(uow_factory, "conv-1", "Ana")
    assert main(["handoff", "close", reference]) == 0
    assert main(["handoff", "close", reference]) == 1
    assert "already closed" in capsys.readouterr().err
    assert main(["handoff", "close", "HO-2026-999999"]) == 1
    assert "no hand-off request with reference 'HO-2026-999999'" in capsys.readouterr().err


def test_an_unreachable_database_is_one_line_on_stderr(handoff_env, capsys):
    handoff_env.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["handoff", "requests"]) == 1
    assert capsys.readouterr().err.startswith("database unavailable")


def test_hours_checks_the_file_and_shows_the_sentence(handoff_env, tmp_path, capsys):
    assert main(["handoff", "hours"]) == 0
    out = capsys.readouterr().out
    assert "hours OK: Mon\u2013Fri 9:00\u201317:30 UK time (Europe/London)" in out
    assert "a visitor asking now is told: " in out
    (tmp_path / "hours.yml").write_text("timezone: Europe/London\nopening_hours: {}\n")
    handoff_env.setenv("HANDOFF_HOURS", "hours.yml")
    assert main(["handoff", "hours"]) == 1
    assert "response_time must be like" in capsys.readouterr().err
