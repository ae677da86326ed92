"""The inbox: visitors' messages from the tracker store, unseen and least confident first."""

from __future__ import annotations

import json

import pytest

from bot.admin.inbox import build_inbox
from bot.cli import main
from bot.config import PROJECT_ROOT
from bot.durations import since_timestamp
from tests.admin.conftest import use_project
from tests.admin.events import (
    action,
    active_loop,
    answer,
    bot,
    form_asks,
    form_ends,
    form_starts,
    slot,
    user,
    write_events,
)

LEAD, HANDOFF = "lead_form", "handoff_form"
# What Katrin and Jonas told the bot; none of it may reach an admin's screen.
PERSONAL = ["Vogelsang", "k.vogelsang@podologie-graz.at", "4455667", "Österreich", "autumn fair",
            "roughly 4k", "assistant", "address", "Jonas", "jonas@gruber-spa.example",
            "0664 123"]  # fmt: skip


def enquiry() -> list:
    """Katrin's enquiry as Rasa logs it: one question asked mid-form, answers in between."""
    return [
        user("I'd like a quote", "request_quote", 0.93), action("action_start_lead"),
        bot("Happy to help with a quote.", "utter_lead_intro"),
        *form_starts(LEAD, "buyer_type", "Who are the products for?"),
        # Misread as a product question; the form's validator takes it as the answer.
        user("a podiatry practice in Graz", "product_for_setting", 0.48),
        action(LEAD), slot("buyer_type", "healthcare"),
        *form_asks(LEAD, "lead_items", "Which products would you like a quote for?", utter=None),
        user("do the rollers come in blue", "ask_product", 0.51),
        action("action_describe_product"), bot("The foot roller is natural beech."),
        *form_asks(LEAD, "lead_items", "Which products would you like a quote for?", utter=None),
        *answer("twelve rollers and 3 calf massagers", "lead_items", confidence=0.62),
        *form_asks(LEAD, "organisation", "What is the name of your organisation?"),
        *answer("Podologie Vogelsang GmbH", "organisation", confidence=0.44),
        *form_asks(LEAD, "contact_name", "What name should our sales team use for you?"),
        *answer("Katrin Vogelsang", "contact_name", "human_handoff", 0.41),
        *form_asks(LEAD, "email", "Which email address should the quote go to?"),
        # A question, not an answer, but asked while the form waits on an address.
        user("what do you do with my address", "why_needed", 0.47),
        action("action_explain_why"), bot("Only to send you the quote."),
        *form_asks(LEAD, "email", "Which email address should the quote go to?"),
        *answer("k.vogelsang@podologie-graz.at", "email", confidence=0.7),
        *form_asks(LEAD, "phone", "A phone number, in case a call is easier?"),
        *answer("0316 4455667", "phone", confidence=0.35),
        *form_asks(LEAD, "country", "Which country should we deliver to?"),
        *answer("Österreich", "country", "faq", 0.3),
        *form_asks(LEAD, "timeline", "When would you need them?"),
        *answer("before the autumn fair", "timeline", confidence=0.52),
        *form_asks(LEAD, "budget", "Do you have a budget in mind?"),
        *answer("roughly 4k", "budget", confidence=0.4),
        *form_asks(LEAD, "notes", "Anything else our sales team should know?"),
        *answer("ring my assistant after 3pm please", "notes", "human_handoff", 0.39),
        *form_asks(LEAD, "consent", "May our sales team store the details...", utter=None),
        *answer("Yes, you may contact me", "consent", "affirm", 0.8),
        *form_asks(LEAD, "lead_confirmed", "Here is your enquiry:\n- Name: Katrin Vogelsang\n"
                   "- Email: k.vogelsang@podologie-graz.at", utter=None),
        *answer("Submit", "lead_confirmed", "affirm", 0.9),
        *form_ends(LEAD), action("action_submit_lead"),
        bot("Thank you, Katrin Vogelsang! Our sales team will reply to "
            "k.vogelsang@podologie-graz.at."),
        user("how long does delivery to Austria take", "ask_commercial", 0.57),
        action("action_answer_commercial"), bot("Usually 3 to 5 working days."),
    ]  # fmt: skip


def handoff() -> list:
    """Jonas asks for a person; his name is misread as another request for one."""
    return [
        user("could I speak to a person", "human_handoff", 0.88),
        *form_starts(HANDOFF, "contact_name", "What's your name?",
                     "utter_ask_handoff_form_contact_name"),
        user("Jonas Gruber", "human_handoff", 0.41),
        *form_asks(HANDOFF, "contact_name", "What's your name?",
                   "utter_ask_handoff_form_contact_name"),
        *answer("Jonas", "contact_name"),
        *form_asks(HANDOFF, "email", "Which email address should they reply to?",
                   "utter_ask_handoff_form_email"),
        *answer("jonas@gruber-spa.example", "email"),
        *form_ends(HANDOFF), action("action_submit_handoff"),
        bot("Thanks, Jonas. I've passed our conversation to our sales team (reference HO-7)."),
        user("will they call me today", "ask_commercial", 0.38),
        bot("Our team replies within one working day."),
        user("my number is 0664 123 45 67, call me back", "human_handoff", 0.6),
        user("write to me at jonas@gruber-spa.example", "human_handoff", 0.55),
        user("we need 250 rollers by 2025", "request_quote", 0.55),
    ]  # fmt: skip


@pytest.fixture
def tracker(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    write_events(url, {
        "a": [user("hello", "greet", 0.99), bot("Hi!"),
              user("Ahoy there", "nlu_fallback", 0.4), bot("Sorry?"), bot("Try again."),
              user("/restart", "restart", 1.0),
              user("what's reflexology then", "faq", 0.7, "reflexology"), bot("Reflex...")],
        "b": [user("ahoy  there!", "greet", 0.55), bot("Hello!"),
              user("how much for a pallet", "ask_commercial", 0.62), bot("Prices vary.")],
    })  # fmt: skip
    return url


def test_rows_are_unseen_folded_and_worst_first(tracker):
    rows = build_inbox(tracker, PROJECT_ROOT)
    assert [r.text for r in rows] == [
        "Ahoy there",
        "how much for a pallet",
        "what's reflexology then",
    ]
    ahoy = rows[0]
    assert (ahoy.intent, ahoy.count, ahoy.answers) == ("nlu_fallback", 2, ["Sorry?", "Try again."])
    assert ahoy.suggestion == "greet"
    assert ahoy.confidence == 0.3, "the classifier's own guess, not the fallback threshold"
    assert rows[2].intent == "faq/reflexology"


def test_filters(tracker):
    assert [r.text for r in build_inbox(tracker, PROJECT_ROOT, intent="faq")] == [
        "what's reflexology then"
    ]
    assert len(build_inbox(tracker, PROJECT_ROOT, max_confidence=0.6)) == 1
    assert build_inbox(tracker, PROJECT_ROOT, since=since_timestamp("2030-01-01")) == []


def test_an_empty_store_gives_an_empty_inbox(tmp_path):
    assert build_inbox(f"sqlite:///{tmp_path / 'none.db'}", PROJECT_ROOT) == []


def test_inbox_command_prints_json_and_a_table(tracker, project, monkeypatch, capsys):
    use_project(monkeypatch, project, tracker)
    assert main(["admin", "inbox", "--json", "--max-confidence", "0.65"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["text"], r["count"]) for r in rows] == [
        ("Ahoy there", 2),
        ("how much for a pallet", 1),
    ]
    assert main(["admin", "inbox"]) == 0
    table = capsys.readouterr().out
    assert "nlu_fallback" in table and "Sorry? / Try again." in table
    assert main(["admin", "inbox", "--json", "--since", "2 weeks"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 0, "the test events are from 2023"
    with pytest.raises(SystemExit) as refused:
        main(["admin", "inbox", "--since", "last tuesday"])
    assert refused.value.code == 2
    assert "an age like 7d or 2w" in capsys.readouterr().err


@pytest.mark.e2e
def test_inbox_of_a_real_conversation(rasa_server):
    """Chat through the REST channel; the inbox reads Rasa's own tracker store."""
    sender = "admin-inbox-visitor"
    for text in ["hello", "zxqv blorf wibble", "Zxqv blorf wibble!", "/restart",
                 "do you sell umbrellas for giraffes"]:  # fmt: skip
        rasa_server.chat(sender, text)
    rows = build_inbox(rasa_server.settings.tracker_store_url, PROJECT_ROOT)
    mine = {r.text.lower().rstrip("!"): r for r in rows}
    assert "hello" not in mine and "/restart" not in mine
    gibberish = mine["zxqv blorf wibble"]
    assert gibberish.count == 2 and gibberish.answers
    assert "do you sell umbrellas for giraffes" in mine
    confidences = [(r.intent != "nlu_fallback", r.confidence) for r in rows]
    assert confidences == sorted(confidences)


def test_form_answers_and_contact_details_are_never_offered(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    write_events(url, {"katrin": enquiry(), "jonas": handoff()})
    rows = build_inbox(url, PROJECT_ROOT)
    assert sorted(r.text for r in rows) == [
        "could I speak to a person",
        "do the rollers come in blue",
        "how long does delivery to Austria take",
        "we need 250 rollers by 2025",
        "will they call me today",
    ]
    shown = json.dumps([row.as_dict() for row in rows], ensure_ascii=False)
    assert not [detail for detail in PERSONAL if detail in shown]


def test_rows_show_the_bot_around_them_with_the_visitors_details_blanked(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    write_events(url, {"katrin": enquiry(), "jonas": handoff()})
    rows = {row.text: row for row in build_inbox(url, PROJECT_ROOT)}
    blue = rows["do the rollers come in blue"]
    assert blue.bot_before == "Which products would you like a quote for?"
    assert blue.answers[0] == "The foot roller is natural beech."
    delivery = rows["how long does delivery to Austria take"]
    assert delivery.bot_before == (
        "Thank you, [contact_name]! Our sales team will reply to [email]."
    )
    assert rows["will they call me today"].bot_before.startswith("Thanks, [contact_name]. ")


def test_a_form_begun_before_since_still_hides_its_answers(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    events = [
        user("could I speak to a person", "human_handoff", 0.88),
        *form_starts(HANDOFF, "contact_name", "What's your name?",
                     "utter_ask_handoff_form_contact_name"),
        user("Jonas Gruber", "human_handoff", 0.41),
        user("forget it", "stop", 0.9), action("action_deactivate_loop"), active_loop(None),
        slot("requested_slot", None), bot("Okay, I won't pass it on.", "utter_handoff_cancelled"),
        user("do you deliver to Tyrol", "ask_commercial", 0.5),
    ]  # fmt: skip
    write_events(url, {"jonas": events}, start=1_700_000_000.0)
    name_sent_at = 1_700_000_000.0 + [e.get("text") for e in events].index("Jonas Gruber")
    rows = build_inbox(url, PROJECT_ROOT, since=name_sent_at)
    assert [r.text for r in rows] == ["do you deliver to Tyrol"]


def test_fallback_rows_show_how_unsure_the_model_really_was(tmp_path, project, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    guesses = [("ask_product", 0.23), ("out_of_scope", 0.2)]
    write_events(url, {"v": [
        user("recite a limerick about the roller", "nlu_fallback", 0.4, ranking=guesses),
        bot("Sorry, I didn't get that."),
        user("is the calf massager loud", "ask_product", 0.35), bot("It hums quietly."),
    ]})  # fmt: skip
    use_project(monkeypatch, project, url)
    assert main(["admin", "inbox", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["text"], r["confidence"], r["suggestion"]) for r in rows] == [
        ("recite a limerick about the roller", 0.23, "ask_product"),
        ("is the calf massager loud", 0.35, "ask_product"),
    ]
    assert main(["admin", "inbox", "--max-confidence", "0.3"]) == 0
    (header, line) = capsys.readouterr().out.splitlines()
    assert " 0.23  nlu_fallback→ask_product " in line and "0.40" not in line
