"""The sales pages as a sales person uses them: the work list, a lead, a request, the
CSV export and the usage report, on the fixtures' leads and request."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from typing import Dict

import pytest
from sqlalchemy import create_engine, text, update

from bot.db import get_session_factory
from bot.leads.models import Lead
from bot.leads.records import EXPORT_FIELDS
from tests.workspace.conftest import ATTACK, csrf_of, sign_in

ROW = re.compile(r'<tr class="row-(\w+)">\s*<td><a class="ref" href="[^"]+">([^<]+)</a>(.*?)</tr>',
                 re.S)  # fmt: skip
MESSAGE = re.compile(r'<p class="meta"><span class="speaker">(\w+):</span>[^<]*</p>\s*'
                     r'<div class="bubble prewrap">([^<]*)</div>')  # fmt: skip


def rows(html: str) -> Dict[str, str]:
    """The work list's rows: reference -> ``kind`` and the rest of the row's HTML."""
    return {reference: f"{kind} {rest}" for kind, reference, rest in ROW.findall(html)}


def listed(client, **filters) -> Dict[str, str]:
    response = client.get("/", params=filters)
    assert response.status_code == 200, response.text
    return rows(response.text)


def post(client, path: str, **fields):
    """Submit a form of the page at ``path``'s owner, with that page's CSRF token."""
    page = client.get(path.rsplit("/", 1)[0])
    return client.post(path, data={"csrf": csrf_of(page.text), **fields})


def history(html: str) -> str:
    return html[html.index('id="history"') : html.index("</ol>", html.index('id="history"'))]


# --- the work list -------------------------------------------------------------------------


def test_the_list_shows_leads_and_requests_with_kind_and_priority(sales, leads, person_request):
    found = listed(sales)
    assert set(found) == {*leads.values(), person_request}
    assert found[person_request].startswith("request")
    assert "Talk to a person" in found[person_request] and "waiting" in found[person_request]
    assert "bulk pricing" in found[person_request]
    for role in ("hot", "warm", "cold"):
        assert found[leads[role]].startswith("lead")
        assert "Enquiry" in found[leads[role]]
        assert f'class="priority priority-{role}"' in found[leads[role]]
    assert "Serenity Spa Ltd" in found[leads["hot"]]
    assert "foot roller × 20, deep calf massager × 5" in found[leads["hot"]]


def test_the_list_is_newest_first_and_counts_what_it_shows(sales, leads, person_request):
    page = sales.get("/").text
    order = list(rows(page))
    assert order[0] == person_request and order[-1] == leads["old"]
    assert "5 shown: 4 enquiries, 1 request to talk to a person" in page
    assert 'id="channel-warning"' in page  # the fixture has no notification channel


def test_a_name_with_markup_is_shown_as_text(sales, leads):
    for path in ("/", f"/leads/{leads['cold']}"):
        page = sales.get(path).text
        assert "&lt;script&gt;" in page
        assert "<script>alert" not in page


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"status": "new"}, {"hot", "warm", "cold", "old"}),
        ({"status": "open"}, {"request"}),
        ({"status": "closed"}, set()),
        ({"priority": "hot"}, {"hot", "old"}),
        ({"priority": "cold"}, {"cold"}),
        ({"kind": "requests"}, {"request"}),
        ({"kind": "enquiries"}, {"hot", "warm", "cold", "old"}),
        ({"text": "NORDIC"}, {"warm"}),
        ({"text": "bulk pricing"}, {"request"}),
        ({"text": "mia@physio"}, {"request"}),
        ({"since": "30d"}, {"hot", "warm", "cold", "request"}),
        ({"since": "2025-01-01", "kind": "enquiries", "priority": "hot"}, {"hot", "old"}),
        ({"assigned": "nobody"}, {"hot", "warm", "cold", "old", "request"}),
        ({"assigned": "me"}, set()),
    ],
)
def test_filters_narrow_the_list(sales, leads, person_request, filters, expected):
    references = {**leads, "request": person_request}
    assert set(listed(sales, **filters)) == {references[name] for name in expected}


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"since": "last tuesday"}, "cannot read"),
        ({"status": "pending"}, "status must be one of"),
        ({"priority": "urgent"}, "priority must be one of"),
        ({"kind": "spam"}, "kind must be"),
    ],
)
def test_a_filter_value_that_makes_no_sense_is_refused_with_the_reason(sales, leads, filters,
                                                                        message):  # fmt: skip
    response = sales.get("/", params=filters)
    assert response.status_code == 400
    assert message in response.text
    assert rows(response.text) == {}


def test_the_export_link_carries_the_filters(sales, leads):
    page = sales.get("/", params={"status": "new", "text": "a&b"}).text
    assert 'href="/export.csv?status=new&amp;text=a%26b"' in page


# --- assignment ----------------------------------------------------------------------------


def test_work_assigned_to_sam_is_in_sams_list_and_its_history(sales, leads):
    lead = f"/leads/{leads['warm']}"
    response = post(sales, f"{lead}/assign", assignee="sam")
    assert response.status_code == 303 and response.headers["location"] == f"{lead}?done=assigned"
    assert set(listed(sales, assigned="me")) == {leads["warm"]}
    assert set(listed(sales, assigned="sam")) == {leads["warm"]}
    assert leads["warm"] not in listed(sales, assigned="nobody")
    page = sales.get(f"{lead}?done=assigned").text
    assert "Assignment changed." in page
    entry = history(page).split("<li>")[1]  # newest first
    assert "Assigned to sam." in entry and "by sam" in entry


def test_assign_to_me_gives_the_work_to_whoever_is_signed_in(admin, leads):
    lead = f"/leads/{leads['hot']}"
    assert post(admin, f"{lead}/assign", assignee="", to_me="1").status_code == 303
    assert set(listed(admin, assigned="me")) == {leads["hot"]}
    assert "by ada" in history(admin.get(lead).text)
    assert post(admin, f"{lead}/assign", assignee="").status_code == 303
    assert "Not assigned to anyone." in history(admin.get(lead).text)


def test_assigning_to_someone_without_an_account_is_refused(sales, leads):
    lead = f"/leads/{leads['hot']}"
    response = post(sales, f"{lead}/assign", assignee="mallory")
    assert response.status_code == 409
    assert "mallory is not an active user" in response.text
    assert leads["hot"] in listed(sales, assigned="nobody")


def test_assigning_to_whoever_has_it_already_says_so(sales, leads):
    lead = f"/leads/{leads['hot']}"
    post(sales, f"{lead}/assign", to_me="1")
    response = post(sales, f"{lead}/assign", assignee="sam")
    assert response.status_code == 409 and "already assigned to sam" in response.text


# --- one lead ------------------------------------------------------------------------------


def test_the_lead_page_shows_every_answer_and_the_priority(sales, leads):
    page = sales.get(f"/leads/{leads['hot']}").text
    answers = ("Ana Costa", "Serenity Spa Ltd", "ana@serenity.example", "Spa / wellness", "GB",
               "next quarter", "5000 EUR", "Please send a catalogue.", "deep calf massager",
               "✔ Granted", "may contact me about this enquiry")  # fmt: skip
    for answer in answers:
        assert answer in page, answer
    assert "scored 65 points: buyer type 25" in page
    assert 'href="/conversation?id=c-hot"' in page


def test_the_transcript_says_who_wrote_each_message(sales, leads):
    page = sales.get(f"/leads/{leads['hot']}").text
    assert MESSAGE.findall(page) == [
        ("Visitor", "Hi, we need foot rollers for our spa"),
        ("Assistant", "Happy to help! How many do you need?"),
        ("Visitor", "About 20 rollers and 5 calf massagers"),
        ("Assistant", "Thanks! Your reference is on its way."),
    ]


def test_a_status_change_is_recorded_from_and_to_with_its_note(sales, leads):
    lead = f"/leads/{leads['hot']}"
    response = post(sales, f"{lead}/status", status="contacted", note="  Called them.  ")
    assert response.headers["location"] == f"{lead}?done=status"
    page = sales.get(response.headers["location"]).text
    assert "Status changed." in page
    entry = history(page).split("<li>")[1]
    assert 'status-new">new</span> → <span class="status status-contacted' in entry
    assert '<p class="prewrap">Called them.</p>' in entry and "by sam" in entry
    assert set(listed(sales, status="contacted")) == {leads["hot"]}


def test_changing_to_the_status_a_lead_has_is_refused(sales, leads):
    response = post(sales, f"/leads/{leads['hot']}/status", status="new")
    assert response.status_code == 409
    assert f"{leads['hot']} is already new" in response.text
    assert "Assistant:" in response.text  # the whole page again, not a bare error


def test_a_note_is_kept_in_the_history_with_its_author(sales, leads):
    lead = f"/leads/{leads['warm']}"
    response = post(sales, f"{lead}/note", note="Left a voicemail <b>twice</b>")
    assert response.headers["location"] == f"{lead}?done=note"
    page = sales.get(response.headers["location"]).text
    assert "Note added." in page
    entry = history(page).split("<li>")[1]
    assert "Left a voicemail &lt;b&gt;twice&lt;/b&gt;" in entry and "by sam" in entry
    assert set(listed(sales, status="new")) >= {leads["warm"]}  # the status stayed


def test_an_empty_note_is_refused_and_a_long_one_cut(sales, leads):
    lead = f"/leads/{leads['warm']}"
    assert post(sales, f"{lead}/note", note="   ").status_code == 409
    post(sales, f"{lead}/note", note="x" * 5000)
    assert "x" * 2000 + "</p>" in history(sales.get(lead).text)


def test_the_done_notice_is_fixed_text_never_the_query(sales, leads):
    page = sales.get(f"/leads/{leads['hot']}", params={"done": "<b>hacked</b>"}).text
    assert "hacked" not in page and "alert-ok" not in page


def test_an_erased_conversation_has_no_review_link(sales, leads, database_url):
    session = get_session_factory(database_url)()
    with session.begin():
        session.execute(update(Lead).where(Lead.reference == leads["hot"])
                        .values(conversation_id="erased-2"))  # fmt: skip
    session.close()
    assert "/conversation?" not in sales.get(f"/leads/{leads['hot']}").text


@pytest.mark.parametrize("path", ["/leads/FM-2026-999999", "/requests/HO-2026-999999",
                                  "/leads/FM_2026", "/leads/" + "A" * 33,
                                  "/requests/x.y"])  # fmt: skip
def test_an_unknown_or_malformed_reference_is_not_found(sales, leads, path):
    response = sales.get(path)
    assert response.status_code == 404 and "Not found" in response.text


def test_a_form_for_an_unknown_lead_is_not_found(sales, leads):
    token = csrf_of(sales.get("/").text)
    response = sales.post("/leads/FM-2026-999999/note", data={"csrf": token, "note": "hi"})
    assert response.status_code == 404


def test_a_form_without_its_csrf_token_changes_nothing(sales, leads, person_request):
    lead = f"/leads/{leads['hot']}"
    for path, fields in [(f"{lead}/status", {"status": "won"}), (f"{lead}/note", {"note": "x"}),
                         (f"{lead}/assign", {"to_me": "1"}),
                         (f"/requests/{person_request}/close", {})]:  # fmt: skip
        assert sales.post(path, data=fields).status_code == 403
        assert sales.post(path, data={**fields, "csrf": "forged"}).status_code == 403
    assert history(sales.get(lead).text).count("<li>") == 1
    assert set(listed(sales, status="open")) == {person_request}
    assert set(listed(sales, assigned="nobody")) == {*leads.values(), person_request}


def test_signed_out_people_are_sent_to_sign_in(client, leads):
    response = client.get(f"/leads/{leads['hot']}")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


# --- one request ---------------------------------------------------------------------------


def test_the_request_page_shows_who_why_and_the_conversation(sales, person_request):
    page = sales.get(f"/requests/{person_request}").text
    for shown in ("Mia Roth", 'href="mailto:mia@physio.example"', "bulk pricing",
                  'href="/conversation?id=c-talk"', "Close request"):  # fmt: skip
        assert shown in page, shown
    assert MESSAGE.findall(page)[0] == ("Visitor", "Can I talk to someone about bulk pricing?")
    assert MESSAGE.findall(page)[1][0] == "Assistant"


def test_a_request_is_noted_assigned_and_closed(sales, person_request):
    base = f"/requests/{person_request}"
    response = post(sales, f"{base}/note", note="Called back, no answer")
    assert response.headers["location"] == f"{base}?done=note"
    assert post(sales, f"{base}/assign", to_me="1").headers["location"] == f"{base}?done=assigned"
    response = post(sales, f"{base}/close", note="Sent the price list")
    assert response.headers["location"] == f"{base}?done=closed"
    page = sales.get(response.headers["location"]).text
    assert "Request closed." in page and "Close request" not in page
    entries = history(page).split("<li>")[1:]
    assert 'status-open">open</span> → <span class="status status-closed' in entries[0]
    assert "Sent the price list" in entries[0] and "by sam" in entries[0]
    assert "Assigned to sam." in entries[1] and "Called back, no answer" in entries[2]
    assert set(listed(sales, status="closed", assigned="me")) == {person_request}


def test_closing_a_closed_request_is_refused(sales, person_request):
    base = f"/requests/{person_request}"
    token = csrf_of(sales.get(base).text)
    assert sales.post(f"{base}/close", data={"csrf": token}).status_code == 303
    response = sales.post(f"{base}/close", data={"csrf": token})
    assert response.status_code == 409 and "is already closed" in response.text


# --- export --------------------------------------------------------------------------------


def test_the_export_has_the_filtered_leads_oldest_first(sales, leads, person_request):
    response = sales.get("/export.csv", params={"priority": "hot"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="leads-\d{4}-\d\d-\d\d\.csv"',
                        response.headers["content-disposition"])  # fmt: skip
    table = list(csv.reader(io.StringIO(response.text)))
    assert tuple(table[0]) == EXPORT_FIELDS
    assert [row[0] for row in table[1:]] == [leads["old"], leads["hot"]]


def test_the_export_of_requests_only_has_no_leads(sales, leads, person_request):
    table = list(csv.reader(io.StringIO(sales.get("/export.csv?kind=requests").text)))
    assert len(table) == 1


def test_a_bad_export_filter_is_plain_text(sales, leads):
    response = sales.get("/export.csv", params={"since": "soon"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "cannot read" in response.text


# --- usage ---------------------------------------------------------------------------------


def test_usage_with_no_conversations_says_so(sales, settings):
    assert settings.tracker_store_url  # the lead database, which has no events table
    page = sales.get("/usage").text
    assert 'id="no-conversations"' in page and 'value="30d"' in page


def test_usage_shows_the_report_with_tracker_text_escaped(sales, database_url):
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                                "type_name TEXT, timestamp REAL, data TEXT)"))  # fmt: skip
        parse = {"intent": {"name": f"faq/{ATTACK}", "confidence": 0.9}}
        connection.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp, data) "
                 "VALUES ('c-1', 'user', :at, :data)"),
            {"at": time.time(), "data": json.dumps({"text": "hi", "parse_data": parse})},
        )  # fmt: skip
    engine.dispose()
    page = sales.get("/usage", params={"since": "7d"}).text
    assert 'id="usage"' in page and "<svg" in page and 'id="funnel"' in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page


def test_usage_with_a_bad_since_is_refused(sales):
    response = sales.get("/usage", params={"since": "yesterday-ish"})
    assert response.status_code == 400 and "cannot read" in response.text


def test_a_csrf_token_of_another_session_is_refused(client, leads):
    sign_in(client, "sam")
    token = csrf_of(client.get("/").text)
    client.cookies.clear()
    sign_in(client, "ada")
    response = client.post(f"/leads/{leads['hot']}/note", data={"csrf": token, "note": "x"})
    assert response.status_code == 403
