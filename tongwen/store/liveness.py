"""Whose run is it, and is that process still alive?

A run records its owner when it starts: host name, process id and the process's start time. The start time
guards against a recycled pid (after a reboot or a long uptime another program may hold the number); on
systems without /proc it is left out and the pid alone decides. Only runs owned on this host are judged: a run
started on another machine (several importers on one PostgreSQL store) is that machine's to judge.

    >>> owner = current_owner()
    >>> owner_is_gone(owner)
    False
    >>> owner_is_gone(f"{socket.gethostname()}:999999999:0")
    True
    >>> owner_is_gone("another-host:1:0")
    False
"""

from __future__ import annotations

import os
import socket


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or "" if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return ""
    # The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    return stat.rsplit(")", 1)[-1].split()[19]


def current_owner() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def owner_is_gone(owner: str | None) -> bool:
    """True when `owner` names a process on this host that no longer runs."""
    if not owner:
        return False  # runs recorded before owners were kept: nothing to judge them by
    host, pid_text, started = owner.rsplit(":", 2)
    if host != socket.gethostname():
        return False
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, owned by another user
    return bool(started) and _start_time(pid) not in ("", started)
