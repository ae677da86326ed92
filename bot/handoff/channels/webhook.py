"""Webhook channel: the whole hand-off as signed JSON, for the CRM or an automation tool.

The receiver verifies ``X-Signature-SHA256`` (hex HMAC-SHA256 of the raw body
with the shared secret) before trusting the personal data in it, and drops
repeats by ``Idempotency-Key``: delivery is at least once, never exactly once.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from bot.handoff.channels.base import post
from bot.handoff.message import Handoff

SIGNATURE_HEADER = "X-Signature-SHA256"
IDEMPOTENCY_HEADER = "Idempotency-Key"


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    name = "webhook"

    def __init__(self, url: str, secret: str, timeout: float = 10.0) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, handoff: Handoff) -> None:
        body = json.dumps(handoff.as_json(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "footcare-bot-handoff/1",
            IDEMPOTENCY_HEADER: handoff.key,
            SIGNATURE_HEADER: sign(body, self.secret),
        }
        post(self.url, body, headers, self.timeout)
