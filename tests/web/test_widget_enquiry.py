"""A product answer and a whole enquiry in the chat widget, against the real Rasa stack.

The visitor only types and clicks in the page; the stored lead is then read from the
stack's leads database to prove the enquiry really arrived.
"""

from __future__ import annotations

import uuid
from typing import Callable, List

import pytest

from bot.db.unit_of_work import unit_of_work_factory
from bot.leads import services
from bot.leads.intake import fields as f
from tests.enquiry import ASK, REFERENCE

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python").expect

# One turn through the form on a busy 2-core machine can take a few seconds.
REPLY_TIMEOUT_MS = 30_000
STORAGE_PREFIX = "solecare-chat:v1:"
BOT_ROWS = ".scw-row--bot:not(.scw-typing)"


class Chat:
    """Turns in the widget: act like a visitor, then wait for and read the bot's whole answer.

    ``answer`` is the text of the bot's bubbles of the latest turn; ``offered`` the quick
    replies that came with it (``None`` when the answer brought no buttons).
    """

    def __init__(self, widget) -> None:
        self.widget = widget
        self.page = widget.page
        self.rows = self.page.locator(BOT_ROWS)
        self.groups = self.page.locator(f"{BOT_ROWS} .scw-quick")
        self.typing = self.page.locator(".scw-typing")
        self.answer = ""
        self.offered = None

    def _turn(self, act: Callable[[], None], shown: str, asks: str | None) -> str:
        rows_before, groups_before = self.rows.count(), self.groups.count()
        act()
        expect(self.widget.visitor_bubbles.last).to_have_text(shown)
        # Replies to one message are added together, then the typing dots go.
        expect(self.rows.nth(rows_before)).to_be_attached(timeout=REPLY_TIMEOUT_MS)
        expect(self.typing).to_be_hidden(timeout=REPLY_TIMEOUT_MS)
        bubbles: List[str] = []
        for index in range(rows_before, self.rows.count()):
            bubbles += self.rows.nth(index).locator(".scw-bubble").all_inner_texts()
        self.answer = "\n".join(bubbles)
        groups = self.groups.count()
        self.offered = self.groups.nth(groups - 1) if groups > groups_before else None
        if asks is not None:
            assert ASK[asks] in self.answer.lower(), f"after {shown!r} got {self.answer!r}"
        return self.answer

    def say(self, text: str, asks: str | None = None) -> str:
        return self._turn(lambda: self.widget.send(text), text, asks)

    def button_titles(self) -> List[str]:
        assert self.offered is not None, f"no quick replies with {self.answer!r}"
        return self.offered.get_by_role("button").all_inner_texts()

    def click(self, title: str, asks: str | None = None) -> str:
        assert title in self.button_titles(), f"no {title!r} button with {self.answer!r}"
        button = self.offered.get_by_role("button", name=title, exact=True)
        expect(button).to_be_enabled()
        return self._turn(button.click, title, asks)


def test_product_question_is_answered_with_its_source(web_site, widget):
    widget.visit(web_site.url).open()
    chat = Chat(widget)

    answer = chat.say("What is the whole leg massager?")

    assert "air compression" in answer.lower(), answer
    assert "Source: article" in answer, answer


def test_enquiry_completed_in_the_widget_is_stored(web_site, widget, rasa_server, artifacts):
    email = f"alex.{uuid.uuid4().hex[:8]}@example.com"
    widget.visit(web_site.url).open()
    chat = Chat(widget)

    chat.say("I'd like a quote for 2 foot rollers", asks=f.BUYER_TYPE)
    (personal,) = [t for t in chat.button_titles() if "personal" in t.lower()]
    # Products came with the opening message; personal use skips the organisation.
    chat.click(personal, asks=f.NAME)
    chat.say("Alex Morgan", asks=f.EMAIL)
    chat.say(email, asks=f.PHONE)
    chat.click("Skip", asks=f.COUNTRY)
    chat.say("Portugal", asks=f.TIMELINE)
    timeline = chat.button_titles()[0]
    chat.click(timeline, asks=f.BUDGET)
    chat.click("Skip", asks=f.NOTES)
    chat.click("Skip", asks=f.CONSENT)
    summary = chat.click("Yes, you may contact me", asks=f.CONFIRMED)
    assert "Foot roller" in summary and email in summary, summary
    done = chat.click("Submit")

    found = REFERENCE.search(done)
    assert found, done
    reference = found.group(0)
    expect(widget.bot_bubbles.last).to_contain_text(reference)
    expect(widget.page.get_by_role("button", name="Submit", exact=True)).to_be_disabled()
    widget.page.mouse.move(0, 0)  # no hover highlight in the screenshot
    widget.page.screenshot(path=str(artifacts / "widget-enquiry.png"))

    make_uow = unit_of_work_factory(rasa_server.settings.database_url)
    (lead,) = [r for r in services.list_leads(make_uow()) if r["reference"] == reference]
    assert lead["email"] == email
    assert (lead["name"], lead["buyer_type"], lead["organisation"]) == (
        "Alex Morgan", f.PERSONAL, None,
    )  # fmt: skip
    assert (lead["country"], lead["timeline"]) == ("Portugal", timeline)
    assert (lead["phone"], lead["budget"], lead["notes"]) == (None, None, None)
    assert lead["items"] == [{"product": "foot_roller", "quantity": 2}]
    session_key = STORAGE_PREFIX + web_site.bot_url + ":session"
    session = widget.page.evaluate("key => JSON.parse(localStorage.getItem(key))", session_key)
    assert services.get_lead(make_uow(), reference)["conversation_id"] == session
