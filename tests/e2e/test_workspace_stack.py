"""The workspace beside a running bot, in Chromium: sales follow up what visitors really
sent, and an admin labels, trains, activates and sees the bot answer from edited
knowledge, then rolls back, with no restart.

One test, because the training in it takes minutes: the real Rasa server and action
server on a project copy, the workspace on the same databases, the gated training
(`bot admin train`, started from the page) on the labelled data and an edited product
description. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import urllib.request
from pathlib import Path

import pytest

from bot.accounts.service import create_account
from bot.admin.examples import example_key, known_texts
from bot.admin.registry import Registry
from bot.config import PROJECT_ROOT
from bot.db import upgrade
from bot.db.unit_of_work import unit_of_work_factory
from bot.training import ensure_model
from bot.workspace import training_job
from bot.workspace.context import workspace_from_settings
from tests.admin.conftest import copy_project
from tests.enquiry import Visitor, full_enquiry
from tests.support.servers import Stack, reply_texts, stack_settings
from tests.support.workspace_server import serving

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

OLD_ROLLER = "Foot rollers sit at the simple, entry-level end of our range"
NEW_ROLLER = "Foot rollers are where most customers begin with our range"
NOT_UNDERSTOOD = "wibble wobble frobnicate"
OUT_OF_SCOPE_REPLIES = ("outside what I can help with", "can't help with that one",
                        "not something I know about")  # utter_out_of_scope  # fmt: skip
RUNNING_FILES = ("endpoints.yml", "credentials.yml", "actions")
TOKEN = "workspace-stack-token"
PASSWORDS = {"sam": "sam's long password", "ada": "ada's long password"}
TRAINING_TIMEOUT = 20 * 60  # seconds
ACTIVATION_TIMEOUT = 180_000  # ms: Rasa loads the model before the page answers


def running_project(target: Path) -> Path:
    """What training, evaluation and the two servers read, copied so the test may edit it."""
    copy_project(target)
    for name in RUNNING_FILES:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, target / name)
    return target


def stop_training(settings) -> None:
    """A training the test left running (it failed midway) must not go on eating the CPU."""
    job = training_job.current(settings)
    if job is not None and job.running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(job.pid, signal.SIGTERM)


def served_model(settings) -> str:
    url = f"{settings.rasa_url}/status?token={TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return Path(json.loads(response.read())["model_file"]).name


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORDS[username])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/")


def test_sales_and_admin_work_beside_the_running_bot(tmp_path, trained_model, browser, artifacts):
    from playwright.sync_api import expect

    project = running_project(tmp_path / "project")
    models = project / "models"
    models.mkdir()
    first = Path(shutil.copy2(trained_model, models / trained_model.name))
    # Same data, same model: nothing is trained, the model gets its knowledge snapshot.
    assert ensure_model(project, models, log=lambda _: None) == first
    registry = Registry.load(models)
    registry.activate(first.name)
    registry.save()
    settings = stack_settings(tmp_path, BOT_PROJECT_DIR=str(project), MODELS_DIR=str(models),
                              RASA_TOKEN=TOKEN)  # fmt: skip
    upgrade(settings.database_url)
    for name, role in (("sam", "sales"), ("ada", "admin")):
        create_account(unit_of_work_factory(settings.database_url)(), name, PASSWORDS[name], role)

    stack = Stack(settings, first, tmp_path)
    running = stack.start()
    try:
        pids = [child.pid for child in stack.children]
        # Visitors: a whole enquiry, a request to talk to a person, a message not understood.
        buyer = Visitor(running)
        reference = full_enquiry(buyer)
        caller = Visitor(running)
        caller.say("can I talk to a real person please?", expect="name")
        caller.say("Maria Rossi", expect="email")
        caller.say("maria.rossi@example.org", expect="HO-")
        confused = Visitor(running)
        assert "not sure i understood" in confused.say(NOT_UNDERSTOOD).lower()

        context = browser.new_context(viewport={"width": 1360, "height": 900})
        context.set_default_timeout(15_000)
        page = context.new_page()
        with serving(workspace_from_settings(settings)) as base_url:
            # Sales: both arrivals in the work list, each conversation labelled by speaker.
            sign_in(page, base_url, "sam")
            work = page.locator("#work")
            expect(work).to_contain_text(reference)
            expect(work).to_contain_text("Maria Rossi")
            page.get_by_role("link", name=reference).click()
            visitor_lines = page.locator("#transcript .msg-visitor")
            expect(visitor_lines.first).to_contain_text("30 whole leg massagers")
            expect(page.locator("#transcript .msg-bot").first).to_contain_text("a quote")
            page.get_by_role("button", name="Assign to me").click()
            page.get_by_label("New status").select_option("contacted")
            page.get_by_role("button", name="Update status").click()
            expect(page.locator("#history")).to_contain_text("by sam")
            page.screenshot(path=str(artifacts / "stack-sales-lead.png"), full_page=True)
            page.get_by_role("link", name="← Work list").click()
            page.get_by_role("link", name="Maria Rossi").click()
            expect(page.locator("#transcript .msg-visitor").first).to_contain_text("real person")
            page.get_by_role("button", name="Close request").click()
            expect(page.locator(".lead-head .badges")).to_contain_text("closed")
            page.get_by_role("button", name="Sign out").click()

            # Admin: label the message the bot did not understand.
            sign_in(page, base_url, "ada")
            page.get_by_role("link", name="Conversations").click()
            page.locator(f'a[href="/conversation?id={confused.sender}"]').click()
            said = page.locator(".review-visitor", has_text=NOT_UNDERSTOOD)
            expect(said).to_contain_text("Not understood")
            said.get_by_label("Label as").select_option("out_of_scope")
            said.get_by_role("button", name="Add example").click()
            expect(page.get_by_role("status")).to_contain_text("out_of_scope")
            assert known_texts(project)[example_key(NOT_UNDERSTOOD)] == "out_of_scope"

            # ...edit a product description, then train from the page and read the report.
            products = project / "data" / "knowledge" / "products.yml"
            products.write_text(products.read_text().replace(OLD_ROLLER, NEW_ROLLER))
            # Not trained and activated yet: visitors get the texts of the model they talk to.
            before = reply_texts(running.chat("before", "tell me about the foot roller"))
            assert OLD_ROLLER in before
            page.get_by_role("link", name="Go to training").click()
            page.get_by_role("button", name="Start training").click()
            expect(page.locator("#training-running")).to_contain_text("ada")
            # The page refreshes itself every 5 s while the training runs.
            page.locator("#training").wait_for(timeout=TRAINING_TIMEOUT * 1000)
            outcome = page.locator("main").inner_text()
            assert "romoted" in outcome, outcome  # "Promoted: ..." or "Not promoted: ..."
            expect(page.locator("#report")).to_contain_text("macro")
            (report,) = (project / "reports").glob("*/report.md")
            assert (report.parent / "confusion.png").stat().st_size > 1000
            page.screenshot(path=str(artifacts / "stack-admin-training.png"), full_page=True)

            # ...and make the new model the one visitors talk to, if the gate did not.
            new = next(e.file for e in Registry.load(models).entries if e.file != first.name)
            page.get_by_role("link", name="Models", exact=True).click()
            row = page.locator("tr", has_text=new)
            if row.get_by_role("button", name="Activate").count():
                row.get_by_role("button", name="Activate").click(timeout=ACTIVATION_TIMEOUT)
            expect(page.locator("tr", has_text=new)).to_contain_text("Served")
            page.screenshot(path=str(artifacts / "stack-admin-models.png"), full_page=True)
            assert served_model(settings) == new

            roller = reply_texts(running.chat("after-activation", "tell me about the foot roller"))
            assert NEW_ROLLER in roller and OLD_ROLLER not in roller
            # The labelled message is understood now: out of scope, said so, no fallback.
            reply = reply_texts(running.chat("after-labelling", NOT_UNDERSTOOD))
            assert any(words in reply for words in OUT_OF_SCOPE_REPLIES), reply

            # A rollback from the page brings the old answer back, again without a restart.
            rollback = page.locator("tr", has_text=first.name).get_by_role(
                "button", name="Activate"
            )
            rollback.click(timeout=ACTIVATION_TIMEOUT)  # the page answers once Rasa loaded it
            expect(page.get_by_role("status")).to_contain_text("now uses")
            expect(page.locator("tr", has_text=first.name)).to_contain_text("Served")
            assert served_model(settings) == first.name
            roller = reply_texts(running.chat("after-rollback", "tell me about the foot roller"))
            assert OLD_ROLLER in roller
        context.close()
        assert [child.pid for child in stack.children] == pids, "nothing was restarted"
        assert all(child.poll() is None for child in stack.children)
    finally:
        stop_training(settings)
        stack.stop()
