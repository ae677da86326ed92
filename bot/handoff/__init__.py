"""Hand a stored lead over to the sales team.

This package owns the outbox (``notifications``, :mod:`bot.handoff.models`):
leads write their rows into it through ``uow.notifications`` in the lead's
transaction; the dispatcher reads it, scores and routes each lead
with admin-editable rules, and delivers it to the configured channels
(webhook, e-mail, Slack) at least once, even across crashes.
"""
