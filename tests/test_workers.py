"""Worker processes end with their parent: a `kill -9` of an index rebuild leaves no document builders behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

# A parent that builds index documents in two workers from a store that stops answering half-way (as a
# parent busy reading would), prints its workers' pids once they hold work, then waits to be killed.
PARENT = """
import multiprocessing, os, time
from tongwen.index.documents import DocumentBuilder
from tongwen.index.parallel import CHUNK, build_documents
from tongwen.model import Form, Record, Title

def records():
    for number in range(4 * CHUNK):
        yield Record("nlc", str(number), titles=[Title([Form("紅樓夢")])])
    time.sleep(600)

chunks = build_documents(records(), DocumentBuilder(), workers=2, parallel_ok=True)
next(chunks)
print(" ".join(str(child.pid) for child in multiprocessing.active_children()), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:  # a killed child not yet reaped is a zombie
        return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"


def test_document_builders_die_when_their_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        workers += [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) >= 2 and all(alive(pid) for pid in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "workers outlived their killed parent"
    finally:
        parent.kill()
        for pid in filter(alive, workers):  # when the test fails: leave nothing behind
            os.kill(pid, signal.SIGKILL)
