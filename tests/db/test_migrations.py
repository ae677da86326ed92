"""Migrations create the schema from nothing on every backend and match the models."""

import importlib
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, Table, inspect, select

from bot.db import current_revision, get_engine, head_revision, upgrade
from bot.db.base import MODEL_MODULES, UTCDateTime, metadata
from bot.db.migrate import alembic_config

TABLES = {"leads", "lead_items", "consents", "transcripts", "status_history", "notifications"}


def test_upgrade_from_empty_to_head(empty_database_url):
    assert current_revision(empty_database_url) is None
    assert upgrade(empty_database_url) == head_revision()
    assert current_revision(empty_database_url) == head_revision()
    tables = set(inspect(get_engine(empty_database_url)).get_table_names())
    assert tables >= TABLES


def test_upgrade_twice_is_harmless(empty_database_url):
    upgrade(empty_database_url)
    assert upgrade(empty_database_url) == head_revision()


def test_upgrade_works_from_any_working_directory(empty_database_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert upgrade(empty_database_url) == head_revision()


def test_models_match_migrations(empty_database_url):
    upgrade(empty_database_url)
    for module in MODEL_MODULES:
        importlib.import_module(module)
    with get_engine(empty_database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_downgrade_to_base_and_back(empty_database_url):
    upgrade(empty_database_url)
    config = alembic_config()
    with get_engine(empty_database_url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert not TABLES & set(inspect(get_engine(empty_database_url)).get_table_names())
    assert upgrade(empty_database_url) == head_revision()


def test_timestamps_come_back_aware_utc(empty_database_url):
    table = Table(
        "clock", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
    )
    engine = get_engine(empty_database_url)
    table.create(engine)
    paris = datetime(2026, 6, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    with engine.begin() as connection:
        connection.execute(table.insert().values(id=1, at=paris))
        stored = connection.execute(select(table.c.at)).scalar()
    assert stored == paris and stored.tzinfo == timezone.utc
    assert stored.hour == 12


def test_naive_timestamps_are_refused(empty_database_url):
    table = Table(
        "clock2", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
    )
    engine = get_engine(empty_database_url)
    table.create(engine)
    with pytest.raises(Exception, match="naive"), engine.begin() as connection:
        connection.execute(table.insert().values(id=1, at=datetime(2026, 1, 1)))


def _clock_table(url):
    table = Table(
        "clock", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
    )
    engine = get_engine(url)
    table.create(engine)
    return engine, table
