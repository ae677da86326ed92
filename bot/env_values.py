"""Typed values read from environment variables, each refused with a message that names it.

:func:`bot.config.load_settings` reads every setting through these, so a typo
in ``.env`` stops the start with one clear line instead of a traceback later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Tuple


class ConfigError(ValueError):
    """A configuration value is present but unusable."""


def port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, got {raw!r}") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name} must be between 1 and 65535, got {port}")
    return port


def positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a positive whole number, got {raw!r}")
    return int(raw)


def whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), got {raw!r}")
    return int(raw)


def flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in ("", "true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    return raw in ("true", "1", "yes", "on")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_url(raw: str, project_dir: Path, default_file: str) -> str:
    """Normalise a database URL; relative SQLite paths are taken from the project."""
    url = raw.strip() or sqlite_url(project_dir / "var" / default_file)
    if url.startswith("postgres://"):  # the spelling Heroku-style hosts hand out
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url[len("sqlite:///") :]
        if relative and relative != ":memory:":
            url = sqlite_url(project_dir / relative)
    if "://" not in url:
        raise ConfigError(f"DATABASE_URL is not a database URL: {url!r}")
    return url


def origins(env: Mapping[str, str], web_port: int) -> Tuple[str, ...]:
    raw = env.get("WEB_ORIGINS", "").strip()
    if not raw:
        return (f"http://localhost:{web_port}", f"http://127.0.0.1:{web_port}")
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    if "*" in origins:
        raise ConfigError("WEB_ORIGINS must list origins; '*' is not allowed")
    return origins
