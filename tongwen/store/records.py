"""The record store, on either database engine (`tongwen.store.database`): a versioned schema, a change feed.

    >>> import tempfile, pathlib
    >>> from tongwen.model import Record
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tongwen.sqlite"
    >>> with Store.open(path) as store:
    ...     store.upsert(Record("nlk", "KMO1"))
    ...     store.upsert(Record("nlk", "KMO1"))
    ...     store.delete("nlk:KMO1")
    ...     [(c.seq, c.record_id, c.deleted) for c in store.changes_since(0)]
    'added'
    'unchanged'
    True
    [(2, 'nlk:KMO1', True)]

Writes outside `batch()` commit one by one; inside `with store.batch():` they commit every N writes, which is
what makes bulk imports fast. Every add, update and delete takes the next number of a store-wide change
sequence (`seq`); followers (search index, OAI-PMH) ask for `changes_since(their last seq)`, and may
`wait_for_changes()` in between (PostgreSQL wakes them by NOTIFY at once; SQLite followers poll).

The SQL is SQLite's, kept to what PostgreSQL also reads; the few differences are asked of the `Database`.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tongwen.model import Record
from tongwen.store.api import (
    COUNT_NAMES,
    Change,
    Problem,
    Run,
    SourceInfo,
    StoreError,
    UpsertResult,
)
from tongwen.store.codec import EncodedRecord, decode, encode
from tongwen.store.database import Database
from tongwen.store.liveness import current_owner, owner_is_gone
from tongwen.store.seen import SeenFilter

_PAGE = 1000  # rows per query when streaming; bounds memory whatever the store's size
_FIRST_PAGE = 50  # ... starting small, then as many as fit in _PAGE_BYTES of stored data:
_PAGE_BYTES = 4_000_000  # a digitised book's record holds every page of it
_ID_PAGE = 10_000  # ids per query of `record_ranges`
_MAX_PARAMS = 500  # ids per IN (...) query, well under SQLite's parameter limit
_UNKNOWN = object()  # "not prefetched" (None is a prefetched "no such record")
_POLL_SECONDS = 0.2  # a follower looks at the head of the change feed (one indexed read) this often


def _rows_within(budget: int, rows: Sequence[Sequence[Any]]) -> int:
    """How many rows like ``rows`` fit in ``budget`` stored bytes (1 to `_PAGE`). Found by the full-text
    benchmark: a thousand 700-page items are most of its collection, and fetching a thousand rows at a time
    made a rebuild's memory grow with the collection."""
    stored = sum(len(value) for row in rows for value in row if isinstance(value, (bytes, str)))
    return max(1, min(_PAGE, budget * len(rows) // max(1, stored)))


_now_cache: tuple[int, str] = (-1, "")  # (second, its datestamp): every stored record asks, many a second


def utc_now() -> str:
    global _now_cache
    second = int(time.time())
    if _now_cache[0] != second:  # strftime alone was 5% of the importer's time
        _now_cache = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return _now_cache[1]


# --- schema ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    sql: str
    backfill: Callable[[Any, Database], None] | None = None  # data steps SQL alone cannot do


def _backfill_facets(conn: Any, database: Database) -> None:
    """Fill the stats columns of records stored before version 2, a page at a time."""
    last = ""
    while True:
        rows = conn.execute(
            "SELECT id, content FROM records WHERE id > ? ORDER BY id LIMIT ?", (last, _PAGE)
        ).fetchall()
        if not rows:
            return
        for record_id, content in rows:
            enc = encode(decode(content, None, None, None))
            conn.execute(
                "UPDATE records SET languages = ?, scripts = ?, year_from = ?, year_to = ? WHERE id = ?",
                (enc.languages, enc.scripts, enc.year_from, enc.year_to, record_id),
            )
        last = rows[-1][0]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "records with tombstones and a change sequence; runs, problems, sources, meta",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE sources (
            name TEXT PRIMARY KEY, institution TEXT, format TEXT, created TEXT NOT NULL
        );
        CREATE TABLE records (
            -- Small, often-read columns first: SQLite reads a row from its start, so the lookups an
            -- import makes (hash, deleted) never walk the overflow pages of the large text at the end.
            id TEXT PRIMARY KEY,          -- "source:local_id"
            source TEXT NOT NULL,
            local_id TEXT NOT NULL,
            institution TEXT,
            hash TEXT NOT NULL,           -- of content + original: unchanged re-imports are skipped
            deleted INTEGER NOT NULL DEFAULT 0,
            datestamp TEXT NOT NULL,      -- UTC, changes only when the content does
            seq INTEGER NOT NULL,         -- store-wide change number
            run_id INTEGER,               -- the run that last changed the record
            position TEXT,                -- where that run found it
            content TEXT NOT NULL,        -- Record JSON without provenance original/run_id/position
            original TEXT                 -- provenance.original: the source record verbatim
        );
        CREATE UNIQUE INDEX records_seq ON records (seq);
        CREATE INDEX records_source ON records (source, deleted, id);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL, source TEXT NOT NULL, files TEXT NOT NULL, format TEXT,
            started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
            added INTEGER NOT NULL DEFAULT 0, updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0, repaired INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE problems (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs (id),
            position TEXT, record_id TEXT, field TEXT,
            severity TEXT NOT NULL, message TEXT NOT NULL
        );
        CREATE INDEX problems_run ON problems (run_id, id);
        """,
    ),
    Migration(
        2,
        "languages, scripts and years as columns, so stats need not decode every record",
        """
        ALTER TABLE records ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE records ADD COLUMN scripts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE records ADD COLUMN year_from INTEGER;
        ALTER TABLE records ADD COLUMN year_to INTEGER;
        -- Added columns land after the large text, so this covering index lets stats() read them (and
        -- count() its rows) without touching the records themselves.
        CREATE INDEX records_facets ON records (deleted, source, institution, year_from, year_to, languages,
            scripts);
        """,
        _backfill_facets,
    ),
    Migration(
        3,
        "the process that owns a run, so a run whose process died can be told from one still going",
        "ALTER TABLE runs ADD COLUMN owner TEXT;  -- host:pid:start time, see store/liveness.py",
    ),
    Migration(
        4,
        "counts kept as records change, so stats take milliseconds at any size rather than a full scan",
        """
        CREATE TABLE record_counts (
            facet TEXT NOT NULL,  -- source, institution, language, script, or the totals: live, deleted, with_year
            value TEXT NOT NULL,  -- '' for the totals
            n INTEGER NOT NULL,
            PRIMARY KEY (facet, value)
        ) WITHOUT ROWID;
        -- The year range's two ends, each one index lookup (not partial indexes: SQLite's planner then
        -- preferred the covering records_facets and read every live row).
        CREATE INDEX records_year_from ON records (deleted, year_from);
        CREATE INDEX records_year_to ON records (deleted, (COALESCE(year_to, year_from)));
        """,
        lambda conn, database: _backfill_counts(conn, database),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def migrate(conn: Any, database: Database, target: int = SCHEMA_VERSION) -> int:
    """Bring the database up to `target`, one migration per transaction. Returns the version reached."""
    version = database.schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the database has schema version {version}, newer than this Tongwen knows ({SCHEMA_VERSION}); "
            "upgrade Tongwen"
        )
    for step in MIGRATIONS:
        if version < step.version <= target:
            with database.write(conn):
                # Asked again under the write lock: two importers starting at once both saw the old version,
                # and the second must find the first one's work done rather than create the tables again.
                version = database.schema_version(conn)
                if version >= step.version:
                    continue
                database.run_script(conn, step.sql)
                if step.backfill:
                    step.backfill(conn, database)
                database.set_schema_version(conn, step.version)
                conn.execute(_SET_META, ("schema_migrated", utc_now()))
            version = step.version
    return version


_SET_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


def _mark_interrupted_runs(conn: Any) -> None:
    """Runs still "running" whose process is gone (killed, crashed, power lost) become "interrupted".

    Done whenever a command opens the store for writing, so `tongwen runs` never shows a dead run as going."""
    running = conn.execute("SELECT id, owner FROM runs WHERE status = 'running'").fetchall()
    gone = [run_id for run_id, owner in running if owner_is_gone(owner)]
    if gone:
        conn.executemany(
            "UPDATE runs SET status = 'interrupted', finished = ? WHERE id = ? AND status = 'running'",
            [(utc_now(), run_id) for run_id in gone],
        )


# --- maintained counts ------------------------------------------------------------------------------------
# `stats()` at a million records read every row (25 s). Each write now adds its +1 / -1 to these counts,
# kept per transaction and written with it, so the counts are exactly as committed as the records.

_FACET_COLUMNS = "source, institution, languages, scripts, year_from"  # what a record counts under


_LISTS_KEPT = 4096  # decoded `languages` / `scripts` lists kept: a catalogue has a few hundred combinations
_decoded_lists: dict[str, list[str]] = {}


def _json_list(text: str) -> list[str]:
    """`json.loads` of a stored languages or scripts list, remembered: every write decodes two of them."""
    found = _decoded_lists.get(text)
    if found is None:
        if len(_decoded_lists) >= _LISTS_KEPT:  # memory stays flat whatever the catalogue holds
            _decoded_lists.clear()
        found = _decoded_lists[text] = json.loads(text)
    return found


def _count_deltas(deltas: Counter[tuple[str, str]], row: Sequence[Any], sign: int) -> None:
    """Add one live record (`row`: the `_FACET_COLUMNS` values) to the counts, or take it away."""
    source, institution, languages, scripts, year_from = row
    deltas["live", ""] += sign
    deltas["source", source] += sign
    if institution is not None:
        deltas["institution", institution] += sign
    for language in _json_list(languages):
        deltas["language", language] += sign
    for script in _json_list(scripts):
        deltas["script", script] += sign
    if year_from is not None:
        deltas["with_year", ""] += sign


def _backfill_counts(conn: Any, database: Database) -> None:
    """The counts of a store made before version 4, from its records (once, in the migration)."""
    live = "FROM records WHERE deleted = 0"
    queries = {
        "live": f"SELECT '', COUNT(*) {live}",
        "deleted": "SELECT '', COUNT(*) FROM records WHERE deleted = 1",
        "with_year": f"SELECT '', COUNT(year_from) {live}",
        "source": f"SELECT source, COUNT(*) {live} GROUP BY source",
        "institution": f"SELECT institution, COUNT(*) {live} AND institution IS NOT NULL GROUP BY institution",
        "language": f"SELECT j.value, COUNT(*) FROM records, {database.json_values('records.languages')}"
                    " WHERE deleted = 0 GROUP BY j.value",
        "script": f"SELECT j.value, COUNT(*) FROM records, {database.json_values('records.scripts')}"
                  " WHERE deleted = 0 GROUP BY j.value",
    }
    for facet, sql in queries.items():
        rows = [(facet, value, n) for value, n in conn.execute(sql).fetchall() if n]
        if rows:
            conn.executemany("INSERT INTO record_counts (facet, value, n) VALUES (?, ?, ?)", rows)


# --- the store ------------------------------------------------------------------------------------------

_RECORD_COLUMNS = "content, original, run_id, position"
_RECORD_COLUMNS_NO_ORIGINAL = "content, NULL, run_id, position"


def _settled(method: Callable[..., Any]) -> Callable[..., Any]:
    """A read that sees this store's own writes held back in the current transaction (`Store._settle`)."""

    @functools.wraps(method)
    def reading(self: Store, *args: Any, **kwargs: Any) -> Any:
        self._settle()
        return method(self, *args, **kwargs)

    return reading


class Store:
    """The record store. Open with `Store.open(path)`; use as a context manager or call `close()`."""

    def __init__(self, conn: Any, database: Database, read_only: bool):
        self._conn = conn
        self.database = database
        self.read_only = read_only
        self._batch_depth = 0
        self._batch_every = 0
        self._pending = 0
        self._seq: int | None = None  # next seq - 1, valid inside the current write transaction
        self._deltas: Counter[tuple[str, str]] = Counter()  # changes to record_counts, written at commit
        # Bulk loads (see `_add_to_new_source`): new records of a source with no rows but ours, written
        # together at commit (PostgreSQL's COPY) instead of a lookup and an INSERT each.
        self._unwritten: list[tuple[Any, ...]] = []
        self._bulk_ids: set[str] = set()  # ids added that way in this transaction (held back or copied)
        self._seen_filter: SeenFilter | None = None  # seen_in_run's "certainly not" (store/seen.py)
        self._seen_unwritten: set[tuple[int, str]] = set()  # seen in this transaction, not yet in run_seen
        # Problems, written with the transaction (`_settle`) in one statement: one INSERT each was a tenth of
        # an import's time in this process (most MARC records come with a note or two).
        self._problems_unwritten: list[tuple[Any, ...]] = []
        self._distinct_ids = False  # the batch's writer upserts each id once at most
        self._sources_seen: dict[str, bool] = {}  # source -> it had no rows but this batch's
        self._seq_at_start: int | None = None  # max seq when this transaction began
        self._others_checked = False  # _sources_seen and _looked_up confirmed in this transaction
        self._looked_up: dict[str, tuple[Any, ...] | None] = {}  # prefetch: id -> its row, None when absent
        self._seq_committed: int | None = None  # the last seq this store committed

    # -- opening and closing

    @classmethod
    def open(cls, path: str | Path | Database, *, read_only: bool = False) -> Store:
        """Open (creating and upgrading as needed) the store at `path`.

        `read_only=True` (for the web server) never writes, refuses writes with a clear error, and may be
        shared between threads. A read-only open of a missing or not yet upgraded database fails.
        """
        database = Database.at(path)
        if read_only:
            if not database.exists():
                raise StoreError(f"no Tongwen database at {database}: import some records first")
            conn = database.connect_readonly()
            version = database.schema_version(conn)
            if version != SCHEMA_VERSION:
                conn.close()
                if version == 0:
                    raise StoreError(f"no Tongwen store in the database {database}: import some records first")
                raise StoreError(
                    f"the database {database} has schema version {version}, this Tongwen needs "
                    f"{SCHEMA_VERSION}: open it once for writing (for example `tongwen stats`) to upgrade it"
                )
        else:
            conn = database.connect()
            try:
                migrate(conn, database)
            except BaseException:
                conn.close()
                raise
            _mark_interrupted_runs(conn)
            conn.execute(database.ddl(
                "CREATE TEMP TABLE run_seen (run_id INTEGER, id TEXT, PRIMARY KEY (run_id, id)) WITHOUT ROWID"
            ))
        return cls(conn, database, read_only)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return self.database.schema_version(self._conn)

    def wait_for_changes(self, after_seq: int, timeout: float, stop: threading.Event | None = None) -> None:
        """Return once the store has a change past `after_seq`, after `timeout` seconds, or when `stop` is set.

        Between looks at `max_seq` the database waits: for a NOTIFY on PostgreSQL (so a follower wakes the
        moment an importer commits), for `_POLL_SECONDS` on SQLite. Looking at `max_seq` too means a
        notification missed while the follower was busy costs at most one wait."""
        deadline = time.monotonic() + timeout
        while not (stop and stop.is_set()) and self.max_seq() <= after_seq:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self.database.wait_for_changes(min(left, _POLL_SECONDS), stop)

    # -- transactions

    @contextmanager
    def batch(self, every: int = 1000, *, distinct_ids: bool = False) -> Iterator[Store]:
        """Group writes in transactions of `every` writes. On an error the writes so far are kept.

        Each write is complete in itself, so committing what was done before an interruption (Ctrl-C, a
        failing callback) loses nothing and leaves nothing half-written; only a database error rolls back.
        `distinct_ids=True` promises that no id is upserted twice in the batch; new sources are then loaded
        in bulk (see `_add_to_new_source`).
        """
        self._require_writable()
        if self._batch_depth:
            self._batch_depth += 1
            try:
                yield self
            finally:
                self._batch_depth -= 1
            return
        self._begin()
        self._batch_depth, self._batch_every, self._pending = 1, max(1, every), 0
        self._distinct_ids, self._sources_seen, self._seq_committed = distinct_ids, {}, None
        try:
            yield self
        except self.database.Error:
            self._rollback()
            raise
        except BaseException:
            self._commit()
            raise
        else:
            self._commit()
        finally:
            self._batch_depth, self._distinct_ids = 0, False
            self._looked_up.clear()

    def _begin(self) -> None:
        # The write lock, taken now, means the seq we read cannot be taken by another writer.
        self.database.begin(self._conn)
        self._seq = self._seq_at_start = None
        self._others_checked = False

    def _commit(self) -> None:
        if self._conn.in_transaction:
            if self._seq is not None:  # changes were made: followers may wake
                self.database.announce_changes(self._conn)
            self._settle()
            self._conn.execute("COMMIT")
            if self._seq is not None:
                self._seq_committed = self._seq
        self._seq = None
        self._bulk_ids.clear()

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        self._seq = None
        self._deltas.clear()
        self._unwritten.clear()
        self._bulk_ids.clear()
        self._seen_unwritten.clear()
        self._problems_unwritten.clear()
        self._looked_up.clear()

    def _settle(self) -> None:
        """Write what this transaction holds back (bulk-loaded rows, problems, count changes) so a read sees it."""
        self._write_held_back()
        if self._problems_unwritten:
            self.database.copy_rows(self._conn, "problems", _PROBLEM_COLUMNS, self._problems_unwritten)
            self._problems_unwritten.clear()
        if self._seen_unwritten:
            self.database.copy_rows(self._conn, "run_seen", ("run_id", "id"), sorted(self._seen_unwritten))
            self._seen_unwritten.clear()
        self._write_counts()

    def _write_held_back(self) -> None:
        if self._unwritten:
            self.database.copy_rows(self._conn, "records", _INSERT_COLUMNS, self._unwritten)
            self._unwritten.clear()

    def _write_counts(self) -> None:
        changed = [(facet, value, n) for (facet, value), n in self._deltas.items() if n]
        if changed:
            self._conn.executemany(
                "INSERT INTO record_counts (facet, value, n) VALUES (?, ?, ?)"
                " ON CONFLICT (facet, value) DO UPDATE SET n = record_counts.n + excluded.n",
                changed,
            )
        self._deltas.clear()

    @contextmanager
    def _write(self) -> Iterator[Any]:
        self._require_writable()
        if self._batch_depth:
            yield self._conn
            self._pending += 1
            if self._pending >= self._batch_every:
                self._commit()
                self._begin()
                self._pending = 0
            return
        self._begin()
        try:
            yield self._conn
        except BaseException:
            self._rollback()
            raise
        self._commit()

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store {self.database} was opened read-only")

    def _current_seq(self) -> int:
        """The last change number in this transaction (read from the store at its first use)."""
        if self._seq is None:
            self._seq = self._seq_at_start = self.max_seq()
        return self._seq

    def _next_seq(self) -> int:
        self._seq = self._current_seq() + 1
        return self._seq

    def _forget_if_others_wrote(self) -> None:
        """What a batch keeps across its transactions (new sources, prefetched rows) holds while only this
        store writes: checked at the first use in each transaction, and dropped when another writer committed
        between two of ours."""
        if not self._others_checked:
            self._others_checked = True
            self._current_seq()
            if self._seq_at_start != self._seq_committed:
                self._sources_seen.clear()
                self._looked_up.clear()

    def prefetch(self, ids: Iterable[str]) -> None:
        """Look up, a few hundred to a query, the records a `batch(distinct_ids=True)` is about to upsert or
        delete, so each of those calls needs no query of its own (on PostgreSQL a round trip a record: most
        of a re-import's time, where nearly every record is unchanged). Outside such a batch it does nothing."""
        if not (self._batch_depth and self._distinct_ids):
            return
        self._forget_if_others_wrote()  # a batch is always inside one of its transactions: no other writer now
        wanted = [record_id for record_id in dict.fromkeys(ids) if record_id not in self._bulk_ids]
        for start in range(0, len(wanted), _MAX_PARAMS):
            chunk = wanted[start:start + _MAX_PARAMS]
            found = {row[0]: row[1:] for row in self._conn.execute(
                f"SELECT id, hash, deleted, {_FACET_COLUMNS} FROM records WHERE id IN ({','.join('?' * len(chunk))})",
                chunk)}
            self._looked_up.update((record_id, found.get(record_id)) for record_id in chunk)

    def _prefetched(self, record_id: str) -> Any:
        """`record_id`'s prefetched row, taken (the write that follows makes it stale), or _UNKNOWN."""
        if not self._looked_up:
            return _UNKNOWN
        self._forget_if_others_wrote()
        return self._looked_up.pop(record_id, _UNKNOWN)

    def _look_up(self, record_id: str, prefetched: Any) -> tuple[Any, ...] | None:
        """The row (hash, deleted, facet columns) of `record_id`: prefetched, or asked for now."""
        if prefetched is not _UNKNOWN:
            return prefetched
        if record_id in self._bulk_ids:  # held back in this transaction: looked up like any other
            self._write_held_back()
        return self._conn.execute(
            f"SELECT hash, deleted, {_FACET_COLUMNS} FROM records WHERE id = ?", (record_id,)
        ).fetchone()

    def _add_to_new_source(self, enc: Any) -> bool:
        """Bulk loading: hold back a record of a source that had no rows before this batch.

        In a `batch(distinct_ids=True)` (the file importer's: it keeps one record per id and run) such a
        record cannot be in the store yet, so the lookup `upsert` makes is skipped and the row is written at
        commit with the others (`copy_rows`: COPY on PostgreSQL, where every statement is a round trip to the
        server). When another writer committed between two of our transactions the change sequence moved
        under us, and each source is looked at afresh (it then has rows, ours: the bulk path ends)."""
        if not (self._batch_depth and self._distinct_ids) or enc.id in self._bulk_ids:
            return False
        self._forget_if_others_wrote()
        fresh = self._sources_seen.get(enc.source)
        if fresh is None:
            fresh = self._conn.execute(
                "SELECT 1 FROM records WHERE source = ? LIMIT 1", (enc.source,)
            ).fetchone() is None
            self._sources_seen[enc.source] = fresh
        if not fresh:
            return False
        row = _insert_values(enc, utc_now(), self._current_seq() + 1)
        self.database.check_storable([value for value in row if isinstance(value, str)])
        self._next_seq()
        self._unwritten.append(row)
        self._bulk_ids.add(enc.id)
        _count_deltas(self._deltas, (enc.source, enc.institution, enc.languages, enc.scripts, enc.year_from), +1)
        return True

    # -- records

    def upsert(self, record: Record | EncodedRecord) -> UpsertResult:
        """Store `record` under `record.id`: "added", "updated", or "unchanged" (nothing written). A record
        already encoded (`codec.encode`, by an import's worker process) is stored as it is."""
        enc = record if isinstance(record, EncodedRecord) else encode(record)
        with self._write() as conn:
            prefetched = self._prefetched(enc.id)
            if self._add_to_new_source(enc):
                return "added"
            row = self._look_up(enc.id, prefetched)
            if row is not None and row[0] == enc.hash and not row[1]:
                return "unchanged"
            counted = (enc.source, enc.institution, enc.languages, enc.scripts, enc.year_from)
            values = (
                enc.source,
                enc.local_id,
                enc.institution,
                enc.content,
                enc.original,
                enc.run_id,
                enc.position,
                enc.hash,
                utc_now(),
                self._next_seq(),
                enc.languages,
                enc.scripts,
                enc.year_from,
                enc.year_to,
                enc.id,
            )
            if row is None:
                conn.execute(
                    f"INSERT INTO records ({', '.join(_INSERT_COLUMNS)}) VALUES ({', '.join('?' * 16)})",
                    (*values, 0),
                )
                _count_deltas(self._deltas, counted, +1)
                return "added"
            conn.execute(
                "UPDATE records SET source = ?, local_id = ?, institution = ?, content = ?, original = ?,"
                " run_id = ?, position = ?, hash = ?, datestamp = ?, seq = ?, languages = ?, scripts = ?,"
                " year_from = ?, year_to = ?, deleted = 0 WHERE id = ?",
                values,
            )
            if row[1]:
                self._deltas["deleted", ""] -= 1
            else:
                _count_deltas(self._deltas, row[2:], -1)
            _count_deltas(self._deltas, counted, +1)
            return "added" if row[1] else "updated"  # a tombstone brought back is new to followers

    def delete(self, record_id: str) -> bool:
        """Mark a record deleted (kept as a tombstone). False when there was no live record to delete."""
        with self._write() as conn:
            row = self._look_up(record_id, self._prefetched(record_id))
            if row is None or row[1]:
                return False
            conn.execute(
                "UPDATE records SET deleted = 1, datestamp = ?, seq = ? WHERE id = ?",
                (utc_now(), self._next_seq(), record_id),
            )
            _count_deltas(self._deltas, row[2:], -1)
            self._deltas["deleted", ""] += 1
            return True

    @_settled
    def get(self, record_id: str, *, include_deleted: bool = False) -> Record | None:
        row = self._conn.execute(
            f"SELECT {_RECORD_COLUMNS}, deleted FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None or (row[4] and not include_deleted):
            return None
        return decode(*row[:4])

    @_settled
    def get_many(self, ids: Iterable[str]) -> list[Record]:
        """The live records among `ids`, in the order asked; unknown and deleted ids are left out."""
        wanted = list(ids)
        found: dict[str, Record] = {}
        for start in range(0, len(wanted), _MAX_PARAMS):
            chunk = wanted[start : start + _MAX_PARAMS]
            marks = ",".join("?" * len(chunk))
            # deleted unindexed: with 20-odd ids SQLite otherwise walks the records_facets index for every live
            # record (deleted = 0) instead of looking the ids up: 452 ms instead of 0.3 ms at 220,000 records.
            deleted = self.database.unindexed("deleted")
            for record_id, *columns in self._conn.execute(
                f"SELECT id, {_RECORD_COLUMNS} FROM records WHERE {deleted} = 0 AND id IN ({marks})", chunk
            ):
                found[record_id] = decode(*columns)
        return [found[i] for i in wanted if i in found]

    def iter_records(
        self, source: str | None = None, include_deleted: bool = False, *, with_original: bool = True
    ) -> Iterator[Record]:
        """Every record (of one source), in id order, a page at a time: memory stays flat.

        Pages are fetched by "id greater than the last one" rather than one long cursor, so writing to the
        store while iterating is safe and no read transaction is held open.
        """
        columns = _RECORD_COLUMNS if with_original else _RECORD_COLUMNS_NO_ORIGINAL
        # Unindexed columns keep SQLite walking the primary key in id order; otherwise it picks the facet index
        # on `deleted` and sorts every live row for each page, which makes a full pass quadratic.
        unindexed = self.database.unindexed
        where = ["id > ?"]
        params: list[Any] = []
        if source is not None:
            where.append(f"{unindexed('source')} = ?")
            params.append(source)
        if not include_deleted:
            where.append(f"{unindexed('deleted')} = 0")
        sql = f"SELECT id, {columns} FROM records WHERE {' AND '.join(where)} ORDER BY id LIMIT ?"
        last = ""
        limit = _FIRST_PAGE
        while True:
            self._settle()  # records written meanwhile (the iteration may be rewriting them) are seen
            rows = self._conn.execute(sql, [last, *params, limit]).fetchall()
            for _, *row in rows:
                yield decode(*row)
            if len(rows) < limit:
                return
            last = rows[-1][0]
            limit = _rows_within(_PAGE_BYTES, rows)

    def record_ranges(self, *, records: int, chars: int) -> Iterator[tuple[str, str]]:
        """The live records in id order as consecutive ranges ``(after_id, last_id]`` of at most `records`
        records and about `chars` characters of stored JSON each (a digitised book's record holds every page):
        for readers in other processes, each reading its ranges itself (`records_in_range`), as the index
        rebuild's workers do instead of being sent records decoded here."""
        deleted = self.database.unindexed("deleted")
        sql = f"SELECT id, length(content) FROM records WHERE id > ? AND {deleted} = 0 ORDER BY id LIMIT ?"
        start = last = ""
        count = size = 0
        while True:
            self._settle()
            rows = self._conn.execute(sql, (last, _ID_PAGE)).fetchall()
            for last, length in rows:
                count += 1
                size += length or 0
                if count >= records or size >= chars:
                    yield start, last
                    start, count, size = last, 0, 0
            if len(rows) < _ID_PAGE:
                break
        if count:
            yield start, last

    @_settled
    def records_in_range(
        self, after: str, last: str, *, if_content: Callable[[str], bool] | None = None
    ) -> list[Record]:
        """The live records with ids in ``(after, last]`` (see `record_ranges`), in id order, without their
        original text. ``if_content``: only the records whose stored JSON passes it are decoded (a cheap test
        that rules most records out before the costly part, making them into `Record`s)."""
        deleted = self.database.unindexed("deleted")
        rows = self._conn.execute(
            f"SELECT {_RECORD_COLUMNS_NO_ORIGINAL} FROM records WHERE id > ? AND id <= ? AND {deleted} = 0 "
            "ORDER BY id",
            (after, last),
        ).fetchall()
        return [decode(*row) for row in rows if if_content is None or if_content(row[0])]

    @_settled
    def changes_since(self, seq: int, limit: int = 1000, *, with_original: bool = True) -> list[Change]:
        """Up to `limit` changes after change number `seq`, oldest first: the latest state of each record."""
        columns = _RECORD_COLUMNS if with_original else _RECORD_COLUMNS_NO_ORIGINAL
        rows = self._conn.execute(
            f"SELECT seq, id, deleted, datestamp, {columns} FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit),
        ).fetchall()
        return [
            Change(row[0], row[1], bool(row[2]), row[3], None if row[2] else decode(*row[4:])) for row in rows
        ]

    @_settled
    def max_seq(self) -> int:
        return self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0]

    @_settled
    def count(self, source: str | None = None) -> int:
        """Live (not deleted) records, in all or one source."""
        if source is None:
            return self._counts("live").get("", 0)
        return self._counts("source").get(source, 0)

    @_settled
    def institution_counts(self) -> dict[str, int]:
        """Live records per holding institution, largest first."""
        return self._counts("institution")

    @_settled
    def stats(self) -> dict[str, Any]:
        """Counts of live records by source, institution, language and script, and the year range.

        Read from the counts every write keeps (`record_counts`) and two indexes on the years: milliseconds
        at any size."""
        counts: dict[str, dict[str, int]] = {}
        for facet, value, n in self._conn.execute(
            "SELECT facet, value, n FROM record_counts WHERE n <> 0"
        ).fetchall():
            counts.setdefault(facet, {})[value] = n
        first, last = self._conn.execute(
            "SELECT (SELECT MIN(year_from) FROM records WHERE deleted = 0),"
            " (SELECT MAX(COALESCE(year_to, year_from)) FROM records WHERE deleted = 0)"
        ).fetchone()
        return {
            "records": counts.get("live", {}).get("", 0),
            "deleted": counts.get("deleted", {}).get("", 0),
            "sources": _largest_first(counts.get("source", {})),
            "institutions": _largest_first(counts.get("institution", {})),
            "languages": _largest_first(counts.get("language", {})),
            "scripts": _largest_first(counts.get("script", {})),
            "years": {"from": first, "to": last,
                      "records_with_year": counts.get("with_year", {}).get("", 0)},
            "last_seq": self.max_seq(),
        }

    def _counts(self, facet: str) -> dict[str, int]:
        """One facet's kept counts (values with no live record left out), largest first."""
        rows = self._conn.execute(
            "SELECT value, n FROM record_counts WHERE facet = ? AND n <> 0", (facet,)
        ).fetchall()
        return _largest_first(dict(rows))

    # -- runs and problems

    def begin_run(self, kind: str, source: str, files: Iterable[str], format: str | None) -> int:
        with self._write() as conn:
            return int(conn.execute(
                "INSERT INTO runs (kind, source, files, format, started, status, owner)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (kind, source, json.dumps(list(files), ensure_ascii=False), format, utc_now(), "running",
                 current_owner()),
            ).fetchone()[0])

    def add_problem(
        self,
        run_id: int,
        position: str | None,
        record_id: str | None,
        field: str | None,
        severity: str,
        message: str,
    ) -> None:
        row = (run_id, position, record_id, field, severity, message)
        # refused here, as the INSERT would have been, rather than failing the transaction's others at `_settle`
        self.database.check_storable([value for value in row if isinstance(value, str)])
        with self._write():
            self._problems_unwritten.append(row)

    def seen_in_run(self, run_id: int, record_id: str) -> bool:
        """True when `record_id` was already seen in this run; marks it seen otherwise.

        Lets an import keep the first of several records sharing an id in one file, so that importing the
        file again finds every record unchanged. Kept in a TEMP table: on disk, not in Python memory, and
        gone with the connection; a fixed-size filter (`SeenFilter`) answers the usual "not seen" without
        asking it, and the ids seen are written to it with the transaction.
        """
        with self._write() as conn:
            key = f"{run_id}:{record_id}"
            if (run_id, record_id) in self._seen_unwritten:
                return True
            if self._seen_filter is None:
                self._seen_filter = SeenFilter()
            # maybe: the table knows (the ids not yet in it were asked above); either way the key is in now
            if self._seen_filter.check_and_add(key) and conn.execute(
                "SELECT 1 FROM run_seen WHERE run_id = ? AND id = ?", (run_id, record_id)
            ).fetchone():
                return True
            self._seen_unwritten.add((run_id, record_id))  # written with the transaction (`_settle`)
            return False

    def finish_run(self, run_id: int, counts: Mapping[str, int], status: str) -> None:
        unknown = set(counts) - set(COUNT_NAMES)
        if unknown:
            raise ValueError(f"unknown run counts {sorted(unknown)}; expected some of {COUNT_NAMES}")
        with self._write() as conn:
            conn.execute(
                "UPDATE runs SET finished = ?, status = ?, added = ?, updated = ?, unchanged = ?,"
                " deleted = ?, rejected = ?, repaired = ? WHERE id = ?",
                (utc_now(), status, *(int(counts.get(name, 0)) for name in COUNT_NAMES), run_id),
            )
            self._settle()  # the run's ids still held back go in first, then all of them go
            conn.execute("DELETE FROM run_seen WHERE run_id = ?", (run_id,))

    @_settled
    def runs(self, limit: int | None = 50) -> list[Run]:
        """The latest runs, newest first (`limit=None`: all)."""
        rows = self._conn.execute(
            "SELECT id, kind, source, files, format, started, finished, status,"
            f" {', '.join(COUNT_NAMES)},"
            " (SELECT COUNT(*) FROM problems WHERE problems.run_id = runs.id)"
            f" FROM runs ORDER BY id DESC{_limit(limit)}"
        ).fetchall()
        return [
            Run(
                id=row[0],
                kind=row[1],
                source=row[2],
                files=json.loads(row[3]),
                format=row[4],
                started=row[5],
                finished=row[6],
                status=row[7],
                counts=dict(zip(COUNT_NAMES, row[8:14], strict=True)),
                problem_count=row[14],
            )
            for row in rows
        ]

    def run(self, run_id: int) -> Run | None:
        for run in self.runs(limit=None):  # runs are few
            if run.id == run_id:
                return run
        return None

    @_settled
    def problems(self, run_id: int, limit: int | None = None) -> list[Problem]:
        """The problems of one run, in the order found."""
        rows = self._conn.execute(
            "SELECT run_id, position, record_id, field, severity, message FROM problems"
            f" WHERE run_id = ? ORDER BY id{_limit(limit)}",
            (run_id,),
        )
        return [Problem(*row) for row in rows]

    # -- sources and meta

    def register_source(self, name: str, institution: str | None = None, format: str | None = None) -> None:
        """Create the source, or fill in its institution / format when given."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sources (name, institution, format, created) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET institution = COALESCE(excluded.institution, sources.institution),"
                " format = COALESCE(excluded.format, sources.format)",
                (name, institution, format, utc_now()),
            )

    @_settled
    def sources(self) -> list[SourceInfo]:
        records = self._counts("source")
        rows = self._conn.execute("SELECT name, institution, format, created FROM sources ORDER BY name")
        return [SourceInfo(*row, records.get(row[0], 0)) for row in rows]

    def get_meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(_SET_META, (key, value))

    # -- OAI-PMH provider queries

    @_settled
    def oai_page(
        self,
        after_seq: int,
        limit: int,
        *,
        from_datestamp: str | None = None,
        until_datestamp: str | None = None,
        source: str | None = None,
        institution: str | None = None,
        any_institution: bool = False,
        with_records: bool = True,
    ) -> list[tuple[Change, str, str | None]]:
        """Records and tombstones for OAI-PMH list requests, in change order after change `after_seq`.

        Each item is ``(change, source, institution)``; tombstones keep their source and institution so a
        harvester of a set hears of deletions too. Datestamps are compared as ISO 8601 strings (both ends
        inclusive); ``any_institution`` keeps records that have an institution. With ``with_records=False`` (ListIdentifiers) no record is decoded and every
        ``change.record`` is None; ``change.deleted`` still tells tombstones apart. Paging by ``seq`` means a
        record changed during a harvest moves to the end of the list rather than being skipped.
        """
        where, params = _oai_filter(from_datestamp, until_datestamp, source, institution, any_institution)
        where.insert(0, "seq > ?")
        params.insert(0, after_seq)
        columns = _RECORD_COLUMNS_NO_ORIGINAL if with_records else "NULL, NULL, NULL, NULL"
        rows = self._conn.execute(
            f"SELECT seq, id, deleted, datestamp, source, institution, {columns} FROM records"
            f" WHERE {' AND '.join(where)} ORDER BY seq LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [
            (
                Change(
                    row[0],
                    row[1],
                    bool(row[2]),
                    row[3],
                    decode(*row[6:]) if with_records and not row[2] else None,
                ),
                row[4],
                row[5],
            )
            for row in rows
        ]

    @_settled
    def oai_count(
        self,
        *,
        from_datestamp: str | None = None,
        until_datestamp: str | None = None,
        source: str | None = None,
        institution: str | None = None,
        any_institution: bool = False,
    ) -> int:
        """How many records and tombstones `oai_page` would list in all (OAI-PMH ``completeListSize``)."""
        where, params = _oai_filter(from_datestamp, until_datestamp, source, institution, any_institution)
        where.insert(0, "1 = 1")
        return self._conn.execute(
            f"SELECT COUNT(*) FROM records WHERE {' AND '.join(where)}", params
        ).fetchone()[0]

    @_settled
    def oai_record(self, record_id: str) -> tuple[Change, str, str | None] | None:
        """One record or tombstone with its datestamp, source and institution (OAI-PMH GetRecord)."""
        row = self._conn.execute(
            f"SELECT seq, id, deleted, datestamp, source, institution, {_RECORD_COLUMNS_NO_ORIGINAL}"
            " FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        if row is None:
            return None
        return (
            Change(row[0], row[1], bool(row[2]), row[3], None if row[2] else decode(*row[6:])),
            row[4],
            row[5],
        )

    @_settled
    def oai_earliest_datestamp(self) -> str | None:
        return self._conn.execute("SELECT MIN(datestamp) FROM records").fetchone()[0]

    @_settled
    def oai_set_values(self) -> tuple[list[str], list[str]]:
        """The institutions and the sources that have records or tombstones: the OAI-PMH sets."""
        institutions = [
            row[0]
            for row in self._conn.execute(
                "SELECT DISTINCT institution FROM records WHERE institution IS NOT NULL ORDER BY 1"
            )
        ]
        sources = [row[0] for row in self._conn.execute("SELECT DISTINCT source FROM records ORDER BY 1")]
        return institutions, sources


_PROBLEM_COLUMNS = ("run_id", "position", "record_id", "field", "severity", "message")
_INSERT_COLUMNS = ("source", "local_id", "institution", "content", "original", "run_id", "position", "hash",
                   "datestamp", "seq", "languages", "scripts", "year_from", "year_to", "id", "deleted")


def _insert_values(enc: Any, datestamp: str, seq: int) -> tuple[Any, ...]:
    """A new record's row, in `_INSERT_COLUMNS` order."""
    return (enc.source, enc.local_id, enc.institution, enc.content, enc.original, enc.run_id, enc.position,
            enc.hash, datestamp, seq, enc.languages, enc.scripts, enc.year_from, enc.year_to, enc.id, 0)


def _largest_first(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _limit(limit: int | None) -> str:
    return "" if limit is None or limit < 0 else f" LIMIT {int(limit):d}"


def _oai_filter(
    from_datestamp: str | None, until_datestamp: str | None, source: str | None, institution: str | None,
    any_institution: bool,
) -> tuple[list[str], list[Any]]:
    """The WHERE clauses and parameters shared by `Store.oai_page` and `Store.oai_count`."""
    where = ["institution IS NOT NULL"] if any_institution else []
    params: list[Any] = []
    for clause, value in (
        ("datestamp >= ?", from_datestamp),
        ("datestamp <= ?", until_datestamp),
        ("source = ?", source),
        ("institution = ?", institution),
    ):
        if value is not None:
            where.append(clause)
            params.append(value)
    return where, params
