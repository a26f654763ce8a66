"""Nodes that follow one store: real `tongwen serve --follow` processes on loopback, each with its own index
replica in its own data dir, all reading one store (a SQLite file, or PostgreSQL, whose followers wake by
LISTEN/NOTIFY); imports go to the store only (`--no-index`).

The catch-up times are printed (`pytest -s` shows them): from the end of an import to the first search on a
node that finds the new records.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tongwen.demo import DEMO_DIR

ROOT = Path(__file__).resolve().parents[2]

CATCH_UP_SECONDS = 30  # generous for a loaded 2-core machine; the printed figures are the real measure


def tongwen(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tongwen.cli", *args], cwd=ROOT, env=_environment(),
                          capture_output=True, text=True, check=check, timeout=300)


def _environment() -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TONGWEN_")}
    return environ | {"PYTHONPATH": str(ROOT)}


def import_into(store: Path | str, file: str, source: str, institution: str) -> None:
    """An import by another process (a harvesting node: its own data dir, the shared store)."""
    tongwen("--data", str(_importer_dir(store)), "--database", str(store), "import", str(DEMO_DIR / file),
            "--source", source, "--institution", institution, "--no-index")


def _importer_dir(store: Path | str) -> Path:
    return Path(store).parent if isinstance(store, Path) else Path(tempfile.gettempdir()) / "tongwen-importer"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Node:
    """One `tongwen serve --follow` process with its own data dir (its index replica) and the shared store."""

    def __init__(self, data: Path, store: Path | str) -> None:
        self.data, self.store = data, store
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tongwen.cli", "--data", str(self.data), "--database", str(self.store), "serve",
             "--follow", "--port", str(self.port)],
            cwd=ROOT, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.total()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the node stopped: {self.process.stderr.read().decode()}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("the node did not answer within 60 s") from None
                time.sleep(0.2)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def search(self, query: str = "", *filters: str) -> dict:
        params = urllib.parse.urlencode([("q", query), ("page_size", "1")] + [("filter", f) for f in filters])
        with urllib.request.urlopen(f"{self.url}/api/search?{params}", timeout=10) as response:
            return json.load(response)

    def total(self, *filters: str) -> int:
        return self.search("", *filters)["total"]

    def seconds_until(self, total: int, *filters: str) -> float:
        """How long until this node's search finds ``total`` records (fails past CATCH_UP_SECONDS)."""
        started = time.monotonic()
        while (found := self.total(*filters)) != total:
            assert time.monotonic() - started < CATCH_UP_SECONDS, f"{self.url} still finds {found}, not {total}"
            time.sleep(0.05)
        return time.monotonic() - started


def store_count(store: Path | str) -> int:
    from tongwen.store import Store

    with_store = Store.open(store, read_only=True)
    try:
        return with_store.count()
    finally:
        with_store.close()


@contextmanager
def nodes(tmp_path: Path, store: Path | str, count: int):
    started = [Node(tmp_path / f"node{n}", store) for n in range(count)]
    try:
        for node in started:
            node.start()
        yield started
    finally:
        for node in started:
            node.stop()


def test_two_nodes_follow_one_store_and_a_killed_node_catches_up(tmp_path, database):
    """On each backend: the SQLite file the nodes share, then one PostgreSQL server."""
    store = Path(database) if database.endswith(".sqlite") else database
    import_into(store, "nlc.dc.xml", "nlc-demo", "NLC")
    with nodes(tmp_path, store, 2) as (first, second):
        nlc = store_count(store)
        assert first.seconds_until(nlc) < CATCH_UP_SECONDS and second.seconds_until(nlc) < CATCH_UP_SECONDS

        import_into(store, "nlk.marcxml", "nlk-demo", "NLK")
        both = store_count(store)
        assert both > nlc
        latencies = [first.seconds_until(both), second.seconds_until(both)]
        assert first.total("institution:NLK") == second.total("institution:NLK") == both - nlc
        print(f"\ncatch-up after an import of {both - nlc} records: "
              + ", ".join(f"{seconds:.2f} s" for seconds in latencies))

        second.kill()
        import_into(store, "ndl.marcxml", "ndl-demo", "NDL")
        three = store_count(store)
        first.seconds_until(three)
        restarted = time.monotonic()
        second.start()  # same data dir: its replica resumes from the seq it committed
        answering = time.monotonic() - restarted
        caught_up = second.seconds_until(three)
        print(f"killed node restarted: answering after {answering:.2f} s, caught up {caught_up:.2f} s later")
        assert second.total("institution:NDL") == three - both


def test_a_rebuild_is_served_without_a_restart(tmp_path):
    store = tmp_path / "store" / "tongwen.sqlite"
    import_into(store, "nlc.dc.xml", "nlc-demo", "NLC")
    with nodes(tmp_path, store, 1) as (node,):
        node.seconds_until(store_count(store))
        live = (node.data / "index").resolve()
        rebuilt = tongwen("--data", str(node.data), "--store", str(store), "index", "--rebuild", check=False)
        # The follower thread may hold the index writer of the old generation; the rebuild writes a new one.
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert (node.data / "index").resolve() != live and not live.exists()  # swapped, the old one deleted
        import_into(store, "nlk.marcxml", "nlk-demo", "NLK")
        seconds = node.seconds_until(store_count(store))  # found through the new generation, followed on
        print(f"\nafter the rebuild the running node found new records in {seconds:.2f} s")
        assert node.total("institution:NLC") > 0


def test_a_killed_rebuild_leaves_the_old_index_serving(tmp_path):
    """A rebuild killed -9 before its swap leaves only an unused generation beside the live one."""
    store = tmp_path / "store" / "tongwen.sqlite"
    import_into(store, "nlk.marcxml", "nlk-demo", "NLK")
    data = tmp_path / "node"
    tongwen("--data", str(data), "--store", str(store), "index")
    live = (data / "index").resolve()
    rebuild = subprocess.Popen(
        [sys.executable, "-m", "tongwen.cli", "--data", str(data), "--store", str(store), "index", "--rebuild"],
        cwd=ROOT, env=_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(list(data.glob("index.g*"))) < 2 and rebuild.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuild.send_signal(signal.SIGKILL)
    rebuild.wait(timeout=10)
    if (data / "index").resolve() == live:  # killed before the swap (the usual case): the old one serves
        found = tongwen("--data", str(data), "search", "", "--json")
        assert json.loads(found.stdout)["total"] == store_count(store)
    tongwen("--data", str(data), "--store", str(store), "index", "--rebuild")
    assert [path.name for path in data.glob("index.g*")] == [(data / "index").resolve().name]


def test_index_follow_is_a_daemon_that_ctrl_c_ends_cleanly(tmp_path):
    store = tmp_path / "store" / "tongwen.sqlite"
    import_into(store, "nlc.dc.xml", "nlc-demo", "NLC")
    data = tmp_path / "replica"
    daemon = subprocess.Popen(
        [sys.executable, "-m", "tongwen.cli", "--data", str(data), "--store", str(store), "index", "--follow"],
        cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        import_into(store, "nlk.marcxml", "nlk-demo", "NLK")
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while True:
            found = tongwen("--data", str(data), "search", "", "--json", check=False)
            if found.returncode == 0 and json.loads(found.stdout)["total"] == store_count(store):
                break
            assert time.monotonic() < deadline, found.stdout + found.stderr
            time.sleep(0.2)
    finally:
        daemon.send_signal(signal.SIGINT)
        out, err = daemon.communicate(timeout=30)
    assert daemon.returncode == 0, err
    assert "following" in out and "up to change" in out and "stopped following" in out
    assert "Traceback" not in err
