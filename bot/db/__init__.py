"""The relational database shared by the bot's processes.

Engines come from a cached factory (:func:`get_engine`) so importing this
package never connects anywhere; the schema is owned by the Alembic migrations
in ``bot/db/migrations`` and applied with :func:`upgrade` or ``bot db upgrade``.
"""

from bot.db.engine import DatabaseUnreachable, dispose_engine, get_engine, get_session_factory
from bot.db.migrate import current_revision, head_revision, upgrade

__all__ = [
    "DatabaseUnreachable",
    "current_revision",
    "dispose_engine",
    "get_engine",
    "get_session_factory",
    "head_revision",
    "upgrade",
]
