"""The inbox over real HTTP: login, CSRF, status changes and escaping of visitor text."""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import replace

import pytest

from bot.db.unit_of_work import unit_of_work_factory
from bot.leads.services import get_lead
from bot.sales.server import COOKIE
from bot.sales.startup import InboxConfigError, make_server
from tests.sales.conftest import ATTACK, PASSWORD
from tests.sales.support import InboxClient
from tests.support.threads import running

ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def test_health_needs_no_login(client):
    response = client.get("/healthz")
    assert (response.status, response.body) == (200, "ok\n")


@pytest.mark.parametrize("path", ["/", "/leads/FM-2026-000001", "/nowhere"])
def test_pages_redirect_to_login(client, leads, path):
    response = client.get(path)
    assert response.status == 303
    assert response.location == "/login?next=" + path
    assert "Ana Costa" not in response.body


def test_wrong_password_is_refused(client, leads):
    response = client.post("/login", {"password": "guess", "next": "/"})
    assert response.status == 401
    assert "not right" in response.body and client.cookie is None
    assert client.get("/").status == 303


def test_login_sets_a_strict_http_only_cookie_and_returns_to_next(client, leads):
    response = client.post("/login", {"password": PASSWORD, "next": f"/leads/{leads['hot']}"})
    assert (response.status, response.location) == (303, f"/leads/{leads['hot']}")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    page = client.get(f"/leads/{leads['hot']}")
    assert page.status == 200 and "Ana Costa" in page.body
    assert page.headers["cache-control"] == "no-store"
    assert "script-src" not in page.headers["content-security-policy"]  # no scripts at all


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_login_never_redirects_off_site(client, target):
    response = client.post("/login", {"password": PASSWORD, "next": target})
    assert response.location == "/"


def test_forged_cookie_is_refused(client, leads):
    client.cookie = f"{COOKIE}=9999999999.nonce.c2lnbmF0dXJl"
    assert client.get("/").status == 303


def test_list_shows_every_column_and_escapes_visitor_text(signed_in, leads):
    body = signed_in.get("/").body
    for text in (
        leads["hot"],
        "Serenity Spa Ltd",
        "Spa / wellness",
        "foot roller × 20",
        "Tom Berg",
    ):
        assert text in body
    assert ATTACK not in body and ESCAPED in body
    assert body.index(leads["cold"]) < body.index(leads["hot"])  # newest first


def test_lead_detail_shows_everything_escaped(signed_in, leads):
    body = signed_in.get(f"/leads/{leads['cold']}").body
    assert ATTACK not in body and ESCAPED in body and f"Note {ESCAPED}" in body
    hot = signed_in.get(f"/leads/{leads['hot']}").body
    for text in ("ana@serenity.example", "+44 20 7946 0000", "next quarter", "5000 EUR",
                 "Please send a catalogue.", "deep calf massager", "may contact me",
                 "About 20 rollers and 5 calf massagers", "submitted", "Team"):  # fmt: skip
        assert text in hot, text


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("?priority=hot", ["hot", "old"], ["warm", "cold"]),
        ("?priority=warm", ["warm"], ["hot", "cold", "old"]),
        ("?text=nordic", ["warm"], ["hot", "cold", "old"]),
        ("?since=2026-01-01", ["hot", "warm", "cold"], ["old"]),
        ("?since=30d&priority=hot", ["hot"], ["warm", "cold", "old"]),
        ("?status=won", [], ["hot", "warm", "cold", "old"]),
    ],
)
def test_list_filters(signed_in, leads, query, shown, hidden):
    body = signed_in.get("/" + query).body
    for role in shown:
        assert leads[role] in body, role
    for role in hidden:
        assert leads[role] not in body, role


def test_unreadable_filter_is_explained(signed_in, leads):
    response = signed_in.get("/?since=last+tuesday")
    assert response.status == 400 and "a date like 2026-03-01" in response.body


def test_status_change_needs_the_session_csrf_token(signed_in, inbox, leads, database_url):
    path = f"/leads/{leads['hot']}/status"
    form = {"status": "contacted", "note": "called"}
    assert signed_in.post(path, form).status == 403
    assert signed_in.post(path, dict(form, csrf="forged")).status == 403
    other = InboxClient(inbox.url)
    other.post("/login", {"password": PASSWORD})
    foreign = other.get("/").csrf()  # a valid token, but of another session
    assert signed_in.post(path, dict(form, csrf=foreign)).status == 403
    assert get_lead(unit_of_work_factory(database_url)(), leads["hot"])["status"] == "new"


def test_status_change_without_session_goes_to_login(client, leads, database_url):
    response = client.post(f"/leads/{leads['hot']}/status", {"status": "won", "csrf": "x"})
    assert (response.status, response.location) == (303, "/login")


def test_status_change_is_saved_with_history(signed_in, leads, database_url):
    reference = leads["hot"]
    csrf = signed_in.get(f"/leads/{reference}").csrf()
    form = {"csrf": csrf, "status": "quoted", "note": "Quote <b>#42</b> sent"}
    response = signed_in.post(f"/leads/{reference}/status", form)
    assert (response.status, response.location) == (303, f"/leads/{reference}?updated=1")
    lead = get_lead(unit_of_work_factory(database_url)(), reference)
    assert lead["status"] == "quoted"
    assert lead["history"][-1] | {"at": None} == {
        "from": "new", "to": "quoted", "note": "Quote <b>#42</b> sent", "at": None,
    }  # fmt: skip
    page = signed_in.get(response.location).body
    assert "Status changed to quoted." in page and "Quote &lt;b&gt;#42&lt;/b&gt; sent" in page


def test_same_status_again_is_explained(signed_in, leads):
    csrf = signed_in.get("/").csrf()
    response = signed_in.post(f"/leads/{leads['hot']}/status", {"csrf": csrf, "status": "new"})
    assert response.status == 409 and "already new" in response.body


def test_unknown_lead_is_not_found(signed_in, leads):
    assert signed_in.get("/leads/FM-1999-000001").status == 404
    csrf = signed_in.get("/").csrf()
    response = signed_in.post("/leads/FM-1999-000001/status", {"csrf": csrf, "status": "won"})
    assert response.status == 404


def test_logout_clears_the_cookie(signed_in, leads):
    csrf = signed_in.get("/").csrf()
    response = signed_in.post("/logout", {"csrf": csrf})
    assert (response.status, response.location) == (303, "/login")
    assert "Max-Age=0" in response.headers["set-cookie"] and signed_in.cookie is None
    assert signed_in.get("/").status == 303


def test_a_second_instance_accepts_the_session(signed_in, inbox_settings, leads):
    """No session lives in a process: a load balancer may send the next request elsewhere."""
    with running(make_server(inbox_settings, port=0)) as second:
        other = InboxClient(second.url)
        other.cookie = signed_in.cookie
        assert other.get("/").status == 200


def test_refuses_to_start_without_a_password_hash(inbox_settings):
    from dataclasses import replace

    with pytest.raises(InboxConfigError, match="SALES_INBOX_PASSWORD_HASH"):
        make_server(replace(inbox_settings, sales_inbox_password_hash=None), port=0)
    with pytest.raises(InboxConfigError, match="not usable"):
        make_server(replace(inbox_settings, sales_inbox_password_hash="hunter2"), port=0)


def test_the_lead_list_says_so_when_no_channel_would_notify_sales(signed_in, leads):
    assert "Nothing reaches the sales team" in signed_in.get("/").body


def test_no_banner_once_a_channel_is_configured(inbox_settings, leads):
    settings = replace(inbox_settings, slack_webhook_url="https://hooks.example.test/T/B/X")
    with running(make_server(settings, port=0)) as server:
        client = InboxClient(server.url)
        client.post("/login", {"password": PASSWORD, "next": "/"})
        page = client.get("/").body
    assert "Leads" in page and "Nothing reaches the sales team" not in page


def test_a_note_goes_into_the_history_and_the_status_stays(signed_in, leads, database_url):
    path = f"/leads/{leads['hot']}"
    csrf = signed_in.get(path).csrf()
    response = signed_in.post(path + "/note", {"note": "Left a voicemail", "csrf": csrf})
    assert (response.status, response.location) == (303, path + "?noted=1")
    page = signed_in.get(path + "?noted=1").body
    assert "Note added." in page and "Left a voicemail" in page
    lead = get_lead(unit_of_work_factory(database_url)(), leads["hot"])
    assert lead["status"] == "new" and lead["history"][-1]["note"] == "Left a voicemail"
    empty = signed_in.post(path + "/note", {"note": "  ", "csrf": csrf})
    assert empty.status == 409 and "a note needs some text" in empty.body
    assert signed_in.post(path + "/note", {"note": "forged"}).status == 403


def test_requests_to_talk_to_a_person_are_listed_shown_and_closed(signed_in, leads, person_request):
    listing = signed_in.get("/").body
    assert "Waiting to talk to a person (1)" in listing and person_request in listing
    assert person_request in signed_in.get("/?text=bulk+pricing").body
    assert "Waiting to talk to a person" not in signed_in.get("/?text=serenity").body

    page = signed_in.get(f"/requests/{person_request}")
    assert page.status == 200
    assert "Mia Roth" in page.body and "mia@physio.example" in page.body
    assert 'class="msg msg-visitor"' in page.body and "Visitor ·" in page.body
    closed = signed_in.post(f"/requests/{person_request}/close", {"csrf": page.csrf()})
    assert (closed.status, closed.location) == (303, f"/requests/{person_request}?closed=1")
    assert "Request closed." in signed_in.get(f"/requests/{person_request}?closed=1").body
    assert "Waiting to talk to a person" not in signed_in.get("/").body
    again = signed_in.post(f"/requests/{person_request}/close", {"csrf": page.csrf()})
    assert again.status == 409 and "already closed" in again.body


def test_an_unknown_request_is_not_found(signed_in, leads):
    assert signed_in.get("/requests/HO-2026-999999").status == 404


def test_csv_export_gives_what_the_filters_show(signed_in, leads, inbox):
    everything = signed_in.get("/export.csv")
    assert everything.status == 200
    assert everything.headers["content-type"].startswith("text/csv")
    assert everything.headers["content-disposition"].startswith('attachment; filename="leads-')
    rows = list(csv.DictReader(io.StringIO(everything.body)))
    assert sorted(row["reference"] for row in rows) == sorted(leads.values())
    hot = list(csv.DictReader(io.StringIO(signed_in.get("/export.csv?priority=hot").body)))
    assert sorted(row["reference"] for row in hot) == sorted([leads["hot"], leads["old"]])
    attack = next(row for row in rows if row["name"].startswith("<script"))
    assert attack["name"] == ATTACK  # as typed: it is data in a CSV, not markup
    bad = signed_in.get("/export.csv?since=last+tuesday")
    assert bad.status == 400 and "cannot read" in bad.body
    assert InboxClient(inbox.url).get("/export.csv").status == 303, "signed in only"
    assert 'href="/export.csv?priority=hot"' in signed_in.get("/?priority=hot").body


ODD_SENDER = "web:ünï code/1?x=<b>"


@pytest.fixture
def reviewing(inbox_settings, leads, tmp_path):
    """A signed-in inbox whose tracker store holds three scripted conversations."""
    from tests.admin.events import action, answer, form_asks, form_starts, user, write_events

    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    left = [
        user("a quote please", "request_quote", 0.9),
        *form_starts("lead_form", "buyer_type", "Who is it for?"),
        *answer("a spa", "buyer_type"),
        *form_asks("lead_form", "lead_items", "Which?"),
    ]
    write_events(tracker, {
        "visitor-1": left,
        "visitor-2": [user("what is reflexology", "faq", 0.9, topic="what_is_reflexology")],
        ODD_SENDER: [user("blorp", "nlu_fallback", 0.4, ranking=[("greet", 0.21)]),
                     action("action_default_fallback")],
    }, start=1_772_409_600.0)  # 2026-03-02  # fmt: skip
    settings = replace(inbox_settings, tracker_store_url=tracker)
    with running(make_server(settings, port=0)) as server:
        client = InboxClient(server.url)
        client.post("/login", {"password": PASSWORD, "next": "/"})
        yield client


def test_usage_page_draws_the_funnel_of_the_conversations(reviewing):
    assert 'href="/usage"' in reviewing.get("/").body
    page = reviewing.get("/usage?since=2026-03-01")
    assert page.status == 200
    assert "Enquiry funnel" in page.body and page.body.count("<svg") == 3
    assert '<td>Products and quantities</td><td class="n">1</td><td class="n">1</td>' in (
        page.body
    )  # reached the products question, and left there
    assert "what is reflexology" in page.body
    bad = reviewing.get("/usage?since=yesterday-ish")
    assert bad.status == 400 and "cannot read" in bad.body


def test_conversations_worth_a_look_and_one_in_context(reviewing):
    def listed(show: str) -> str:
        return reviewing.get(f"/conversations?show={show}&since=2026-03-01").body

    assert "web:ünï code/1?x=&lt;b&gt;" in listed("fallbacks") and "visitor-1" not in listed(
        "fallbacks"
    )
    abandoned = listed("abandoned")
    assert "visitor-1" in abandoned and "left at Products and quantities" in abandoned
    assert all(name in listed("all") for name in ("visitor-1", "visitor-2", "web:"))

    link = re.search(r'href="(/conversation\?id=[^"]+)"', listed("fallbacks")).group(1)
    page = reviewing.get(html.unescape(link))
    assert page.status == 200 and "web:ünï code/1?x=&lt;b&gt;" in page.body
    assert "not understood</span> best guess greet (0.21)" in page.body
    assert reviewing.get("/conversation?id=nobody").status == 404


def test_a_lead_links_to_its_conversation_in_review(signed_in, leads):
    page = signed_in.get(f"/leads/{leads['hot']}").body
    assert 'href="/conversation?id=c-hot"' in page and "What the bot understood" in page
