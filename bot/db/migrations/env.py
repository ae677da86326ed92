"""Alembic environment: runs migrations on the connection ``bot.db.migrate`` passes in.

Falls back to ``sqlalchemy.url`` (or ``DATABASE_URL`` via the settings) so the
plain ``alembic`` command also works for autogenerate during development.
"""

import importlib

from alembic import context

from bot.db.base import MODEL_MODULES, metadata
from bot.db.engine import get_engine

for module_name in MODEL_MODULES:
    importlib.import_module(module_name)

config = context.config


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.config import load_settings

    return load_settings().database_url


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(url=_database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine(_database_url()).connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
