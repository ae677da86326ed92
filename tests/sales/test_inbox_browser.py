"""The inbox in headless Chromium: what a sales person does on a Monday morning.

Skips, with the reason in the summary, when Chromium or Playwright is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sales.conftest import ATTACK, PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.set_default_timeout(10_000)
    dialogs = []
    new_page = context.new_page()
    new_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield new_page
    context.close()
    assert dialogs == [], "visitor text ran as script"


def test_follow_up_a_lead(page, inbox, leads, artifacts):
    from playwright.sync_api import expect

    page.goto(inbox.url + "/")
    expect(page).to_have_url(inbox.url + "/login?next=/")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("Nothing reaches the sales team")
    expect(page.locator("table.leads tbody tr")).to_have_count(4)
    expect(page.locator("table.leads")).to_contain_text(ATTACK)  # shown as text, not run
    page.screenshot(path=str(artifacts / "sales-inbox-list.png"), full_page=True)

    page.get_by_label("Priority").select_option("hot")
    page.get_by_label("Search").fill("serenity")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.leads tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Serenity Spa Ltd")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Export CSV").click()
    exported = Path(downloading.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(exported) == 2 and "Serenity Spa Ltd" in exported[1], exported

    rows.first.get_by_role("link", name=leads["hot"]).click()
    expect(page.get_by_role("heading", name="Ana Costa")).to_be_visible()
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("About 20 rollers and 5 calf massagers")
    expect(transcript.locator(".msg")).to_have_count(4)
    expect(transcript.locator(".msg-visitor .meta")).to_have_count(2)
    expect(transcript.locator(".msg-visitor").first).to_contain_text("Visitor")
    expect(transcript.locator(".msg-visitor").last).to_contain_text("About 20 rollers")
    expect(transcript.locator(".msg-bot").first).to_contain_text("Assistant")

    page.get_by_label("New status").select_option("contacted")
    page.get_by_label("Note for the history").fill("Called Ana, sending samples on Monday.")
    page.get_by_role("button", name="Update status").click()

    expect(page.get_by_role("status")).to_have_text("Status changed to contacted.")
    expect(page.locator(".badges .status")).to_have_text("contacted")
    expect(page.locator("#history li").first).to_contain_text("sending samples on Monday")
    page.screenshot(path=str(artifacts / "sales-inbox.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(inbox.url + "/login")
    page.goto(inbox.url + f"/leads/{leads['hot']}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_answer_a_visitor_who_asked_for_a_person(page, inbox, leads, person_request, artifacts):
    from playwright.sync_api import expect

    page.goto(inbox.url + "/login")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    waiting = page.locator("#requests")
    expect(waiting.get_by_role("heading")).to_have_text("Waiting to talk to a person (1)")
    expect(waiting).to_contain_text("Can I talk to someone about bulk pricing?")
    page.screenshot(path=str(artifacts / "sales-inbox-with-request.png"), full_page=True)

    waiting.get_by_role("link", name=person_request).click()
    expect(page.get_by_role("heading", name="Mia Roth")).to_be_visible()
    transcript = page.locator("#transcript")
    expect(transcript.locator(".msg-visitor")).to_contain_text("bulk pricing")
    expect(transcript.locator(".msg-visitor .meta")).to_contain_text("Visitor")
    expect(transcript.locator(".msg-bot .meta")).to_contain_text("Assistant")
    page.screenshot(path=str(artifacts / "sales-inbox-request.png"), full_page=True)

    page.get_by_role("button", name="Close request").click()
    expect(page.get_by_role("status")).to_have_text("Request closed.")
    page.get_by_role("link", name="← All leads and requests").click()
    expect(page.locator("#requests")).to_have_count(0)

    page.locator("table.leads").get_by_role("link", name=leads["hot"]).click()
    page.get_by_label("Note (the status stays as it is)").fill("Mia's clinic is related; call both")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_have_text("Note added.")
    expect(page.locator("#history li").first).to_contain_text("call both")
    expect(page.locator(".badges .status")).to_have_text("new")
