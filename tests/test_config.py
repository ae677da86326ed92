"""Configuration: one settings object, defaults that work, clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

# Variables computed from others for Rasa's endpoints.yml, not set by users.
DERIVED_VARIABLES = {"BOT_PROJECT_DIR", "ACTION_ENDPOINT_URL", "LOCK_STORE_TYPE", "REDIS_HOST",
                     "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD",
                     "TICKET_LOCK_LIFETIME"}  # fmt: skip


def test_defaults_use_sqlite_files_under_var(tmp_path):
    settings = load_settings({"BOT_PROJECT_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path}/var/leads.db"
    assert settings.tracker_store_url == f"sqlite:///{tmp_path}/var/tracker.db"
    assert (settings.rasa_port, settings.action_port, settings.web_port) == (5005, 5055, 8000)
    assert settings.cors_origins == ("http://localhost:8000", "http://127.0.0.1:8000")
    assert settings.redis_url is None


def test_database_url_is_shared_by_leads_and_tracker_store():
    settings = load_settings({"DATABASE_URL": "postgres://postgres@db:5432/bot"})
    assert settings.database_url == "postgresql://postgres@db:5432/bot"
    assert settings.tracker_store_url == settings.database_url


def test_tracker_store_url_can_differ():
    settings = load_settings(
        {"DATABASE_URL": "postgresql://a@h/leads", "TRACKER_STORE_URL": "postgresql://a@h/t"}
    )
    assert settings.tracker_store_url == "postgresql://a@h/t"


def test_relative_sqlite_paths_are_taken_from_the_project(tmp_path):
    settings = load_settings(
        {"BOT_PROJECT_DIR": str(tmp_path), "DATABASE_URL": "sqlite:///data.db"}
    )
    assert settings.database_url == f"sqlite:///{tmp_path}/data.db"


@pytest.mark.parametrize("value", ["abc", "0", "70000"])
def test_bad_port_is_a_clear_error(value):
    with pytest.raises(ConfigError, match="RASA_PORT"):
        load_settings({"RASA_PORT": value})


def test_wildcard_cors_origin_is_refused():
    with pytest.raises(ConfigError, match="WEB_ORIGINS"):
        load_settings({"WEB_ORIGINS": "*"})


def test_children_rebuild_the_same_settings():
    settings = load_settings(
        {"SMTP_HOST": "mail", "WORKSPACE_SECRET_KEY": "h", "HANDOFF_MAX_ATTEMPTS": "3"}
    )
    assert load_settings(settings.child_environment()) == settings
    settings = load_settings(
        {"RASA_PORT": "6000", "REDIS_URL": "redis://:pw@cache:6380/2", "RASA_TOKEN": "t"}
    )
    assert load_settings(settings.child_environment()) == settings


def test_lock_store_follows_redis_url():
    assert load_settings({}).child_environment()["LOCK_STORE_TYPE"] == "in_memory"
    env = load_settings({"REDIS_URL": "redis://:pw@cache:6380/2"}).child_environment()
    assert (env["LOCK_STORE_TYPE"], env["REDIS_HOST"], env["REDIS_PORT"]) == (
        "bot.serving.lock_store.ResilientRedisLockStore",
        "cache",
        "6380",
    )
    assert (env["REDIS_DB"], env["REDIS_PASSWORD"]) == ("2", "pw")


def test_env_example_documents_every_variable_the_settings_read():
    example = (Path(__file__).parent.parent / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    read_by_settings = set(load_settings({}).child_environment()) - DERIVED_VARIABLES
    assert read_by_settings - {"REDIS_URL", "RASA_TOKEN"} <= documented
    assert {"REDIS_URL", "RASA_TOKEN"} <= documented


def test_several_instances_listen_just_above_the_public_ports():
    settings = load_settings({"RASA_INSTANCES": "3", "ACTION_SERVERS": "2"})
    assert settings.clustered
    assert settings.rasa_instance_ports == (5006, 5007, 5008)
    assert settings.action_server_ports == (5056, 5057)
    assert settings.rasa_instance_urls[0] == "http://127.0.0.1:5006"
    single = load_settings({"BIND_HOST": "0.0.0.0"})
    assert not single.clustered
    assert (single.rasa_instance_ports, single.action_server_ports) == ((5005,), (5055,))
    assert single.rasa_instance_urls == ("http://localhost:5005",)


@pytest.mark.parametrize("raw", ["0", "-1", "two"])
def test_instance_counts_must_be_positive(raw):
    with pytest.raises(ConfigError, match="RASA_INSTANCES"):
        load_settings({"RASA_INSTANCES": raw})
