"""CPU time and resident memory of a server's process group, read from ``/proc``.

Every server is started in its own session (``bot.processes.start``), so its
process group id is its pid, and summing over the group also counts any
worker process a server forks.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator, List

PROC = Path("/proc")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: str) -> List[str]:
    text = (PROC / pid / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # the command name may hold spaces


def group_pids(pgid: int) -> Iterator[str]:
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat_fields(entry.name)[2]) == pgid:
                yield entry.name
        except (OSError, ValueError, IndexError):  # the process exited while we looked
            continue


def cpu_seconds(pgid: int) -> float:
    """User plus system CPU time of every live process in the group."""
    ticks = 0
    for pid in group_pids(pgid):
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / TICKS_PER_SECOND


def rss_megabytes(pgid: int) -> float:
    """VmRSS summed over the group (pages shared between its processes count twice)."""
    kilobytes = 0
    for pid in group_pids(pgid):
        try:
            lines = (PROC / pid / "status").read_text().splitlines()
        except OSError:
            continue
        kilobytes += sum(int(line.split()[1]) for line in lines if line.startswith("VmRSS:"))
    return kilobytes / 1024
