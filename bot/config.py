"""One frozen settings object, built from the environment.

Every process (the supervisor, the Rasa server, the action server, the CLI and
the tests) reads its configuration through :func:`load_settings`, so a
variable has one name, one default and one parser. Only entry points call
``load_dotenv()``; this module never reads files or touches the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Tuple
from urllib.parse import urlsplit

from bot import env_values as values
from bot.env_values import ConfigError as ConfigError  # where callers have always found it

PROJECT_ROOT = Path(__file__).resolve().parent.parent


LOCK_LIFETIME_SECONDS = 20
# Rasa's Redis lock store, kept answering through a Redis outage.
REDIS_LOCK_STORE = "bot.serving.lock_store.ResilientRedisLockStore"


@dataclass(frozen=True)
class Settings:
    """Everything the processes of the assistant need to know about their world."""

    project_dir: Path
    database_url: str
    tracker_store_url: str
    redis_url: str | None
    bind_host: str
    rasa_port: int
    action_port: int
    web_port: int
    rasa_token: str | None
    cors_origins: Tuple[str, ...]
    models_dir: Path
    log_level: str
    # Sales hand-off (bot/handoff): every channel is off until its variable is set.
    handoff_webhook_url: str | None = None
    handoff_webhook_secret: str | None = field(default=None, repr=False)
    handoff_rules: Path | None = None
    handoff_hours: Path | None = None  # business hours of "talk to a person" (hours.yml)
    handoff_max_attempts: int = 8
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_from: str | None = None
    sales_email: str | None = None
    slack_webhook_url: str | None = None
    # The sales and admin workspace (bot/workspace); people sign in with their own
    # accounts (`bot accounts add`). Without a key one is generated into var/secrets/.
    workspace_port: int = 8001
    workspace_secret_key: str | None = field(default=None, repr=False)
    workspace_secure_cookies: bool = False  # cookies only over HTTPS (Secure attribute)
    # Serving limits and the action server's lock (bot/serving): every chat
    # channel refuses what is over these before it reaches the model.
    max_message_chars: int = 10_000
    max_request_bytes: int = 256 * 1024
    # Short messages whose NLU result a loaded model remembers (0: none); see
    # bot/serving/rasa_patches.py.
    parse_cache_size: int = 4096
    action_bind_host: str = "127.0.0.1"
    action_server_token: str | None = field(default=None, repr=False)
    # Scale-out on one machine (bot/serving/cluster.py): more than one of
    # either puts nginx on the public Rasa port and the action port, in front
    # of instances on the ports just above them.
    rasa_instances: int = 1
    action_servers: int = 1

    @property
    def clustered(self) -> bool:
        """Several Rasa or action servers, with nginx on the public ports in front."""
        return self.rasa_instances > 1 or self.action_servers > 1

    @property
    def rasa_instance_ports(self) -> Tuple[int, ...]:
        """Where each Rasa server listens: the public port itself unless clustered."""
        if not self.clustered:
            return (self.rasa_port,)
        return tuple(self.rasa_port + n for n in range(1, self.rasa_instances + 1))

    @property
    def action_server_ports(self) -> Tuple[int, ...]:
        """Where each action server listens: the action port itself unless clustered."""
        if not self.clustered:
            return (self.action_port,)
        return tuple(self.action_port + n for n in range(1, self.action_servers + 1))

    @property
    def rasa_instance_urls(self) -> Tuple[str, ...]:
        """Each Rasa server directly, not through nginx: model loads must reach every one."""
        host = _client_host(self.bind_host) if not self.clustered else "127.0.0.1"
        return tuple(f"http://{host}:{port}" for port in self.rasa_instance_ports)

    @property
    def var_dir(self) -> Path:
        """Where embedded databases, logs and other runtime files live."""
        return self.project_dir / "var"

    @property
    def rasa_url(self) -> str:
        return f"http://{_client_host(self.bind_host)}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{_client_host(self.action_bind_host)}:{self.action_port}/webhook"

    @property
    def web_url(self) -> str:
        return f"http://{_client_host(self.bind_host)}:{self.web_port}"

    @property
    def workspace_url(self) -> str:
        return f"http://{_client_host(self.bind_host)}:{self.workspace_port}"

    def child_environment(self) -> dict:
        """These settings as environment variables, for the processes we start.

        Children rebuild the same :class:`Settings` from them, and Rasa's
        ``${VAR}`` substitution in ``endpoints.yml`` reads the derived values
        (it fails on unset variables and cannot choose a lock store itself).
        """
        env = {
            "BOT_PROJECT_DIR": str(self.project_dir),
            "DATABASE_URL": self.database_url,
            "TRACKER_STORE_URL": self.tracker_store_url,
            "BIND_HOST": self.bind_host,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_PORT": str(self.action_port),
            "WEB_PORT": str(self.web_port),
            "WORKSPACE_PORT": str(self.workspace_port),
            "WORKSPACE_SECURE_COOKIES": str(self.workspace_secure_cookies).lower(),
            "WEB_ORIGINS": ",".join(self.cors_origins),
            "MODELS_DIR": str(self.models_dir),
            "LOG_LEVEL": self.log_level,
            "ACTION_ENDPOINT_URL": self.action_url,
            "ACTION_BIND_HOST": self.action_bind_host,
            "MAX_MESSAGE_CHARS": str(self.max_message_chars),
            "MAX_REQUEST_BYTES": str(self.max_request_bytes),
            "PARSE_CACHE_SIZE": str(self.parse_cache_size),
            "RASA_INSTANCES": str(self.rasa_instances),
            "ACTION_SERVERS": str(self.action_servers),
        }
        optional = (
            "rasa_token", "workspace_secret_key", "action_server_token", *_HANDOFF_TEXT,
        )  # fmt: skip
        for name in optional:
            value = getattr(self, name)
            if value is not None:
                env[name.upper()] = str(value)
        env["HANDOFF_MAX_ATTEMPTS"] = str(self.handoff_max_attempts)
        env["SMTP_PORT"] = str(self.smtp_port)
        env.update(self._lock_store_environment())
        return env

    def _lock_store_environment(self) -> dict:
        if not self.redis_url:
            return {
                "LOCK_STORE_TYPE": "in_memory",
                "REDIS_HOST": "localhost",
                "REDIS_PORT": "6379",
                "REDIS_DB": "1",
                "REDIS_PASSWORD": "",
            }
        parts = urlsplit(self.redis_url)
        return {
            "REDIS_URL": self.redis_url,
            "LOCK_STORE_TYPE": REDIS_LOCK_STORE,
            # A Rasa server killed mid-turn leaves its conversation locked until
            # the lock expires; Rasa's 60 s default would freeze that visitor for
            # a minute. A turn takes well under a second, even under load.
            "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS),
            "REDIS_HOST": parts.hostname or "localhost",
            "REDIS_PORT": str(parts.port or 6379),
            "REDIS_DB": (parts.path or "/1").lstrip("/") or "1",
            "REDIS_PASSWORD": parts.password or "",
        }


def _client_host(bind_host: str) -> str:
    """A host a browser or client can reach when a server binds ``bind_host``."""
    return "localhost" if bind_host in ("0.0.0.0", "::", "") else bind_host


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``env`` (the process environment by default)."""
    env = os.environ if env is None else env
    project_dir = Path(env.get("BOT_PROJECT_DIR") or PROJECT_ROOT).resolve()
    database_url = values.database_url(env.get("DATABASE_URL", ""), project_dir, "leads.db")
    tracker_default = env.get("DATABASE_URL", "")
    tracker_store_url = values.database_url(
        env.get("TRACKER_STORE_URL", "") or tracker_default, project_dir, "tracker.db"
    )
    web_port = values.port(env, "WEB_PORT", 8000)
    models_dir = Path(env.get("MODELS_DIR") or project_dir / "models")
    return Settings(
        project_dir=project_dir,
        database_url=database_url,
        tracker_store_url=tracker_store_url,
        redis_url=env.get("REDIS_URL", "").strip() or None,
        bind_host=env.get("BIND_HOST", "").strip() or "127.0.0.1",
        rasa_port=values.port(env, "RASA_PORT", 5005),
        action_port=values.port(env, "ACTION_PORT", 5055),
        web_port=web_port,
        rasa_token=env.get("RASA_TOKEN", "").strip() or None,
        cors_origins=values.origins(env, web_port),
        models_dir=models_dir if models_dir.is_absolute() else project_dir / models_dir,
        log_level=(env.get("LOG_LEVEL", "").strip() or "INFO").upper(),
        workspace_port=values.port(env, "WORKSPACE_PORT", 8001),
        workspace_secret_key=env.get("WORKSPACE_SECRET_KEY", "").strip() or None,
        workspace_secure_cookies=values.flag(env, "WORKSPACE_SECURE_COOKIES"),
        max_message_chars=values.positive_int(env, "MAX_MESSAGE_CHARS", 10_000),
        max_request_bytes=values.positive_int(env, "MAX_REQUEST_BYTES", 256 * 1024),
        parse_cache_size=values.whole_number(env, "PARSE_CACHE_SIZE", 4096),
        action_bind_host=env.get("ACTION_BIND_HOST", "").strip() or "127.0.0.1",
        action_server_token=env.get("ACTION_SERVER_TOKEN", "").strip() or None,
        rasa_instances=values.positive_int(env, "RASA_INSTANCES", 1),
        action_servers=values.positive_int(env, "ACTION_SERVERS", 1),
        **_handoff_settings(env, project_dir),
    )


def _handoff_settings(env: Mapping[str, str], project_dir: Path) -> dict:
    """The sales hand-off variables; empty strings mean "not configured"."""
    text = {name: env.get(name.upper(), "").strip() or None for name in _HANDOFF_TEXT}
    rules = text.pop("handoff_rules")
    hours = text.pop("handoff_hours")
    return dict(
        text,
        handoff_rules=project_dir / rules if rules else None,
        handoff_hours=project_dir / hours if hours else None,
        handoff_max_attempts=values.positive_int(env, "HANDOFF_MAX_ATTEMPTS", 8),
        smtp_port=values.port(env, "SMTP_PORT", 587),
    )


_HANDOFF_TEXT = (
    "handoff_webhook_url",
    "handoff_webhook_secret",
    "handoff_rules",
    "handoff_hours",
    "smtp_host",
    "smtp_user",
    "smtp_password",
    "smtp_from",
    "sales_email",
    "slack_webhook_url",
)
