"""Procurement leads: saving them once per conversation, following them up, exporting them.

Entry points (actions, CLI) build a unit of work with
:func:`bot.db.unit_of_work.unit_of_work_factory` and call the service functions
in :mod:`bot.leads.services` and :mod:`bot.leads.durable`; nothing here
imports Rasa.
"""
