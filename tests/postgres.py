"""A throwaway PostgreSQL cluster for the tests: a real server, started by the tests, gone after them.

The cluster is made with Debian's (or any) `initdb` and started with `pg_ctl` on a free loopback port. Run
as root (CI), both run as the ``postgres`` user, as PostgreSQL refuses to run as root. Each test gets a schema
of its own, named in the URL (``options=-csearch_path=…``), so tests never see each other's tables.

When no PostgreSQL is installed the PostgreSQL half of the suite is skipped, unless
``TONGWEN_REQUIRE_POSTGRES=1`` (set by `.ci/run`) makes that a failure.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from tongwen.store.database import PostgresDatabase


def binary(name: str) -> str | None:
    """A PostgreSQL program (initdb, pg_ctl, pg_dump…): on PATH, else in Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _as_postgres_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster; yields the URL of its ``postgres`` database (superuser, trust auth on loopback)."""
    initdb, pg_ctl = binary("initdb"), binary("pg_ctl")
    if not (initdb and pg_ctl):
        message = "PostgreSQL is not installed (no initdb/pg_ctl): the PostgreSQL half of the suite cannot run"
        if os.environ.get("TONGWEN_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)
    home = Path(tempfile.mkdtemp(prefix="tongwen-pg-"))
    data = home / "data"
    user = _as_postgres_user()
    if user:
        shutil.chown(home, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    subprocess.run([*user, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, capture_output=True)
    # Durability off: this cluster lives for one test run.
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
              " -c full_page_writes=off -c max_connections=200"
    subprocess.run([*user, pg_ctl, "-D", str(data), "-o", options, "-l", str(home / "log"), "-w", "start"],
                   check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


_schemas = itertools.count(1)


def schema_of(url: str) -> str:
    """The schema a `fresh_schema` URL names."""
    options = unquote(url)
    return options.rsplit("search_path=", 1)[1].split("&")[0] if "search_path=" in options else "public"


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """An empty schema on the test cluster; yields a URL whose connections use it."""
    import psycopg

    name = f"t{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        url = f"{server_url}?options={quote(f'-csearch_path={name}')}"
        yield url
    finally:
        PostgresDatabase(url).close_read_pool()
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")
