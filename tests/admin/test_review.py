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
from tests.admin.events import action, bot, form_asks, form_starts, user, write_events


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


def test_each_message_is_shown_between_what_the_bot_said_and_answered(
    project, tmp_path, monkeypatch, capsys
):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    question = "Which products would you like a quote for? We have: " + "rollers, " * 20
    write_events(url, {"v": [
        user("I'd like a quote", "request_quote", 0.95),
        *form_starts("lead_form", "lead_items", question, utter=None),
        user("do the rollers come in blue", "ask_product", 0.51),
        action("action_describe_product"), bot("The foot roller is natural beech."),
        *form_asks("lead_form", "lead_items", question, utter=None),
        user("sing me a song about the calf massager", "nlu_fallback", 0.4,
             ranking=[("ask_product", 0.23)]),
        bot("Sorry, I didn't get that."),
    ]})  # fmt: skip
    use_project(monkeypatch, project, url)
    monkeypatch.setattr("sys.stdin", io.StringIO("s\ns\n"))
    assert main(["admin", "review"]) == 0
    out = capsys.readouterr().out
    first, second = out.split("[2/2]")
    assert "'sing me a song about the calf massager'" in first
    assert "bot before:   Which products would you like a quote for? We have: rollers," in first
    assert "bot answered: Sorry, I didn't get that." in first
    assert "predicted:    nlu_fallback: unsure, best guess ask_product at 0.23" in first
    assert "0.40" not in out
    assert "bot answered: The foot roller is natural beech. / Which products" in second
    assert "predicted:    ask_product (0.51)" in second
    assert max(len(line) for line in out.splitlines()) < 120, "context is cut to one line"


def test_a_name_is_labelled_only_after_a_warning_and_a_yes(project):
    rows = [_row("Katrin Vogelsang", "human_handoff", "human_handoff", 0.41),
            _row("Graz", "nlu_fallback", "ask_commercial", 0.2)]  # fmt: skip
    out = io.StringIO()
    keys = "a\n\nc\ninform\ny\n"
    result = review(rows, project, user="hana", stdin=io.StringIO(keys), stdout=out)
    assert [(r.text, r.intent) for r in result.labelled] == [("Graz", "inform")]
    assert result.skipped == 1
    shown = out.getvalue()
    assert "'Katrin Vogelsang' looks like a person's name" in shown
    assert "'Graz' looks like a person's name" in shown and "Label it anyway? [y/N]" in shown
    assert not [text for text, _ in read_examples(project) if "Vogelsang" in text]


def test_contact_details_are_refused_whatever_the_admin_chooses(project):
    before = read_examples(project)
    rows = [_row("mail the offer to k.vogelsang@podologie-graz.at"),
            _row("call me on 0316 4455667 after lunch"), _row("hello again, robot")]  # fmt: skip
    out = io.StringIO()
    result = review(rows, project, stdin=io.StringIO("a\no\na\n"), stdout=out)
    assert [r.text for r in result.labelled] == ["hello again, robot"]
    assert "Not labelled: the text contains an e-mail address" in out.getvalue()
    assert "Not labelled: the text contains a phone number" in out.getvalue()
    assert "looks like a person's name" not in out.getvalue()
    assert sorted(read_examples(project)) == sorted(before + [("hello again, robot", "greet")])
