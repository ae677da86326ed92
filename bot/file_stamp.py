"""A cheap "has this file changed?" key for caches in long-lived processes.

The action server runs for weeks while admins edit business hours and promote
models; caching what it reads by path alone serves yesterday's answers until a
restart. Keying the cache on a stamp (a ``stat`` per call, microseconds)
serves each edit from the next request on, and parses a file only when it
changed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional, Tuple

Stamp = Tuple[str, Optional[int], Optional[int], Optional[int]]


def stamp(path: Path) -> Stamp:
    """Path, modification time, size and inode of ``path``; Nones when it is missing."""
    try:
        info = os.stat(path)
    except OSError:
        return (str(path), None, None, None)
    return (str(path), info.st_mtime_ns, info.st_size, info.st_ino)


def folder_stamp(folder: Path, pattern: str = "*.yml") -> Tuple[Stamp, ...]:
    """Stamps of the files in ``folder`` matching ``pattern``: changes when any is edited."""
    return tuple(stamp(path) for path in sorted(Path(folder).glob(pattern)))


def stamps(paths: Iterable[Path]) -> Tuple[Stamp, ...]:
    return tuple(stamp(Path(path)) for path in paths)
