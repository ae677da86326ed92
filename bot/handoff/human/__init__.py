"""Talking to a person: a visitor's request for a human, stored and handed to sales.

The Rasa side calls :func:`request_handoff` once per ask (also mid-form); the
request and its outbox row (kind ``handoff``) are written in one transaction,
and the dispatcher of :mod:`bot.handoff` delivers it like a lead. Business
hours (:mod:`bot.handoff.hours`) decide what the visitor is told about when a
reply will come. Nothing here imports Rasa.
"""

from bot.handoff.human.request import (
    HandoffError,
    HandoffNotFound,
    HandoffReceipt,
    HandoffSubmission,
    InvalidHandoffRequest,
)
from bot.handoff.human.service import (
    HANDOFF_KIND,
    close_request,
    get_request,
    open_requests,
    request_handoff,
)

__all__ = [
    "HANDOFF_KIND",
    "HandoffError",
    "HandoffNotFound",
    "HandoffReceipt",
    "HandoffSubmission",
    "InvalidHandoffRequest",
    "close_request",
    "get_request",
    "open_requests",
    "request_handoff",
]
