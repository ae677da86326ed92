"""Hand a stored lead over to the sales team.

Leads and their outbox rows (``notifications``) are written by
:mod:`bot.leads`; this package reads the outbox, scores and routes each lead
with admin-editable rules, and delivers it to the configured channels
(webhook, e-mail, Slack) at least once, even across crashes.
"""
