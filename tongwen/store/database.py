"""The one place Tongwen opens its databases (issue 11.1, the seam for a PostgreSQL backend).

The store, works, agents, registry and the archive's preservation events all live in one database. Each of
them used to call ``sqlite3.connect`` with its own pragmas; now they ask a `Database` for a connection, so
the connection rules (WAL for concurrent readers, read-only opens that never take the write lock, the
busy timeout) are written once, and a second backend has one seam to implement rather than five.

A database is named by a URL or a path: ``sqlite:///abs/path.sqlite``, ``sqlite:relative.sqlite``, a plain
path, or ``:memory:``. ``postgresql://…`` is recognised and refused with a clear message until that backend
lands, rather than being taken for a file name.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tongwen.store.api import StoreError

MEMORY = ":memory:"


@dataclass(frozen=True)
class Database:
    """Where one Tongwen database lives and how to connect to it."""

    path: Path | None  # None: an in-memory database (tests, throwaway registries)
    dialect: str = "sqlite"

    @classmethod
    def at(cls, location: str | os.PathLike[str] | Database) -> Database:
        """A database from a URL (``sqlite:///…``) or a path; ``postgresql://`` is refused for now."""
        if isinstance(location, Database):
            return location
        text = os.fspath(location)
        if text == MEMORY:
            return cls(None)
        if text.startswith(("postgresql://", "postgres://")):
            raise StoreError(
                f"{_without_password(text)}: this Tongwen cannot store in PostgreSQL yet; "
                "use a SQLite file (leave --database / TONGWEN_DATABASE unset for the data dir's own)"
            )
        if text.startswith("sqlite:"):
            text = text.removeprefix("sqlite:")
            if text.startswith("//"):  # sqlite:///abs/path -> /abs/path
                text = text[2:]
            if text in ("", MEMORY):
                return cls(None)
        elif "://" in text:
            raise StoreError(f"{_without_password(text)}: not a database Tongwen knows (sqlite:/// or a path)")
        return cls(Path(text).expanduser())

    @property
    def url(self) -> str:
        return f"sqlite://{self.path.resolve()}" if self.path else f"sqlite:{MEMORY}"

    def exists(self) -> bool:
        return self.path is None or self.path.exists()

    def connect(self, *, timeout: float = 10.0, wal: bool = True) -> sqlite3.Connection:
        """A connection that may write, creating the file (and its folder) when missing.

        Autocommit (`isolation_level=None`): the stores issue BEGIN/COMMIT themselves, so a batch of writes
        commits together. WAL lets readers (the portal) go on while an import writes."""
        if self.path is None:
            return sqlite3.connect(MEMORY, isolation_level=None, timeout=timeout)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=timeout)
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe with WAL
        return conn

    def connect_readonly(self, *, timeout: float = 10.0) -> sqlite3.Connection:
        """A connection that never writes nor takes the write lock, shareable between threads (web workers)."""
        if self.path is None:
            raise StoreError("an in-memory database cannot be opened read-only")
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False, timeout=timeout)

    def has_table(self, conn: sqlite3.Connection, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: taken at once (so two writers queue rather than deadlock), rolled back on error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _without_password(url: str) -> str:
    """The URL as it may appear in a message: a password never goes to a log."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{credentials}{at}{host}"
