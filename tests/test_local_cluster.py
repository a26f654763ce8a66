"""deploy/local-cluster.sh, the consortium's shape on loopback (docs/deploying.md): one PostgreSQL server, a
harvesting node that loads the demo, two web nodes following it — run as a librarian would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.postgres import binary

SCRIPT = ROOT / "deploy" / "local-cluster.sh"


def search(port: int, query: str) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={urllib.parse.quote(query)}",
                                timeout=10) as response:
        return json.load(response)["total"]


def test_the_local_cluster_starts_serves_the_same_records_on_every_node_and_stops() -> None:
    if binary("initdb") is None:
        if os.environ.get("TONGWEN_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail("PostgreSQL is not installed")
        pytest.skip("PostgreSQL is not installed")
    from tests.index.test_follow import _free_port

    # Not under tmp_path: pytest makes it readable by root alone, and the server runs as the postgres user.
    cluster = Path(tempfile.mkdtemp(prefix="tongwen-cluster-"))
    cluster.chmod(0o755)
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TONGWEN_")} | {
        "CLUSTER": str(cluster), "PGPORT": str(_free_port()), "NODE_PORT": str(_free_port()),
        "TONGWEN": f"env PYTHONPATH={ROOT} {sys.executable} -m tongwen.cli",
    }
    port = int(environ["NODE_PORT"])

    def run(*args: str) -> str:
        done = subprocess.run([str(SCRIPT), *args], env=environ, capture_output=True, text=True, timeout=400)
        assert done.returncode == 0, done.stderr + done.stdout
        return done.stdout

    try:
        started = run("start", "2")
        assert f"web node 2: http://127.0.0.1:{port + 1}/" in started
        assert search(port, "紅樓夢") == search(port + 1, "红楼梦") > 0
        assert search(port, "") == search(port + 1, "") > 200  # the demo: every record, grouped by work
        status = run("status")
        assert status.count(f"{search(port, '')} records") == 2
    finally:
        run("destroy")
    assert not cluster.exists()
