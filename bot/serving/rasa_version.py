"""The Rasa release the classes in :mod:`bot.serving` were written against.

The tracker store and the socket.io channel subclass Rasa classes and lean on
some of their internals; a different Rasa may change those, so each says so
loudly at start-up instead of failing in subtle ways later.
"""

from __future__ import annotations

import logging

import rasa

TESTED_RASA = "3.6."

log = logging.getLogger(__name__)


def warn_if_untested(component: str) -> bool:
    """Log a warning when the running Rasa is not the one ``component`` was written for."""
    if rasa.__version__.startswith(TESTED_RASA):
        return False
    log.warning(
        "%s was written for Rasa %sx but Rasa %s is running: check it before relying on it.",
        component, TESTED_RASA, rasa.__version__,
    )  # fmt: skip
    return True
