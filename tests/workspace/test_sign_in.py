"""Signing in with a personal account, what a session allows, and signing out."""

from __future__ import annotations

from tests.workspace.conftest import csrf_of, sign_in


def test_pages_need_a_signed_in_account(client):
    response = client.get("/?status=new")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/%3Fstatus%3Dnew"
    assert "User name" in client.get("/login").text


def test_a_person_signs_in_with_their_own_name_and_sees_it(client):
    response = sign_in(client, "sam")
    assert response.status_code == 303 and response.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Sam Sales · sales" in page.text


def test_a_wrong_password_or_unknown_name_is_refused_alike(client):
    wrong = sign_in(client, "sam", "not the password")
    unknown = sign_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match an active account" in wrong.text
    assert client.get("/").status_code == 303


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client):
    sign_in(client, "sam")
    copied = dict(client.cookies)
    page = client.get("/")
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    client.cookies.clear()
    for name, value in copied.items():
        client.cookies.set(name, value)
    assert client.get("/").status_code == 303
