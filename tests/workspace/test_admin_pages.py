"""Admin pages: conversations and labelling, the training job, the models.

The workspace here runs on a copy of the project (so labels land in a real
``data/nlu``) and on a tracker store written the way Rasa writes it.
"""

from __future__ import annotations

import fcntl
import json
import re
import subprocess
import sys
import time

import pytest

from bot.admin.examples import example_key, known_texts
from bot.admin.labels import LABEL_LOG
from bot.admin.registry import Registry
from bot.config import load_settings
from bot.workspace import training_job
from tests.admin.conftest import admin_environment, copy_project
from tests.workspace.admin_support import (
    NAME_LIKE,
    NOT_UNDERSTOOD,
    VISITOR_EMAIL,
    VISITOR_NAME,
    fake_training,
    registered_models,
    stamp_of,
    write_conversations,
)
from tests.workspace.conftest import csrf_of


@pytest.fixture
def settings(database_url, tmp_path):
    """The workspace's settings on a copy of the project with conversations in its store."""
    project = copy_project(tmp_path / "project")
    env = {**admin_environment(project), "DATABASE_URL": database_url, "BIND_HOST": "127.0.0.1"}
    settings = load_settings(env)
    write_conversations(settings.tracker_store_url)
    return settings


def label_form(client, sender: str, at: float, intent: str, **extra):
    page = client.get("/conversations")
    data = {"csrf": csrf_of(page.text), "conversation": sender, "at": str(at), "intent": intent}
    return client.post("/admin/label", data={**data, **extra})


def senders(html: str) -> list:
    return re.findall(r'href="/conversation\?id=([^"]+)"', html)


def labels_logged(settings) -> list:
    path = settings.project_dir / LABEL_LOG
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# Who may do what ------------------------------------------------------------------------


def test_sales_read_conversations_but_may_not_label_train_or_activate(sales, settings):
    for path in ("/admin/training", "/admin/models"):
        assert sales.get(path).status_code == 403
    page = sales.get("/conversation?id=c-fallback")
    assert page.status_code == 200
    assert NOT_UNDERSTOOD in page.text and "/admin/label" not in page.text
    stamp = stamp_of(settings.tracker_store_url, "c-fallback", NOT_UNDERSTOOD)
    assert label_form(sales, "c-fallback", stamp, "out_of_scope").status_code == 403
    csrf = csrf_of(page.text)
    assert sales.post("/admin/training", data={"csrf": csrf}).status_code == 403
    assert training_job.current(settings) is None


# Conversations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "show, expected",
    [
        ("", ["c-fallback"]),
        ("low_confidence", ["c-fallback", "c-unsure"]),
        ("abandoned", ["c-form"]),
        ("submitted", ["c-sent"]),
        ("all", ["c-fallback", "c-unsure", "c-form", "c-sent"]),
    ],
)
def test_conversation_filters(sales, show, expected):
    page = sales.get("/conversations", params={"show": show})
    assert page.status_code == 200
    assert sorted(senders(page.text)) == sorted(expected)


def test_since_reaches_older_conversations_and_a_bad_one_says_why(sales):
    older = sales.get("/conversations", params={"show": "all", "since": "90d"})
    assert "c-old" in senders(older.text)
    bad = sales.get("/conversations", params={"since": "last tuesday"})
    assert bad.status_code == 400
    assert "cannot read" in bad.text and "last tuesday" in bad.text


def test_a_row_shows_fallbacks_topics_and_the_enquiry_state(sales):
    page = sales.get("/conversations", params={"show": "abandoned"}).text
    assert "left at Email" in page
    assert "asking for a quote" in page


def test_a_conversation_reads_as_a_chat_with_what_the_bot_understood(sales):
    page = sales.get("/conversation?id=c-fallback")
    assert "Sorry, I did not get that." in page.text
    assert "Not understood" in page.text and "ask_product" in page.text and "0.35" in page.text
    assert sales.get("/conversation?id=nobody").status_code == 404
    assert sales.get("/conversation").status_code == 404


# Labelling ------------------------------------------------------------------------------


def test_admin_labels_a_message_the_bot_did_not_understand(admin, settings):
    page = admin.get("/conversation?id=c-fallback").text
    stamp = stamp_of(settings.tracker_store_url, "c-fallback", NOT_UNDERSTOOD)
    assert f'name="at" value="{stamp}"' in page
    # Nothing preselected, the bot's guess named: a careless click teaches nothing.
    assert '<option value="" selected>Choose…</option>' in page
    assert '<option value="ask_product">ask_product (the bot\'s guess)</option>' in page
    assert label_form(admin, "c-fallback", stamp, "").status_code == 409
    done = label_form(admin, "c-fallback", stamp, "out_of_scope")
    assert done.status_code == 303
    assert done.headers["location"] == (
        "/conversation?id=c-fallback&done=labelled&intent=out_of_scope"
    )
    assert known_texts(settings.project_dir)[example_key(NOT_UNDERSTOOD)] == "out_of_scope"
    [logged] = labels_logged(settings)
    assert (logged["user"], logged["previous_intent"]) == ("ada", "nlu_fallback")
    after = admin.get(done.headers["location"]).text
    assert "Added as an example of out_of_scope. Train a model to use it." in after
    assert 'href="/admin/training"' in after
    assert "Already an example of out_of_scope" in after


def test_form_answers_are_never_offered_and_a_forged_label_is_refused(admin, settings):
    url = settings.tracker_store_url
    page = admin.get("/conversation?id=c-form").text
    assert VISITOR_NAME in page  # shown to read, not to label
    assert page.count('action="/admin/label"') == 1  # only the request for a quote
    for text in (VISITOR_NAME, VISITOR_EMAIL):
        stamp = stamp_of(url, "c-form", text)
        assert f'value="{stamp}"' not in page
        refused = label_form(admin, "c-form", stamp, "inform", confirm_name="yes")
        assert refused.status_code == 409
        assert "cannot be labelled" in refused.text
    assert example_key(VISITOR_NAME) not in known_texts(settings.project_dir)
    assert labels_logged(settings) == []


def test_the_text_comes_from_the_store_not_the_form(admin, settings):
    stamp = stamp_of(settings.tracker_store_url, "c-fallback", NOT_UNDERSTOOD)
    forged = label_form(admin, "c-fallback", stamp, "greet", text="Katrin Vogelsang")
    assert forged.status_code == 303
    assert [entry["text"] for entry in labels_logged(settings)] == [NOT_UNDERSTOOD]
    assert label_form(admin, "nobody", stamp, "greet").status_code == 404
    assert label_form(admin, "c-fallback", "soon", "greet").status_code == 409


def test_a_name_like_message_needs_a_confirmation_unless_out_of_scope(admin, settings):
    stamp = stamp_of(settings.tracker_store_url, "c-fallback", NAME_LIKE)
    assert 'name="confirm_name"' in admin.get("/conversation?id=c-fallback").text
    warned = label_form(admin, "c-fallback", stamp, "greet")
    assert warned.status_code == 409 and "looks like a person&#39;s name" in warned.text
    assert labels_logged(settings) == []
    assert label_form(admin, "c-fallback", stamp, "greet", confirm_name="yes").status_code == 303
    assert [entry["intent"] for entry in labels_logged(settings)] == ["greet"]


def test_a_label_the_data_refuses_says_why(admin, settings):
    stamp = stamp_of(settings.tracker_store_url, "c-fallback", NOT_UNDERSTOOD)
    refused = label_form(admin, "c-fallback", stamp, "no_such_intent")
    assert refused.status_code == 409 and "unknown intent" in refused.text
    greeting = stamp_of(settings.tracker_store_url, "c-fallback", "hi there")
    page = admin.get("/conversation?id=c-fallback").text
    assert f'value="{greeting}"' not in page  # "hi there" is in the training data already
    assert label_form(admin, "c-fallback", greeting, "greet").status_code == 409


# Training -------------------------------------------------------------------------------


def wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def gate(tmp_path):
    """The file that lets the fake training finish; made at the end in any case, so a
    failing test leaves no process behind."""
    path = tmp_path / "finish"
    yield path
    path.touch()


def start(client):
    page = client.get("/admin/training")
    return client.post("/admin/training", data={"csrf": csrf_of(page.text)})


def test_a_training_runs_once_at_a_time_and_shows_its_verdict(admin, settings, monkeypatch, gate):
    report = settings.project_dir / "reports" / "20260301-100000" / "report.md"
    report.parent.mkdir(parents=True)
    report.write_text("# Training report: model-new.tar.gz\n\nIntent macro-F1: 0.910")
    monkeypatch.setattr(training_job, "COMMAND", fake_training(gate, str(report)))
    assert "No training has been started" in admin.get("/admin/training").text
    assert start(admin).status_code == 303
    wait_for(lambda: "[1/5]" in admin.get("/admin/training").text)
    running = admin.get("/admin/training").text
    assert '<meta http-equiv="refresh" content="5">' in running
    assert "ada" in running and "Validating the training data" in running
    second = start(admin)
    assert second.status_code == 409 and "A training is already running" in second.text
    gate.touch()
    wait_for(lambda: training_job.current(settings).exit_code is not None)
    done = admin.get("/admin/training").text
    assert 'http-equiv="refresh"' not in done
    assert "Promoted: not worse than the active model within tolerance." in done
    assert "intent macro-F1 rose from 0.900 to 0.910" in done
    assert "# Training report: model-new.tar.gz" in done
    assert training_job.current(settings).result == "promoted"


def test_the_lock_holds_across_processes(admin, settings):
    folder = training_job.folder(settings)
    folder.mkdir(parents=True)
    with open(folder / training_job.LOCK_FILE, "w") as other:  # as another workspace would
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert start(admin).status_code == 409
    assert training_job.current(settings) is None


def test_a_report_outside_the_reports_folder_is_not_shown(admin, settings, monkeypatch, gate):
    (settings.project_dir / "secret.md").write_text("not for the page")
    gate.touch()
    monkeypatch.setattr(training_job, "COMMAND", fake_training(gate, "reports/../secret.md"))
    assert start(admin).status_code == 303
    wait_for(lambda: training_job.current(settings).exit_code is not None)
    page = admin.get("/admin/training").text
    assert "Promoted" in page and "not for the page" not in page


def test_a_training_that_outlived_its_workspace_ended_with_an_unknown_result(admin, settings):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    folder = training_job.folder(settings)
    folder.mkdir(parents=True)
    state = {"started_by": "ada", "started_at": "2026-03-01T10:00:00+00:00",
             "log": str(folder / "old.log"), "pid": gone.pid}  # fmt: skip
    (folder / training_job.STATE_FILE).write_text(json.dumps(state))
    page = admin.get("/admin/training").text
    assert "ended (result unknown, see the log)" in page
    assert 'http-equiv="refresh"' not in page


def test_the_page_counts_examples_labelled_since_the_last_training(admin, settings):
    stamp = stamp_of(settings.tracker_store_url, "c-fallback", NOT_UNDERSTOOD)
    assert label_form(admin, "c-fallback", stamp, "out_of_scope").status_code == 303
    assert "1 example labelled so far" in " ".join(admin.get("/admin/training").text.split())


# Models ---------------------------------------------------------------------------------


def test_models_are_listed_newest_first_with_metrics_and_the_served_one(admin, settings):
    registered_models(settings.models_dir)
    page = admin.get("/admin/models").text
    table = page[page.index('id="models"') :]
    assert table.index("model-new.tar.gz") < table.index("model-old.tar.gz")
    assert "0.850" in page and "0.820" in page and "1.000" in page and "0.900" in page
    assert "Not promoted: the active model stays." in page
    assert "Served: model-old.tar.gz" in page
    assert page.count('action="/admin/models/activate"') == 1
    assert 'name="model" value="model-new.tar.gz"' in page


def test_activating_without_a_running_server_switches_the_registry(admin, settings):
    registered_models(settings.models_dir)
    page = admin.get("/admin/models")
    done = admin.post("/admin/models/activate",
                      data={"csrf": csrf_of(page.text), "model": "model-new.tar.gz"})  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/admin/models"
    assert Registry.load(settings.models_dir).active().file == "model-new.tar.gz"
    after = admin.get(done.headers["location"]).text
    assert "Activated model-new.tar.gz. No Rasa server at" in after  # what the servers said
    assert 'name="model" value="model-old.tar.gz"' in after  # the rollback
    assert "Activated model-new" not in admin.get("/admin/models").text  # said once


def test_only_a_model_of_the_folder_can_be_activated(admin, settings):
    registered_models(settings.models_dir)
    page = admin.get("/admin/models")
    for name in ("model-gone.tar.gz", "../registry.json", "registry.json", ""):
        refused = admin.post("/admin/models/activate",
                             data={"csrf": csrf_of(page.text), "model": name})  # fmt: skip
        assert refused.status_code == 409 and "is not a model in" in refused.text
    assert Registry.load(settings.models_dir).active().file == "model-old.tar.gz"


def test_the_model_served_before_any_activation_is_listed_and_can_be_rolled_back_to(
    admin, settings
):
    """`bot run` serves the model of the current data without registering it; the page
    shows it as served, and after a first promotion it is the one to roll back to."""
    from bot.training import model_path

    current = model_path(settings.project_dir, settings.models_dir)
    current.parent.mkdir(parents=True, exist_ok=True)
    current.write_bytes(b"not really a model")
    page = admin.get("/admin/models").text
    assert f"Served: {current.name}" in page and "Trained from the current data" in page
    registered_models(settings.models_dir)  # a promotion since: model-old is active
    page = admin.get("/admin/models")
    assert f'name="model" value="{current.name}"' in page.text
    done = admin.post("/admin/models/activate",
                      data={"csrf": csrf_of(page.text), "model": current.name})  # fmt: skip
    assert done.status_code == 303
    assert Registry.load(settings.models_dir).active().file == current.name


def test_no_models_yet_says_how_to_make_one(admin):
    page = admin.get("/admin/models").text
    assert "No trained models are registered yet" in page and "make run" in page


def test_admin_stylesheet_is_served_and_linked(admin):
    page = admin.get("/admin/models").text
    assert '<link rel="stylesheet" href="/static/admin.css">' in page
    assert admin.get("/static/admin.css").status_code == 200
