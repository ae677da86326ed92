"""The chat widget in a real browser, talking to the real Rasa server.

Assertions only rely on what holds for any sensible model: a greeting gets a
non-empty reply, and "what can you do?" gets suggested replies (buttons).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python").expect

STORAGE_PREFIX = "solecare-chat:v1:"


def test_greeting_gets_a_reply(web_site, widget):
    widget.visit(web_site.url).open()

    reply = widget.ask("hello")

    expect(widget.visitor_bubbles.last).to_have_text("hello")
    assert reply.inner_text().strip()
    expect(widget.page.locator(".scw-typing")).to_be_hidden()


def test_quick_reply_sends_its_payload_and_disables_the_buttons(web_site, widget, artifacts):
    widget.visit(web_site.url).open()
    widget.ask("what can you do?")
    groups = widget.page.locator(".scw-quick")
    expect(groups.first).to_be_visible()
    # Pinned by position: the answer to the click may bring buttons of its own.
    buttons = groups.nth(groups.count() - 1).get_by_role("button")
    title = buttons.first.inner_text()
    replies_before = widget.bot_bubbles.count()

    buttons.first.click()

    expect(widget.visitor_bubbles.last).to_have_text(title)
    expect(widget.bot_bubbles.nth(replies_before)).to_be_visible()
    for index in range(buttons.count()):
        expect(buttons.nth(index)).to_be_disabled()
    expect(widget.input).to_be_focused()
    widget.page.mouse.move(0, 0)  # no hover highlight in the screenshot
    widget.page.screenshot(path=str(artifacts / "widget.png"))


def test_reload_keeps_the_conversation(web_site, widget):
    widget.visit(web_site.url).open()
    reply_text = widget.ask("hello").inner_text()

    widget.page.reload()
    widget.open()

    expect(widget.visitor_bubbles.last).to_have_text("hello")
    expect(widget.bot_bubbles.last).to_have_text(reply_text)


def test_new_conversation_clears_history_and_session(web_site, widget):
    widget.visit(web_site.url).open()
    widget.ask("hello")
    session_key = STORAGE_PREFIX + web_site.bot_url + ":session"
    old_session = widget.page.evaluate("key => localStorage.getItem(key)", session_key)

    widget.page.get_by_role("button", name="Start a new conversation").click()

    expect(widget.visitor_bubbles).to_have_count(0)
    expect(widget.bot_bubbles).to_have_count(1)  # only the local welcome line
    new_session = widget.page.evaluate("key => localStorage.getItem(key)", session_key)
    assert new_session and new_session != old_session
    widget.page.reload()
    widget.open()
    expect(widget.visitor_bubbles).to_have_count(0)


def test_keyboard_only(web_site, widget):
    widget.visit(web_site.url)
    page = widget.page
    for _ in range(60):
        page.keyboard.press("Tab")
        if widget.launcher.evaluate("node => node === document.activeElement"):
            break
    expect(widget.launcher).to_be_focused()

    page.keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    before = widget.bot_bubbles.count()
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    expect(widget.bot_bubbles.nth(before)).to_be_visible()

    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_markup_typed_by_the_visitor_is_shown_as_text(web_site, widget, dialogs):
    attack = "<img src=x onerror=alert(1)>"
    widget.visit(web_site.url).open()

    widget.ask(attack)

    expect(widget.visitor_bubbles.last).to_have_text(attack)
    expect(widget.log.locator("img")).to_have_count(0)
    assert dialogs == []


def test_phone_width_uses_the_whole_screen(web_site, widget, artifacts):
    widget.page.set_viewport_size({"width": 375, "height": 740})
    widget.visit(web_site.url).open()
    widget.ask("hello")

    # The panel rises into place (0.18 s); measure where it comes to rest.
    widget.panel.evaluate("panel => Promise.all(panel.getAnimations().map(a => a.finished))")
    box = widget.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 740}
    expect(widget.launcher).to_be_hidden()
    send = widget.page.get_by_role("button", name="Send message").bounding_box()
    assert send["x"] + send["width"] <= 375
    widget.page.screenshot(path=str(artifacts / "widget-phone.png"))
