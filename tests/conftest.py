"""Fixtures shared by the whole suite. Real data is read from ../shared/data (beside the project root)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tongwen.demo import DEMO_DIR  # noqa: F401  (re-exported: the tests' one name for the demo collection)

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"

# Property tests. Locally they explore (new random examples every run, failures replayed from the example
# database). In CI (the CI variable set, as .ci/run and every CI service do) they are derandomized, so a run
# is reproducible and a random counterexample cannot block a landing; a failure prints the
# @reproduce_failure blob. The deadline catches a hang, not a slow shared machine. A counterexample found
# either way becomes a regular example test next to the property.
settings.register_profile(
    "ci",
    derandomize=True,
    print_blob=True,
    database=None,
    deadline=10_000,  # milliseconds per example
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI", "").lower() not in ("", "0", "false"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared test data is missing: expected it at {SHARED_DATA}")
    return SHARED_DATA


@contextmanager
def _serving(app) -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free loopback port for the length of the block; yields its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start within 20 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def serve_app() -> Callable:
    """``with serve_app(app) as url:`` — a real HTTP server on 127.0.0.1 for real clients (browser, Sickle,
    our harvester)."""
    return _serving


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a real PostgreSQL server started for this test run (see tests/postgres.py)."""
    from tests.postgres import cluster

    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty Tongwen database on each backend: a SQLite file, then a PostgreSQL schema of its own.

    Tests taking this fixture run twice; the store, works, registry and pipeline suites use it, so both
    backends keep one behaviour."""
    if request.param == "sqlite":
        yield str(tmp_path / "tongwen.sqlite")
        return
    from tests.postgres import fresh_schema

    with fresh_schema(request.getfixturevalue("postgres_server")) as url:
        yield url
