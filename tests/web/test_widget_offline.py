"""The chat widget when the bot cannot be reached or answers badly.

The page points at a closed port, so the first attempt fails for real; later
attempts are answered by Playwright's request routing to check recovery and
how bot replies are rendered.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python").expect

ATTACK = "<img src=x onerror=alert(1)>"


def answer_with(page, bot_url: str, replies=None, status: int = 200) -> None:
    """Let the browser's next requests to the bot get ``replies`` (CORS allowed)."""
    body = json.dumps(replies or [])

    def fulfil(route) -> None:
        route.fulfill(
            status=status,
            body=body,
            headers={
                "Content-Type": "application/json",
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Allow-Headers": "Content-Type",
            },
        )

    page.route(bot_url + "/webhooks/rest/webhook", fulfil)


def test_network_error_offers_a_retry_that_works(offline_site, widget):
    widget.visit(offline_site.url).open()
    widget.send("hello")

    expect(widget.retry).to_be_visible()
    expect(widget.page.locator(".scw-typing")).to_be_hidden()
    expect(widget.visitor_bubbles).to_have_count(1)

    answer_with(widget.page, offline_site.bot_url, [{"recipient_id": "x", "text": "Back again"}])
    widget.retry.click()

    expect(widget.bot_bubbles.last).to_have_text("Back again")
    expect(widget.retry).to_have_count(0)
    expect(widget.visitor_bubbles).to_have_count(1)  # the retry does not repeat the message


def test_server_error_offers_a_retry(offline_site, widget):
    widget.visit(offline_site.url).open()
    answer_with(widget.page, offline_site.bot_url, status=500)

    widget.send("hello")

    expect(widget.retry).to_be_visible()


def test_bot_text_is_rendered_as_text_with_safe_links(offline_site, widget, dialogs):
    widget.visit(offline_site.url).open()
    text = f"{ATTACK}\nSee **our range** at https://example.com/range. Not javascript:alert(1)"
    answer_with(
        widget.page,
        offline_site.bot_url,
        [
            {"recipient_id": "x", "text": text},
            {"recipient_id": "x", "image": "javascript:alert(1)"},
            {"recipient_id": "x", "image": "https://example.com/roller.png"},
        ],
    )

    reply = widget.ask("show me")

    expect(reply).to_contain_text(ATTACK)
    expect(reply.locator("br")).to_have_count(1)
    expect(reply.locator("strong")).to_have_text("our range")
    link = reply.get_by_role("link")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "https://example.com/range")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    images = widget.log.locator("img")
    expect(images).to_have_count(1)
    expect(images).to_have_attribute("src", "https://example.com/roller.png")
    expect(images).to_have_attribute("alt", "Image from the assistant")
    assert dialogs == []


def test_privacy_notice_links_to_the_privacy_page(offline_site, widget):
    widget.visit(offline_site.url).open()

    link = widget.panel.get_by_role("link", name="Privacy notice")

    expect(link).to_have_attribute("href", offline_site.url + "/privacy.html")


def test_call_to_action_opens_the_widget(offline_site, widget):
    widget.visit(offline_site.url)

    widget.page.get_by_role("button", name="Ask us / get a quote").first.click()

    expect(widget.panel).to_be_visible()
    expect(widget.input).to_be_focused()


def test_a_quick_reply_posts_its_payload_and_shows_its_title(offline_site, widget):
    widget.visit(offline_site.url).open()
    button = {"title": "Our products", "payload": "/ask_products"}
    answer_with(
        widget.page,
        offline_site.bot_url,
        [{"recipient_id": "x", "text": "Pick", "buttons": [button]}],
    )
    widget.ask("what can you do?")

    with widget.page.expect_request(offline_site.bot_url + "/webhooks/rest/webhook") as sent:
        widget.page.get_by_role("button", name="Our products").click()

    assert json.loads(sent.value.post_data)["message"] == "/ask_products"
    expect(widget.visitor_bubbles.last).to_have_text("Our products")
    # The fake answer repeats the buttons; the clicked (first) group is the one disabled.
    expect(widget.page.get_by_role("button", name="Our products").first).to_be_disabled()
