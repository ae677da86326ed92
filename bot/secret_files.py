"""Secrets generated on first use into ``var/secrets/``, readable by this user only.

Used when a secret is not set in the environment: both processes that must
share it (Rasa and the action server, or several workspace instances on one
host) read the same file. Setting the variable instead is needed across hosts.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from bot.atomic_file import write_atomically


def generated_secret(path: Path) -> str:
    """The secret in ``path``, created with 32 random bytes if it does not exist yet."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    old_umask = os.umask(0o077)
    try:
        draft = write_atomically(path.with_name(f".draft-{os.getpid()}"),
                                 secrets.token_urlsafe(32).encode())  # fmt: skip
        # Several servers start at once: a hard link never replaces a file, so
        # the first one's secret is kept and every process reads that one back.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    finally:
        os.umask(old_umask)
    return path.read_text().strip()
