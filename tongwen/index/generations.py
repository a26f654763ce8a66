"""Index generations: the live index is a symlink swapped atomically, so a rebuild never leaves a node without one.

``DATA/index`` is a relative symlink to a generation directory beside it (``index.g1733490000123456789``).
`tongwen index --rebuild` builds a new generation, then renames a fresh link over ``index`` — one `rename(2)`,
so every reader sees either the old index or the new one, and a rebuild killed before that leaves the old one
serving. A running server or follower notices the new target (`current`, one `readlink`, cheap enough to ask
on every check) and reopens; the old generation is then deleted, which open files survive on POSIX.

Data dirs from before generations hold ``index`` as a plain directory; it is used as it is until the first
rebuild turns it into a link.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

GENERATION_MARK = ".g"


def current(link: Path) -> str:
    """Which generation ``link`` shows now: the symlink's target, or "" for a plain directory (or none)."""
    try:
        return os.readlink(link)
    except OSError:  # not a link: an index from before generations, or no index yet
        return ""


def live_directory(link: Path) -> Path:
    """The directory the index is in now (a new data dir gets its first generation and the link to it)."""
    if not link.exists() and not link.is_symlink():
        first = fresh_directory(link)
        first.mkdir(parents=True)
        _point(link, first)
    return link.resolve()


def fresh_directory(link: Path) -> Path:
    """A new, unused generation directory beside ``link`` (not created)."""
    return link.with_name(f"{link.name}{GENERATION_MARK}{time.time_ns()}")


def swap_in(link: Path, fresh: Path) -> None:
    """Make ``fresh`` the live index in one rename and delete the generation it replaces."""
    old = link.resolve() if link.exists() else None
    if link.exists() and not link.is_symlink():  # the plain directory of an older data dir: move it aside first
        aside = fresh_directory(link)
        os.replace(link, aside)
        old = aside
    _point(link, fresh)
    if old is not None and old != fresh.resolve():
        shutil.rmtree(old, ignore_errors=True)


def remove_abandoned(link: Path, *, keep: Path | None = None) -> None:
    """Delete generations that are not live: what a killed rebuild left behind."""
    live = link.resolve() if link.exists() else None
    for candidate in link.parent.glob(f"{link.name}{GENERATION_MARK}*"):
        if candidate.is_dir() and candidate != live and candidate != keep:
            shutil.rmtree(candidate, ignore_errors=True)


def _point(link: Path, target: Path) -> None:
    # A relative target keeps the data dir movable; the rename over the old link is the atomic step.
    # The draft's name is this thread's own: a server's first search and its follower may both make the first link.
    draft = link.with_name(f"{link.name}.link-{os.getpid()}-{threading.get_ident()}")
    draft.unlink(missing_ok=True)
    os.symlink(target.name, draft)
    os.replace(draft, link)
