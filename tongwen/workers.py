"""Worker processes that die with the process that started them.

A `kill -9` of `tongwen index --rebuild` once left its two document-building workers running for 20 minutes,
re-parented to init, ~240 MB each: a killed parent cannot tell its pool to stop. So each worker asks the kernel
to send it SIGKILL when its parent dies (Linux's PR_SET_PDEATHSIG, through libc since the standard library has
no binding for prctl), and where that is not available it watches its parent from a thread. Either way the
worker first checks that the parent did not die already while it was starting.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_WATCH_EVERY = 1.0  # seconds between looks at the parent, where the kernel cannot be asked


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    _die_with(parent)
    if initializer is not None:
        initializer(*initargs)


def worker_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers end when this process ends, however it ends.

    Linux sends the signal when the *thread* that forked the worker ends, and the pool forks its workers from
    the thread that first submits to it: use a pool from one thread, as a `with` block does."""
    return ProcessPoolExecutor(workers, initializer=_start, initargs=(os.getpid(), initializer, initargs))
