"""Helpers for the web tests: a server on a thread and a page object for the widget."""

from __future__ import annotations


class Widget:
    """What a visitor sees and does in the chat widget on a page."""

    BOT = ".scw-row--bot:not(.scw-typing) .scw-bubble"
    VISITOR = ".scw-row--user .scw-bubble"

    def __init__(self, page) -> None:
        self.page = page
        self.launcher = page.locator(".scw-launcher")
        self.panel = page.get_by_role("dialog")
        self.input = page.get_by_role("textbox", name="Your message")
        self.log = page.get_by_role("log")
        self.bot_bubbles = page.locator(self.BOT)
        self.visitor_bubbles = page.locator(self.VISITOR)
        self.retry = page.get_by_role("button", name="Try again")

    def visit(self, url: str) -> Widget:
        from playwright.sync_api import expect

        self.page.goto(url)
        expect(self.launcher).to_be_visible()
        return self

    def open(self) -> None:
        from playwright.sync_api import expect

        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.input).to_be_focused()

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def ask(self, text: str):
        """Send ``text`` and return the locator of the first bot bubble that answers it."""
        from playwright.sync_api import expect

        before = self.bot_bubbles.count()
        self.send(text)
        reply = self.bot_bubbles.nth(before)
        expect(reply).to_be_visible()
        return reply
