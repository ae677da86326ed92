"""Several Rasa and action servers on one machine: what they need, and which servers to start.

``RASA_INSTANCES`` and ``ACTION_SERVERS`` (both 1 by default) set how many;
with more than one of either, nginx (:mod:`bot.serving.load_balancer`)
takes the public Rasa port and the action port. The instances share nothing
in memory, so they need what a real deployment needs: conversations and
leads in PostgreSQL (a SQLite file cannot be shared across hosts), and a
Redis lock store so two instances never handle one conversation's turns at
the same time. :func:`missing_prerequisites` says, before anything starts,
which of these is missing and how to get it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List

import redis

from bot import processes
from bot.config import Settings
from bot.processes import ServerSpec
from bot.serving.load_balancer import find_nginx, load_balancer

REDIS_TIMEOUT = 2.0


def missing_prerequisites(settings: Settings) -> List[str]:
    """One sentence per thing a clustered run lacks (an empty list when it has all)."""
    problems = []
    if find_nginx() is None:
        problems.append(
            "nginx is not installed; it is the load balancer in front of the instances "
            "(Debian/Ubuntu: apt-get install nginx-light)."
        )
    for name, url in (("DATABASE_URL", settings.database_url),
                      ("TRACKER_STORE_URL", settings.tracker_store_url)):  # fmt: skip
        if url.startswith("sqlite"):
            problems.append(
                f"{name} is a SQLite file; every instance must read the same conversations "
                f"and leads: set {name}=postgresql://user@host:5432/database."
            )
    if not settings.redis_url:
        problems.append(
            "REDIS_URL is not set; the instances lock each conversation in Redis so that two "
            "never answer the same visitor at once: set REDIS_URL=redis://host:6379/1."
        )
    else:
        problem = redis_problem(settings.redis_url)
        if problem:
            problems.append(f"Redis at REDIS_URL does not answer ({problem}); start it.")
    return problems


def redis_problem(url: str) -> str | None:
    try:
        redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        ).ping()
    except (redis.exceptions.RedisError, OSError, ValueError) as error:
        return str(error).splitlines()[0][:200] or type(error).__name__
    return None


def capacity_warning(settings: Settings) -> str | None:
    """A Rasa server under load keeps one core busy; more of them than cores buys nothing."""
    cores = os.cpu_count() or 1
    if settings.rasa_instances <= cores:
        return None
    return (f"{settings.rasa_instances} Rasa servers on {cores} cores: each keeps about one core "
            "busy under load and uses about 1.4 GiB of memory.")  # fmt: skip


def serving_specs(settings: Settings, model: Path) -> List[ServerSpec]:
    """The action servers, the Rasa servers and, when clustered, nginx in front, in start order."""
    specs = [processes.action_server(settings, n) for n in range(1, settings.action_servers + 1)]
    specs += [processes.rasa_server(settings, model, n)
              for n in range(1, settings.rasa_instances + 1)]  # fmt: skip
    if settings.clustered:
        specs.append(load_balancer(settings, find_nginx() or "nginx"))
    return specs
