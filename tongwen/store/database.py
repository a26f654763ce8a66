"""The one place Tongwen opens its databases: SQLite, the embedded default, or PostgreSQL, the server mode.

The store, works, agents, registry and the archive's preservation events all live in one database. They ask
a `Database` for connections and speak one SQL: SQLite's, kept to what PostgreSQL also understands
(``ON CONFLICT``, ``RETURNING``, ``?`` parameters). Where the two engines differ, the module asks the
`Database` rather than testing which engine it has:

- `begin` — a write transaction that takes the database's one write lock at once;
- `ddl` — a schema written once, in SQLite's words, said in the engine's own;
- `unindexed`, `json_values` — the two query shapes that are spelled differently;
- `schema_version` / `set_schema_version`; `has_table`; `announce_changes` / `wait_for_changes`;
- `Error` — the exception class the engine's driver raises.

A database is named by a URL or a path: ``sqlite:///abs/path.sqlite``, ``sqlite:relative.sqlite``, a plain
path, ``:memory:``, or ``postgresql://user@host/dbname`` (any libpq URL; ``?options=-csearch_path%3Dname``
keeps Tongwen's tables in one schema).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from tongwen.store.api import StoreError

MEMORY = ":memory:"
CHANGES_CHANNEL = "tongwen_changes"  # PostgreSQL NOTIFY channel: "the change sequence moved"


class Database(ABC):
    """Where one Tongwen database lives and how to connect to it; see the module's description."""

    dialect: ClassVar[str]
    Error: ClassVar[type[Exception]]  # what the engine's driver raises
    # Values the driver refuses before they reach the database (the transaction goes on): a record holding
    # one is rejected with its reason, the rest of its batch is stored.
    unstorable: ClassVar[tuple[type[Exception], ...]] = (ValueError, TypeError)

    @classmethod
    def at(cls, location: str | os.PathLike[str] | Database) -> Database:
        """A database from a URL (``sqlite:///…``, ``postgresql://…``) or a path."""
        if isinstance(location, Database):
            return location
        text = os.fspath(location)
        if text.startswith(("postgresql://", "postgres://")):
            return PostgresDatabase(text)
        if text == MEMORY:
            return SQLiteDatabase(None)
        if text.startswith("sqlite:"):
            text = text.removeprefix("sqlite:")
            if text.startswith("//"):  # sqlite:///abs/path -> /abs/path
                text = text[2:]
            if text in ("", MEMORY):
                return SQLiteDatabase(None)
        elif "://" in text:
            raise StoreError(
                f"{without_password(text)}: not a database Tongwen knows (sqlite:///…, postgresql://… or a path)"
            )
        return SQLiteDatabase(Path(text).expanduser())

    url: str  # as given, or as this Tongwen would write it

    @abstractmethod
    def exists(self) -> bool:
        """Whether there is a database to read (a SQLite file; a PostgreSQL server that answers)."""

    @abstractmethod
    def connect(self, *, timeout: float = 10.0, cache_mb: int = 32) -> Any:
        """A connection that may write, in autocommit: the stores issue BEGIN (`begin`) and COMMIT."""

    @abstractmethod
    def connect_readonly(self, *, timeout: float = 10.0, cache_mb: int = 32) -> Any:
        """A connection that never writes, shareable between threads (web workers)."""

    @abstractmethod
    def begin(self, conn: Any) -> None:
        """Start a write transaction holding the database's one write lock."""

    @abstractmethod
    def has_table(self, conn: Any, name: str) -> bool: ...

    @abstractmethod
    def schema_version(self, conn: Any) -> int:
        """The store's schema version (0: no store yet)."""

    @abstractmethod
    def set_schema_version(self, conn: Any, version: int) -> None: ...

    @abstractmethod
    def ddl(self, sql: str) -> str:
        """Schema SQL written in SQLite's words, in this engine's."""

    @abstractmethod
    def unindexed(self, column: str) -> str:
        """`column` in a WHERE clause whose index the planner should not pick."""

    @abstractmethod
    def json_values(self, column: str) -> str:
        """A FROM item listing the values of the JSON array in `column` as `j.value`."""

    def stream(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        """A cursor over a result too large to hold, read with `fetchmany` (SQLite's cursors stream already)."""
        return conn.execute(sql, params)

    def copy_rows(self, conn: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert many new rows at once (a bulk load)."""
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                         rows)

    def check_storable(self, texts: Sequence[str | None]) -> None:
        """Raise ValueError (one of `unstorable`) for text the driver would refuse: checked before a row is
        held back for `copy_rows`, so a bad record is refused alone rather than failing the whole load."""
        for text in texts:
            if text is not None:
                text.encode("utf-8")  # a lone surrogate: UnicodeEncodeError, a ValueError

    def announce_changes(self, conn: Any) -> None:
        """Tell followers, at commit, that the change sequence moved (a no-op where they poll)."""

    def wait_for_changes(self, timeout: float, stop: threading.Event | None = None) -> None:
        """Return when the change sequence may have moved, after `timeout` seconds, or when `stop` is set."""
        if stop is None:
            time.sleep(timeout)
        else:
            stop.wait(timeout)

    def run_script(self, conn: Any, script: str) -> None:
        """Run schema SQL written in SQLite's words (`ddl`), statement by statement, inside the caller's
        transaction. Not sqlite3's executescript, which commits on its own: the script is split on ';', so
        Tongwen's schema scripts keep ';' out of their literals and comments."""
        for statement in self.ddl(script).split(";"):
            if statement.strip():
                conn.execute(statement)

    @contextmanager
    def write(self, conn: Any) -> Iterator[Any]:
        """One write transaction (see `begin`), committed at the end, rolled back on error."""
        self.begin(conn)
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def __str__(self) -> str:
        return self.url


# --- SQLite -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=True)
class SQLiteDatabase(Database):
    """One SQLite file (or an in-memory database). WAL lets readers (the portal) go on while an import writes."""

    path: Path | None  # None: an in-memory database (tests, throwaway registries)
    dialect: ClassVar[str] = "sqlite"
    Error: ClassVar[type[Exception]] = sqlite3.Error

    @property
    def url(self) -> str:  # type: ignore[override]
        return f"sqlite://{self.path.resolve()}" if self.path else f"sqlite:{MEMORY}"

    def __str__(self) -> str:
        return str(self.path) if self.path else MEMORY

    def exists(self) -> bool:
        return self.path is None or self.path.exists()

    def connect(self, *, timeout: float = 10.0, cache_mb: int = 32) -> sqlite3.Connection:
        """A connection that may write, creating the file (and its folder) when missing.

        Autocommit (`isolation_level=None`): the stores issue BEGIN/COMMIT themselves, so a batch of writes
        commits together."""
        if self.path is None:
            conn = sqlite3.connect(MEMORY, isolation_level=None, timeout=timeout)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=timeout)
            _enter_wal(conn, timeout)
            conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe with WAL
        conn.execute(f"PRAGMA cache_size = {-1000 * cache_mb:d}")  # a fixed ceiling on the page cache
        conn.execute("PRAGMA foreign_keys = ON")  # enforced, as PostgreSQL always does
        return conn

    def connect_readonly(self, *, timeout: float = 10.0, cache_mb: int = 32) -> sqlite3.Connection:
        """A connection that never writes nor takes the write lock, shareable between threads (web workers)."""
        if self.path is None:
            raise StoreError("an in-memory database cannot be opened read-only")
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False, timeout=timeout)
        conn.execute(f"PRAGMA cache_size = {-1000 * cache_mb:d}")
        return conn

    def begin(self, conn: sqlite3.Connection) -> None:
        # IMMEDIATE takes the write lock now: two writers queue rather than deadlock, and a change number read
        # inside the transaction cannot be taken by another writer.
        conn.execute("BEGIN IMMEDIATE")

    def has_table(self, conn: sqlite3.Connection, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None

    def schema_version(self, conn: sqlite3.Connection) -> int:
        return conn.execute("PRAGMA user_version").fetchone()[0]

    def set_schema_version(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {version:d}")

    def ddl(self, sql: str) -> str:
        return sql

    def unindexed(self, column: str) -> str:
        # The unary "+" keeps SQLite's planner off the column's indexes (see Store.iter_records, get_many).
        return f"+{column}"

    def json_values(self, column: str) -> str:
        return f"json_each({column}) AS j"


# --- PostgreSQL -------------------------------------------------------------------------------------------


def _enter_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """``PRAGMA journal_mode = WAL``, tried again while the file is locked: on a new file, connections switching
    it at the same moment get "database is locked" at once, without SQLite's busy wait (three importers
    starting together on an empty data dir failed 5 times in 200)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@dataclass(eq=True)
class PostgresDatabase(Database):
    """A PostgreSQL database (server mode), through psycopg 3."""

    dsn: str
    read_connections: int = field(default=10, compare=False)  # the most this process keeps open for reading
    _listener: Any = field(default=None, compare=False, repr=False)  # the LISTEN connection of a follower
    dialect: ClassVar[str] = "postgresql"

    @property
    def url(self) -> str:  # type: ignore[override]
        return self.dsn

    def __str__(self) -> str:
        return without_password(self.dsn)

    @property
    def Error(self) -> type[Exception]:  # type: ignore[override]  # noqa: N802 - mirrors sqlite3.Error
        return _psycopg().Error

    @property
    def unstorable(self) -> tuple[type[Exception], ...]:  # type: ignore[override]
        return (ValueError, TypeError, _psycopg().DataError)  # DataError: a NUL in text, checked by psycopg

    def exists(self) -> bool:
        """True when the server answers (a database with no tables yet counts); a server that does not answer
        is an error to report, not an empty collection, so this raises StoreError saying why."""
        self.connect_readonly(timeout=5).execute("SELECT 1")
        return True

    def connect(self, *, timeout: float = 10.0, cache_mb: int = 32) -> PostgresConnection:
        return PostgresConnection(self._open(timeout, read_only=False))

    def connect_readonly(self, *, timeout: float = 10.0, cache_mb: int = 32) -> PooledReadConnection:
        """Reads on this process's pool of connections the server keeps from writing (`PooledReadConnection`)."""
        return PooledReadConnection(self._read_pool(timeout), self)

    def _read_pool(self, timeout: float) -> Any:
        # One pool per process and server, shared by every reader of this database: the web's threads each
        # hold a store, works and agents reader, and one connection each would be 3 × 40 threads × workers,
        # past PostgreSQL's default max_connections (100). Per process: a pool's threads do not survive a fork.
        key = (os.getpid(), self.dsn)
        with _READ_POOLS_LOCK:
            pool = _READ_POOLS.get(key)
            if pool is None or pool.closed:
                self._open(timeout, read_only=True).close()  # an unreachable server says why, here and now
                from psycopg_pool import ConnectionPool

                options = {"options": "-c default_transaction_read_only=on"}
                pool = ConnectionPool(
                    self.dsn, min_size=1, max_size=self.read_connections, timeout=max(timeout, 1.0),
                    name="tongwen-read", open=True,
                    kwargs={"autocommit": True, "application_name": "tongwen", "connect_timeout": max(1, int(timeout)),
                            **_merged_options(self.dsn, options)},
                )
                _READ_POOLS[key] = pool
            return pool

    def _open(self, timeout: float, *, read_only: bool) -> Any:
        psycopg = _psycopg()
        options = {"options": "-c default_transaction_read_only=on"} if read_only else {}
        try:
            return psycopg.connect(self.dsn, autocommit=True, connect_timeout=max(1, int(timeout)),
                                   application_name="tongwen", **_merged_options(self.dsn, options))
        except psycopg.OperationalError as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise StoreError(f"cannot connect to the PostgreSQL database {self}: {reason}") from None

    def close_read_pool(self) -> None:
        """Close this process's reading connections to this database (a test dropping its schema; a shutdown)."""
        with _READ_POOLS_LOCK:
            pool = _READ_POOLS.pop((os.getpid(), self.dsn), None)
        if pool is not None:
            pool.close()

    def begin(self, conn: PostgresConnection) -> None:
        # One write lock for the whole database, as SQLite has: a change number is taken inside the
        # transaction, and followers read "every change after seq N", so changes must commit in seq order —
        # with a plain SEQUENCE a transaction holding seq 7 could commit after one holding seq 8 was read.
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))

    def has_table(self, conn: PostgresConnection, name: str) -> bool:
        # A query on pg_class, not to_regclass: to_regclass looks in the catalog cache, which in a transaction
        # begun before another process created the table (a second importer waiting for the write lock while
        # the first migrates) may not show it yet. The schemas are search_path's, so a schema named in the URL
        # is the one asked about.
        return conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            " ON n.oid = c.relnamespace WHERE c.relname = ? AND n.nspname = ANY (current_schemas(false)))",
            (name,),
        ).fetchone()[0]

    def schema_version(self, conn: PostgresConnection) -> int:
        if not self.has_table(conn, "tongwen_schema"):
            return 0
        row = conn.execute("SELECT version FROM tongwen_schema WHERE part = 'store'").fetchone()
        return 0 if row is None else row[0]

    def set_schema_version(self, conn: PostgresConnection, version: int) -> None:
        # PostgreSQL has no PRAGMA user_version: the version is a row of its own.
        conn.execute("CREATE TABLE IF NOT EXISTS tongwen_schema (part TEXT PRIMARY KEY, version INTEGER NOT NULL)")
        conn.execute("INSERT INTO tongwen_schema (part, version) VALUES ('store', ?)"
                     " ON CONFLICT (part) DO UPDATE SET version = excluded.version", (version,))

    def ddl(self, sql: str) -> str:
        """SQLite's schema in PostgreSQL's words: the few types and clauses that differ, nothing else."""
        for pattern, replacement in _POSTGRES_DDL:
            sql = pattern.sub(replacement, sql)
        return sql

    def unindexed(self, column: str) -> str:
        return column  # PostgreSQL's planner needs no steering here

    def json_values(self, column: str) -> str:
        return f"jsonb_array_elements_text(({column})::jsonb) AS j(value)"

    def stream(self, conn: PostgresConnection, sql: str, params: Sequence[Any] = ()) -> Any:
        """A server-side cursor: psycopg's ordinary cursor fetches the whole result at once, which for every
        blocking key of a million records is most of a gigabyte. WITH HOLD lets it outlive the statement in
        autocommit; closing it (or the end of the session) frees it on the server."""
        cursor = conn.raw.cursor(name=f"tongwen_stream_{id(conn)}", withhold=True)
        cursor.itersize = 10_000
        cursor.execute(_placeholders(sql) if params else sql, tuple(params) if params else None)
        return cursor

    def copy_rows(self, conn: PostgresConnection, table: str, columns: Sequence[str],
                  rows: Sequence[Sequence[Any]]) -> None:
        """COPY: one stream for the whole load rather than a round trip per row."""
        with conn.raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def check_storable(self, texts: Sequence[str | None]) -> None:
        super().check_storable(texts)
        if any(text is not None and "\x00" in text for text in texts):
            raise ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes")

    def announce_changes(self, conn: PostgresConnection) -> None:
        conn.execute(f"NOTIFY {CHANGES_CHANNEL}")  # delivered when the transaction commits

    def wait_for_changes(self, timeout: float, stop: threading.Event | None = None) -> None:
        """Wait on LISTEN, so a follower wakes as soon as an importer commits rather than at its next poll."""
        if self._listener is None or self._listener.closed:
            self._listener = self._open(timeout=10, read_only=True)
            self._listener.execute(f"LISTEN {CHANGES_CHANNEL}")
        for _ in self._listener.notifies(timeout=timeout, stop_after=1):
            pass


# pg_advisory_xact_lock's key for Tongwen's write lock: "tongwen" as a number, so other applications sharing
# the server are unlikely to pick it.
_WRITE_LOCK = int.from_bytes(b"tongwen", "big")

_POSTGRES_DDL = [
    (re.compile(r"\bINTEGER PRIMARY KEY( AUTOINCREMENT)?\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\s+WITHOUT ROWID\b"), ""),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bINTEGER\b(?! PRIMARY)"), "BIGINT"),  # SQLite's INTEGER is 64-bit; PostgreSQL's is 32
    # SQLite compares text byte by byte; so does the "C" collation. Paging by "id > last" and every listing
    # then come in the same order on both engines, whatever the server's locale.
    (re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),
]


class PostgresConnection:
    """A psycopg connection that takes the stores' SQL as written: ``?`` parameters become psycopg's ``%s``.

    Only the few calls the stores make (execute, executemany, in_transaction, close) are offered. Written
    here rather than taken from a library because psycopg 3 reads no ``?`` parameters, and SQLite's driver
    no ``%s`` ones; our SQL has no ``?`` or ``%`` inside literals, which is what makes the rewrite safe."""

    def __init__(self, conn: Any):
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if not params:  # without parameters psycopg sends the text as it is: no %% to undo
            return self._conn.execute(sql)
        return self._conn.execute(_placeholders(sql), tuple(params))

    def executemany(self, sql: str, rows: Any) -> Any:
        cursor = self._conn.cursor()
        cursor.executemany(_placeholders(sql), [tuple(row) for row in rows])
        return cursor

    @property
    def raw(self) -> Any:
        """The psycopg connection itself, for what the stores' SQL needs no rewriting for (server cursors)."""
        return self._conn

    @property
    def in_transaction(self) -> bool:
        from psycopg import pq

        return self._conn.info.transaction_status != pq.TransactionStatus.IDLE

    @property
    def closed(self) -> bool:
        return self._conn.closed

    def close(self) -> None:
        self._conn.close()


_READ_POOLS: dict[tuple[int, str], Any] = {}  # (process id, dsn) -> psycopg_pool.ConnectionPool
_READ_POOLS_LOCK = threading.Lock()


class PooledReadConnection:
    """What a read-only store holds in server mode: each statement borrows a connection from the process's
    pool for as long as it runs, and hands back its rows, fetched. Reads are single statements (the web never
    needs a transaction), so a connection is busy only while the server answers; connections the server
    dropped (a restart, an idle timeout) cost one retry, not an error page."""

    in_transaction = False

    def __init__(self, pool: Any, database: PostgresDatabase):
        self._pool = pool
        self._database = database

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _FetchedRows:
        psycopg = _psycopg()
        from psycopg_pool import PoolTimeout

        for attempt in (1, 2):
            try:
                with self._pool.connection() as conn:
                    cursor = PostgresConnection(conn).execute(sql, params)
                    return _FetchedRows(cursor.fetchall() if cursor.description else [], cursor.description)
            except PoolTimeout:
                raise StoreError(f"the PostgreSQL database {self._database} gave no connection in "
                                 f"{self._pool.timeout:g} s: all {self._pool.max_size} of this process's reading "
                                 "connections are busy, or the server stopped answering") from None
            except psycopg.OperationalError:
                if attempt == 2:
                    raise
                self._pool.check()  # the others went with it (a restart ends them all): drop them before the retry
        raise AssertionError("unreachable")

    @property
    def closed(self) -> bool:
        return self._pool.closed

    def close(self) -> None:
        """Nothing to close: the pool outlives its readers (it is the process's, for the next one)."""


class _FetchedRows:
    """A statement's rows, already fetched: the part of a cursor that readers use."""

    def __init__(self, rows: list[Any], description: Any):
        self._rows = rows
        self._next = 0
        self.description = description

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int = 1) -> list[Any]:
        rows = self._rows[self._next:self._next + size]
        self._next += len(rows)
        return rows

    def fetchall(self) -> list[Any]:
        rows = self._rows[self._next:]
        self._next = len(self._rows)
        return rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


def _placeholders(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


def _merged_options(dsn: str, extra: dict[str, str]) -> dict[str, str]:
    """Extra libpq options added to those the URL already has (its ``options=`` is kept, not replaced)."""
    if not extra:
        return {}
    from psycopg.conninfo import conninfo_to_dict

    given = conninfo_to_dict(dsn).get("options")
    return {"options": f"{given} {extra['options']}" if given else extra["options"]}


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency; a broken install says so clearly
        raise StoreError("PostgreSQL needs the psycopg package: pip install 'psycopg[binary]'") from None
    return psycopg


def create_layer_tables(database: Database, conn: Any, layer: str, schema: str, version: int) -> None:
    """The tables of a layer that follows the store (``works``, ``agents``), created when missing.

    Each keeps ``{layer}_meta`` with its ``schema_version`` and the ``synced_seq`` of the store's change
    feed it has applied. A layer written by a newer Tongwen is refused, not touched."""
    meta = f"{layer}_meta"
    found = conn.execute(f"SELECT value FROM {meta} WHERE key = 'schema_version'").fetchone() \
        if database.has_table(conn, meta) else None
    if found is not None and int(found[0]) > version:
        raise StoreError(f"the {layer} tables in {database} have schema version {found[0]}, newer than this "
                         f"Tongwen knows ({version}); upgrade Tongwen")
    with database.write(conn):
        database.run_script(conn, schema)
        conn.execute(f"INSERT INTO {meta} VALUES ('schema_version', ?) ON CONFLICT DO NOTHING", (str(version),))
        conn.execute(f"INSERT INTO {meta} VALUES ('synced_seq', '0') ON CONFLICT DO NOTHING")


def without_password(url: str) -> str:
    """The URL as it may appear in a message: a password never goes to a log."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if at and ":" in credentials:
        credentials = credentials.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{credentials}{at}{host}"
