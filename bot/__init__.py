"""Procurement enquiry assistant for a supplier of foot-massage products.

The plain-Python domain layer behind the Rasa bot: configuration, knowledge,
leads, handoff, admin tools and the process supervisor behind ``make run``.
Nothing here imports ``rasa_sdk``; the Rasa adapters live in ``actions/``.
"""

__version__ = "0.1.0"
