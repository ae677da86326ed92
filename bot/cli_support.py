"""The error policy of ``bot`` sub-commands: one line on stderr and exit code 1.

Handlers raise domain errors and leave the wording to :func:`guarded`, so
every command reports a database outage, a broken configuration file or a
refused request the same way, and none of them prints a traceback for it.
"""

from __future__ import annotations

import sys
from typing import Callable, Tuple, Type

from sqlalchemy.exc import OperationalError

from bot.leads.errors import DatabaseUnavailable, LeadError

Handler = Callable[..., int]
Errors = Tuple[Type[BaseException], ...]


def guarded(
    handler: Handler, configuration_errors: Errors = (), errors: Errors = (LeadError,)
) -> Handler:
    """``handler`` with ``configuration_errors``, database outages and ``errors`` reported.

    Outages are caught before ``errors``, since :class:`DatabaseUnavailable`
    is a :class:`LeadError`; configuration errors before both, since they may
    be ``ValueError``s too.
    """

    def run(args, settings) -> int:
        try:
            return handler(args, settings)
        except configuration_errors as error:
            print(f"configuration error: {error}", file=sys.stderr)
        except (DatabaseUnavailable, OperationalError) as error:
            error = getattr(error, "orig", None) or error
            print(f"database unavailable: {error} (is it running and migrated?)", file=sys.stderr)
        except errors as error:
            print(f"error: {error}", file=sys.stderr)
        return 1

    return run
