"""nginx as the single entry in front of several Rasa and action servers.

Why nginx: it is what a real deployment puts in front of Rasa (an ingress or
a plain reverse proxy), it upgrades socket.io connections to WebSockets, and
Debian ships it. ``bot run`` writes its configuration from
``nginx.conf.in`` into ``var/cluster/`` and supervises it like any other
server: in the foreground, logging to stderr, with its pid file and temporary
folders under ``var/cluster/`` so it needs nothing outside the project.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from string import Template
from typing import Iterable, Optional

from bot.config import Settings
from bot.processes import ServerSpec

TEMPLATE = Path(__file__).with_name("nginx.conf.in")
# Debian installs it in /usr/sbin, which is not on every user's PATH.
NGINX_LOCATIONS = ("nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx")
NAME = "load balancer"


def find_nginx() -> Optional[str]:
    for candidate in NGINX_LOCATIONS:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def state_dir(settings: Settings) -> Path:
    return settings.var_dir / "cluster"


def render(settings: Settings) -> str:
    """The nginx configuration for ``settings``' instances and ports."""
    return Template(TEMPLATE.read_text()).substitute(
        state_dir=state_dir(settings),
        public_listen=f"{settings.bind_host}:{settings.rasa_port}",
        action_port=settings.action_port,
        rasa_servers=_servers(settings.rasa_instance_ports),
        action_servers=_servers(settings.action_server_ports),
        rasa_count=len(settings.rasa_instance_ports),
        action_count=len(settings.action_server_ports),
        max_body=settings.max_request_bytes,
    )


def _servers(ports: Iterable[int]) -> str:
    # After one refused connection an instance rests for 5 s, then is tried again.
    return "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in ports
    )


def write_config(settings: Settings) -> Path:
    directory = state_dir(settings)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "nginx.conf"
    path.write_text(render(settings))
    return path


def load_balancer(settings: Settings, nginx: str) -> ServerSpec:
    """nginx in the foreground on the public Rasa port and the loopback action port."""
    config = write_config(settings)
    command = [nginx, "-c", str(config), "-p", str(config.parent), "-g", "daemon off;"]
    return ServerSpec(NAME, command, settings.rasa_url + "/", {"PATH": "/usr/sbin:/usr/bin"})
