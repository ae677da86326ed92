"""The review loop, driven through a text stream as a terminal or tmux would drive it."""

from __future__ import annotations

import io
import json

from bot.admin.examples import known_intents, read_examples
from bot.admin.inbox import InboxRow
from bot.admin.labels import LABEL_LOG
from bot.admin.review import review
from bot.cli import main
from tests.admin.conftest import use_project
from tests.admin.events import bot, user, write_events


def _row(text, intent="nlu_fallback", suggestion="greet", confidence=0.3):
    return InboxRow(text, intent, confidence, suggestion, ["Sorry?"])


def test_accept_choose_out_of_scope_skip_and_quit(project):
    rows = [_row("ahoy matey"), _row("laters gators"), _row("recite a limerick about cheese"),
            _row("skip me"), _row("never reached")]  # fmt: skip
    goodbye = known_intents(project).index("goodbye") + 1
    keys = f"a\nc\n999\n{goodbye}\no\ns\nq\n"
    out = io.StringIO()
    result = review(rows, project, user="frank", stdin=io.StringIO(keys), stdout=out)
    assert [(r.text, r.intent) for r in result.labelled] == [
        ("ahoy matey", "greet"),
        ("laters gators", "goodbye"),
        ("recite a limerick about cheese", "out_of_scope"),
    ]
    assert result.skipped == 1 and result.quit_early
    examples = read_examples(project)
    assert ("laters gators", "goodbye") in examples and ("never reached", "greet") not in examples
    assert "Unknown intent '999'" in out.getvalue() and "bot answered: Sorry?" in out.getvalue()
    log = [json.loads(line) for line in (project / LABEL_LOG).read_text().splitlines()]
    assert {entry["user"] for entry in log} == {"frank"}
    assert log[0]["previous_intent"] == "nlu_fallback"


def test_end_of_input_ends_the_review(project):
    result = review([_row("ahoy matey")], project, stdin=io.StringIO(""), stdout=io.StringIO())
    assert result.quit_early and not result.labelled


def test_review_command_reads_stdin(project, tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    write_events(url, {"v": [user("howdy partner", "nlu_fallback", 0.3), bot("Sorry?")]})
    use_project(monkeypatch, project, url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n"))
    assert main(["admin", "review", "--user", "gina"]) == 0
    assert "Labelled as greet" in capsys.readouterr().out
    assert ("howdy partner", "greet") in read_examples(project)
    assert main(["admin", "inbox", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip()) == []
