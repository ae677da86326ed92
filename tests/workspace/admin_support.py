"""What the admin page tests read: conversations as Rasa's tracker store keeps them,
models in a registry, and a stand-in for ``bot admin train`` that ends when told to."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot.admin.inbox import read_events
from bot.admin.registry import Registry
from bot.leads.intake import fields as f
from tests.admin.events import (
    action,
    active_loop,
    answer,
    bot,
    form_asks,
    form_starts,
    slot,
    user,
    write_events,
)

LEAD = "lead_form"
VISITOR_NAME, VISITOR_EMAIL = "Katrin Vogelsang", "k.vogelsang@podologie-graz.at"
NOT_UNDERSTOOD = "do you sell socks for horses"
NAME_LIKE = "Anna Berg"  # outside a form, so offered, but only with a confirmation
UNSURE = "what rollers do you have"


def recent_conversations() -> dict:
    """A fallback, an unsure reading, an enquiry left at the e-mail, a submitted one."""
    return {
        "c-fallback": [
            user("hi there", "greet", 0.95), bot("Hello! How can I help?"),
            user(NOT_UNDERSTOOD, "nlu_fallback", 0.3, ranking=[("ask_product", 0.35)]),
            action("action_default_fallback"), bot("Sorry, I did not get that."),
            user(NAME_LIKE, "nlu_fallback", 0.3, ranking=[("greet", 0.2)]),
            bot("Sorry, I did not get that."),
        ],
        "c-unsure": [user(UNSURE, "list_products", 0.45), bot("Foot rollers and massagers.")],
        "c-form": [
            user("could you price an order for my clinic", "request_quote", 0.93),
            *form_starts(LEAD, f.NAME, "What name should our sales team use for you?"),
            *answer(VISITOR_NAME, f.NAME),
            *form_asks(LEAD, f.EMAIL, "Which email address should the quote go to?"),
            *answer(VISITOR_EMAIL, f.EMAIL),
        ],
        "c-sent": [
            user("send me a quote for 10 rollers", "request_quote", 0.97),
            active_loop(LEAD), active_loop(None), slot(f.REFERENCE, "SC-2026-0001"),
            bot("Thank you! Your reference is SC-2026-0001."),
        ],
    }  # fmt: skip


def write_conversations(url: str) -> None:
    """The recent ones an hour ago, and one older than the default 30 days."""
    now = time.time()
    write_events(url, recent_conversations(), start=now - 3600)
    old = {"c-old": [user("anyone there", "nlu_fallback", 0.2), bot("Sorry?")]}
    write_events(url, old, start=now - 60 * 24 * 3600)


def stamp_of(url: str, sender: str, text: str) -> float:
    """When the visitor said ``text``, as the label form sends it."""
    return next(stamp for who, kind, stamp, data in read_events(url, sender=sender)
                if kind == "user" and data.get("text") == text)  # fmt: skip


def scripted_enquiries() -> dict:
    """Three enquiries: left at the first question, left at organisation, submitted."""
    first = form_starts(LEAD, f.BUYER_TYPE, "Who are you buying for?")
    return {
        "left-at-start": [user("I want a quote", "request_quote", 0.95), *first],
        "left-at-organisation": [
            user("price for rollers please", "request_quote", 0.95), *first,
            *answer("a clinic", f.BUYER_TYPE),
            *form_asks(LEAD, f.ITEMS, "Which products, and how many?"),
            *answer("20 foot rollers", f.ITEMS),
            *form_asks(LEAD, f.ORGANISATION, "Which organisation is it for?"),
        ],
        "submitted": [
            user("send me an offer", "request_quote", 0.95), *first,
            *answer("a spa", f.BUYER_TYPE),
            *form_asks(LEAD, f.ITEMS, "Which products, and how many?"),
            *answer("10 calf massagers", f.ITEMS),
            action(LEAD), active_loop(None), slot(f.REFERENCE, "FM-2026-000009"),
            bot("Thank you! Your reference is FM-2026-000009."),
        ],
    }  # fmt: skip


FAKE_TRAINING = """
import pathlib, sys, time
print("[1/5] Validating the training data (rasa data validate)...", flush=True)
while not pathlib.Path(sys.argv[1]).exists():
    time.sleep(0.05)
print("[5/5] Promoted: not worse than the active model within tolerance.")
print("  - intent macro-F1 rose from 0.900 to 0.910")
print("Report: " + sys.argv[2])
"""


def fake_training(gate: Path, report: str) -> list:
    """A command that logs like ``bot admin train``, waits for ``gate``, then gives its
    verdict and ``report`` path: fast, yet running for as long as a test needs."""
    return [sys.executable, "-c", FAKE_TRAINING, str(gate), report]


def registered_models(models_dir: Path) -> Registry:
    """model-old (active, the older) and model-new (refused by the gate)."""
    models_dir.mkdir(parents=True, exist_ok=True)
    registry = Registry.load(models_dir)
    metrics = {
        "model-old.tar.gz": {"intent_macro_f1": 0.9, "answer_accuracy": 0.8},
        "model-new.tar.gz": {"intent_macro_f1": 0.85, "answer_accuracy": 0.82,
                             "story_accuracy": 1.0},
    }  # fmt: skip
    for number, (name, scores) in enumerate(metrics.items()):
        (models_dir / name).write_bytes(b"not really a model")
        entry = registry.record(models_dir / name, scores, note=f"note of {name}")
        entry.created = f"2026-03-0{number + 1}T10:00:00+00:00"
    registry.get("model-new.tar.gz").note = "Not promoted: the active model stays."
    registry.activate("model-old.tar.gz")
    registry.save()
    return registry
