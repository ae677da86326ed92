"""Usage figures from scripted conversations: per day, topics, fallbacks and the enquiry funnel."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.admin.analytics import conversations, report
from bot.admin.inbox import read_events
from bot.admin.usage_report import render
from bot.cli import main
from tests.admin.conftest import use_project
from tests.admin.events import (
    action,
    answer,
    bot,
    form_asks,
    form_ends,
    form_starts,
    slot,
    user,
    write_events,
)

DAY = 86_400.0
MONDAY = 1_772_409_600.0  # 2026-03-02 00:00 UTC


def quote_request() -> list:
    return [user("I'd like a quote", "request_quote", 0.95)] + form_starts(
        "lead_form", "buyer_type", "Who are the products for?"
    )


def enquiry_until(last_question: str) -> list:
    """An enquiry that answers every question up to ``last_question``, which it leaves open."""
    script = quote_request()
    steps = [
        ("buyer_type", "a spa", "lead_items"),
        ("lead_items", "20 rollers", "organisation"),
        ("organisation", "Serenity Spa", "contact_name"),
        ("contact_name", "Ana Costa", "email"),
        ("email", "ana@spa.example", "phone"),
    ]
    for asked, reply, following in steps:
        if asked == last_question:
            return script
        script += answer(reply, asked) + form_asks("lead_form", following, f"Your {following}?")
    return script


def submitted_enquiry() -> list:
    script = quote_request() + answer("personal use", "buyer_type")
    script += form_asks("lead_form", "lead_items", "Which products?")
    script += answer("2 rollers", "lead_items")  # a personal buyer: no organisation question
    for name, reply in (("contact_name", "Sam"), ("email", "sam@example.org"),
                        ("phone", "skip"), ("country", "UK"), ("timeline", "soon"),
                        ("budget", "skip"), ("notes", "none"), ("consent", "yes"),
                        ("lead_confirmed", "yes")):  # fmt: skip
        script = script[:] + form_asks("lead_form", name, "?")[1:2] + answer(reply, name)
    return script + form_ends("lead_form") + [action("action_submit_lead"),
                                              slot("lead_reference", "FM-2026-000001")]  # fmt: skip


CONVERSATIONS = {
    "asks-two-things": [
        user("what is reflexology", "faq", 0.9, topic="what_is_reflexology"),
        bot("Reflexology is ..."),
        user("does it help circulation", "faq", 0.8, topic="circulation"),
        user("blorp", "nlu_fallback", 0.4),
        action("action_default_fallback"),
    ],
    "leaves-at-email": enquiry_until("email"),
    "leaves-at-products": enquiry_until("lead_items"),
    "submits": submitted_enquiry(),
    "understood-but-lost": [
        user("tell me about the roller", "ask_product", 0.9),
        action("action_default_fallback"),
    ],
}
STARTS = {"asks-two-things": MONDAY, "leaves-at-email": MONDAY + 3600,
          "leaves-at-products": MONDAY + DAY, "submits": MONDAY + DAY + 60,
          "understood-but-lost": MONDAY + 3 * DAY}  # fmt: skip


@pytest.fixture
def tracker(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    for sender, events in CONVERSATIONS.items():
        write_events(url, {sender: events}, start=STARTS[sender])
    return url


def test_the_funnel_counts_who_reached_each_question_and_where_they_left(tracker):
    figures = report(conversations(read_events(tracker)))
    steps = {step.name: (step.reached, step.dropped) for step in figures.funnel}
    assert steps["started"] == (3, 0)
    assert steps["buyer_type"] == (3, 0)
    assert steps["lead_items"] == (3, 1), "one left at the products question"
    assert steps["organisation"] == (1, 0), "the personal buyer was never asked"
    assert steps["email"] == (2, 1), "one left at the e-mail question"
    assert steps["lead_confirmed"] == (1, 0)
    assert steps["submitted"] == (1, 0)
    assert [step.name for step in figures.funnel][0] == "started"
    assert [step.name for step in figures.funnel][-1] == "submitted"


def test_days_topics_and_fallbacks(tracker):
    figures = report(conversations(read_events(tracker)))
    assert figures.conversations == 5
    assert figures.per_day == [(date(2026, 3, 2), 2), (date(2026, 3, 3), 2),
                               (date(2026, 3, 4), 0), (date(2026, 3, 5), 1)]  # fmt: skip
    topics = dict(figures.topics)
    assert topics["what is reflexology"] == 1 and topics["circulation"] == 1
    assert topics["asking for a quote"] == 3 and topics["a product"] == 1
    assert figures.fallbacks == 2, "a fallback classification and a dialogue fallback"
    assert figures.fallback_rate == pytest.approx(2 / figures.messages)


def test_the_report_page_draws_each_chart_beside_its_numbers(tracker):
    page = render(report(conversations(read_events(tracker))), "2026-03-01")
    for section in ("per-day", "topics", "funnel"):
        block = re.search(rf'<section id="{section}">(.*?)</section>', page, re.S).group(1)
        assert "<svg" in block and "<table>" in block
    assert "<script" not in page
    assert "1 left here" in page and "Submitted" in page


def test_stats_command_prints_the_funnel_and_writes_the_page(
    tracker, project, monkeypatch, capsys, tmp_path
):
    use_project(monkeypatch, project, tracker)
    page = tmp_path / "usage.html"
    assert main(["admin", "stats", "--html", str(page)]) == 0
    out = capsys.readouterr().out
    assert "Conversations: 5 (all conversations)" in out
    assert re.search(r"Enquiry started\s+3\s+0\s+100%", out), out
    assert re.search(r"Submitted\s+1\s+0\s+33%", out), out
    assert "<svg" in page.read_text()
    assert main(["admin", "stats", "--since", "2030-01-01"]) == 0
    assert "Conversations: 0 (since 2030-01-01 00:00 UTC)" in capsys.readouterr().out
