"""Apply the Alembic migrations from code, from any working directory.

Alembic is configured programmatically (no ``alembic.ini``): the script
location is this package's ``migrations`` folder and the connection is handed
to ``env.py`` through ``Config.attributes``, so URLs with ``%`` or passwords
never go through ConfigParser interpolation.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.db.engine import connect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any constant works; it only has to be the same in every process.
_POSTGRES_MIGRATION_LOCK = 7_462_013


def alembic_config() -> Config:
    """An Alembic ``Config`` pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(database_url: str, revision: str = "head") -> str | None:
    """Bring the schema at ``database_url`` to ``revision``; returns the new revision.

    On PostgreSQL a transaction-scoped advisory lock makes concurrent callers
    (the supervisor starting several processes) migrate one after the other.
    Raises :class:`~bot.db.engine.DatabaseUnreachable` when no connection opens.
    """
    config = alembic_config()
    with connect(database_url) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        return MigrationContext.configure(connection).get_current_revision()


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or ``None`` before the first migration."""
    with connect(database_url) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped with the code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
