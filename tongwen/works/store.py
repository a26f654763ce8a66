"""Works and editions kept beside the records, in the same SQLite file, in tables of their own (``works_*``).

    >>> import tempfile, pathlib
    >>> from tongwen.model import Form, Record, Title
    >>> from tongwen.store import Store
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tongwen.sqlite"
    >>> with Store.open(path) as store:
    ...     _ = store.upsert(Record("nlc", "1", languages=["chi"], titles=[Title([Form("红楼梦", "Hans")])]))
    ...     _ = store.upsert(Record("ndl", "2", languages=["jpn"], titles=[Title([Form("紅楼夢", "Hani")])]))
    ...     with Works.open(path) as works:
    ...         report = works.update(store)
    ...         works.cluster_of("nlc:1").members
    ['ndl:2', 'nlc:1']

A cluster is a layer over the records, never a merge: each record keeps its own row in the record store; here
it only gains a ``work_id`` and an ``edition_id`` (``w:`` / ``e:`` + the smallest member record id).

`update(store)` is incremental: it follows the record store's change feed from the last seq it saw, re-keys
the changed records, and re-clusters only what they touch — their old works, and the works of every record
sharing a blocking key with them. `rebuild(store)` starts from nothing. The schema has its own version
(``works_meta.schema_version``), independent of the record store's migrations.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from tongwen.store import Change, Store, StoreError
from tongwen.store.database import Database, create_layer_tables
from tongwen.works.cluster import GuardedUnionFind, link_editions, link_works
from tongwen.works.keys import Features, features

SCHEMA_VERSION = 1
MAX_BLOCK = 5000  # a key shared by more records is a stop key ("Poems"): too common to be evidence
_PAGE = 1000
_MAX_PARAMS = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS works_meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS works_records (
    rid INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE,
    work_id TEXT NOT NULL,
    edition_id TEXT NOT NULL,
    institution TEXT,
    features TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS works_records_work ON works_records (work_id);
CREATE INDEX IF NOT EXISTS works_records_edition ON works_records (edition_id);
CREATE TABLE IF NOT EXISTS works_keys (key TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS works_keys_rid ON works_keys (rid);
"""

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    """Where one record stands: its work, its edition, and the record ids of every member of the work."""

    record_id: str
    work_id: str
    edition_id: str
    members: list[str]
    edition_members: list[str]
    institutions: dict[str, int] = field(default_factory=dict)  # holding institution → copies in the work

    @property
    def held_by(self) -> str:
        """"held by NDL, NLC, NLK (4 copies)" — the line search results show."""
        names = ", ".join(sorted(self.institutions)) or "?"
        copies = len(self.members)
        return f"held by {names} ({copies} {'copy' if copies == 1 else 'copies'})"


@dataclass(slots=True)
class UpdateReport:
    changed: int = 0
    deleted: int = 0
    reclustered: int = 0
    pairs_scored: int = 0
    works: int = 0
    multi_record_works: int = 0
    editions: int = 0
    synced_seq: int = 0
    seconds: float = 0.0


class Works:
    """The works layer. Open with `Works.open(settings.database)`; a context manager."""

    def __init__(self, conn: Any, database: Database):
        self._conn = conn
        self.database = database

    @classmethod
    def open(cls, path: str | Path | Database, *, read_only: bool = False) -> Works:
        """Open (creating the works tables as needed) the works layer in the database at `path`.

        `read_only=True` (for the web server) never takes the write lock: an import holding it for a
        clustering pass once kept each new web thread waiting, requests took 19 s and more."""
        database = Database.at(path)
        if read_only:
            conn = database.connect_readonly()
            if not database.has_table(conn, "works_meta"):
                conn.close()
                raise StoreError(f"no works tables in {database} yet: run `tongwen cluster` once")
            return cls(conn, database)
        conn = database.connect(timeout=30, cache_mb=64)
        try:
            create_layer_tables(database, conn, "works", _SCHEMA, SCHEMA_VERSION)
        except BaseException:
            conn.close()
            raise
        return cls(conn, database)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading

    def synced_seq(self) -> int:
        return int(self._conn.execute("SELECT value FROM works_meta WHERE key = 'synced_seq'").fetchone()[0])

    def cluster_of(self, record_id: str) -> ClusterInfo | None:
        """The work and edition of `record_id`, with all members; None for a record not clustered (yet)."""
        return self.clusters_for([record_id]).get(record_id)

    def work_members(self, work_id: str) -> list[str]:
        return [r for (r,) in self._conn.execute(
            "SELECT record_id FROM works_records WHERE work_id = ? ORDER BY record_id", (work_id,))]

    def edition_members(self, edition_id: str) -> list[str]:
        return [r for (r,) in self._conn.execute(
            "SELECT record_id FROM works_records WHERE edition_id = ? ORDER BY record_id", (edition_id,))]

    def clusters_for(self, record_ids: Iterable[str]) -> dict[str, ClusterInfo]:
        """`ClusterInfo` for each known id among `record_ids` (for a page of search results: one call)."""
        wanted = list(dict.fromkeys(record_ids))
        rows: dict[str, tuple[str, str]] = {}
        for chunk in _chunks(wanted):
            marks = ",".join("?" * len(chunk))
            for record_id, work_id, edition_id in self._conn.execute(
                f"SELECT record_id, work_id, edition_id FROM works_records WHERE record_id IN ({marks})", chunk
            ):
                rows[record_id] = (work_id, edition_id)
        members: dict[str, list[tuple[str, str, str | None]]] = {}
        work_ids = sorted({w for w, _ in rows.values()})
        for chunk in _chunks(work_ids):
            marks = ",".join("?" * len(chunk))
            for work_id, record_id, edition_id, institution in self._conn.execute(
                f"SELECT work_id, record_id, edition_id, institution FROM works_records WHERE work_id IN ({marks})"
                " ORDER BY record_id", chunk
            ):
                members.setdefault(work_id, []).append((record_id, edition_id, institution))
        result: dict[str, ClusterInfo] = {}
        for record_id in wanted:
            if record_id not in rows:
                continue
            work_id, edition_id = rows[record_id]
            group = members.get(work_id, [])
            institutions: dict[str, int] = {}
            for _, _, institution in group:
                institutions[institution or "?"] = institutions.get(institution or "?", 0) + 1
            result[record_id] = ClusterInfo(
                record_id, work_id, edition_id, [r for r, _, _ in group],
                [r for r, e, _ in group if e == edition_id], institutions,
            )
        return result

    def stats(self) -> dict[str, int]:
        # One count a statement: each then scans its own covering index. The three in one SELECT read the whole
        # table into a temporary b-tree (0.65 s instead of 0.25 s at 300k records).
        row = [self._conn.execute(f"SELECT COUNT({what}) FROM works_records").fetchone()[0]
               for what in ("*", "DISTINCT work_id", "DISTINCT edition_id")]
        multi = self._conn.execute(
            "SELECT COUNT(*) FROM (SELECT work_id FROM works_records GROUP BY work_id HAVING COUNT(*) > 1) AS multi"
        ).fetchone()[0]
        return {"records": row[0], "works": row[1], "editions": row[2], "multi_record_works": multi}

    # -- building

    def rebuild(self, store: Store, progress: Progress | None = None) -> UpdateReport:
        """Forget every cluster and build them again from all records."""
        with self.database.write(self._conn) as conn:
            conn.execute("DELETE FROM works_keys")
            conn.execute("DELETE FROM works_records")
            conn.execute("UPDATE works_meta SET value = '0' WHERE key = 'synced_seq'")
        return self.update(store, progress)

    def update(self, store: Store, progress: Progress | None = None) -> UpdateReport:
        """Bring the clusters up to date with the store's changes since the last run."""
        started = time.monotonic()
        report = UpdateReport()
        first_run = self.synced_seq() == 0
        target = store.max_seq()
        changed, old_works = self._apply_changes(store, report, target, progress, remember=not first_run)
        if first_run:
            report.reclustered = self._cluster_all(report, progress)
        elif changed or old_works:
            affected = self._affected(changed, old_works)
            report.reclustered = len(affected)
            self._cluster_some(affected, report, progress)
        self._set_meta("synced_seq", str(report.synced_seq or self.synced_seq()))
        stats = self.stats()
        report.works, report.editions = stats["works"], stats["editions"]
        report.multi_record_works = stats["multi_record_works"]
        report.synced_seq = self.synced_seq()
        report.seconds = time.monotonic() - started
        return report

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT INTO works_meta (key, value) VALUES (?, ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def _apply_changes(
        self, store: Store, report: UpdateReport, target: int, progress: Progress | None, *, remember: bool = True
    ) -> tuple[set[int], set[str]]:
        """Re-key every record changed since the last run; returns the rids changed and the works they left
        (unless not asked to `remember` them: a first run clusters everything, and a set of every record id
        would be the biggest thing it holds)."""
        seq = self.synced_seq()
        start = seq
        changed: set[int] = set()
        old_works: set[str] = set()
        conn = self._conn
        while True:
            batch = store.changes_since(seq, _PAGE, with_original=False)
            if not batch:
                break
            with self.database.write(conn):
                self._rekey(batch, report, changed, old_works)
                if not remember:
                    changed.clear()
                    old_works.clear()
                seq = batch[-1].seq
                self._set_meta("synced_seq", str(seq))
            if progress:
                progress("keys", seq - start, max(1, target - start))
        report.synced_seq = seq
        return changed, old_works

    def _rekey(self, batch: list[Change], report: UpdateReport, changed: set[int], old_works: set[str]) -> None:
        """One page of changes written with a few statements for the page, not several per record: on
        PostgreSQL each statement is a round trip, and per-record statements were two thirds of a rebuild."""
        conn = self._conn
        known: dict[str, tuple[int, str]] = {}
        for chunk in _chunks([change.record_id for change in batch]):
            marks = ",".join("?" * len(chunk))
            for record_id, rid, work_id in conn.execute(
                f"SELECT record_id, rid, work_id FROM works_records WHERE record_id IN ({marks})", chunk
            ):
                known[record_id] = (rid, work_id)
        old_works.update(work_id for _, work_id in known.values())
        self._delete_where_rid("works_keys", [rid for rid, _ in known.values()])
        gone = [change.record_id for change in batch if change.deleted or change.record is None]
        self._delete_where_rid("works_records", [known[record_id][0] for record_id in gone if record_id in known])
        report.deleted += sum(1 for record_id in gone if record_id in known)
        features_of = {change.record_id: features(change.record) for change in batch
                       if not (change.deleted or change.record is None)}
        conn.executemany("UPDATE works_records SET features = ?, institution = ? WHERE rid = ?",
                         [(feats.to_json(), feats.institution, known[record_id][0])
                          for record_id, feats in features_of.items() if record_id in known])
        rids = {record_id: known[record_id][0] for record_id in features_of if record_id in known}
        new = [(record_id, f"w:{record_id}", f"e:{record_id}", feats.institution, feats.to_json())
               for record_id, feats in features_of.items() if record_id not in known]
        for chunk in _chunks(new, _MAX_PARAMS // 5):
            rows = ",".join(["(?, ?, ?, ?, ?)"] * len(chunk))
            rids.update(conn.execute(
                f"INSERT INTO works_records (record_id, work_id, edition_id, institution, features) VALUES {rows}"
                " RETURNING record_id, rid", [value for row in chunk for value in row]
            ).fetchall())
        keys = [(key, rids[record_id]) for record_id, feats in features_of.items() for key in feats.blocking_keys()]
        for chunk in _chunks(keys, _MAX_PARAMS // 2):
            conn.execute(f"INSERT INTO works_keys (key, rid) VALUES {','.join(['(?, ?)'] * len(chunk))}"
                         " ON CONFLICT DO NOTHING", [value for row in chunk for value in row])
        changed.update(int(rid) for rid in rids.values())
        report.changed += len(features_of)

    def _delete_where_rid(self, table: str, rids: list[int]) -> None:
        for chunk in _chunks(rids):
            self._conn.execute(f"DELETE FROM {table} WHERE rid IN ({','.join('?' * len(chunk))})", chunk)

    def _affected(self, changed: set[int], old_works: set[str]) -> set[int]:
        """Changed records, every member of the works they were in, and every record sharing a blocking key with
        them (with its whole work): the part of the graph whose components can have changed."""
        affected = set(changed)
        works = set(old_works)
        keys = self._keys_of(changed)
        for key_chunk in _chunks(sorted(keys)):
            marks = ",".join("?" * len(key_chunk))
            sizes = dict(self._conn.execute(
                f"SELECT key, COUNT(*) FROM works_keys WHERE key IN ({marks}) GROUP BY key", key_chunk))
            usable = [k for k in key_chunk if sizes.get(k, 0) <= MAX_BLOCK]
            for sub in _chunks(usable):
                marks = ",".join("?" * len(sub))
                affected.update(r for (r,) in self._conn.execute(
                    f"SELECT rid FROM works_keys WHERE key IN ({marks})", sub))
        for chunk in _chunks(sorted(affected)):
            marks = ",".join("?" * len(chunk))
            works.update(w for (w,) in self._conn.execute(
                f"SELECT DISTINCT work_id FROM works_records WHERE rid IN ({marks})", chunk))
        for chunk in _chunks(sorted(works)):
            marks = ",".join("?" * len(chunk))
            affected.update(r for (r,) in self._conn.execute(
                f"SELECT rid FROM works_records WHERE work_id IN ({marks})", chunk))
        return affected

    def _keys_of(self, rids: Iterable[int]) -> set[str]:
        keys: set[str] = set()
        for chunk in _chunks(sorted(rids)):
            marks = ",".join("?" * len(chunk))
            keys.update(k for (k,) in self._conn.execute(
                f"SELECT key FROM works_keys WHERE rid IN ({marks})", chunk))
        return keys

    def _features(self, rids: Iterable[int]) -> dict[int, Features]:
        found: dict[int, Features] = {}
        for chunk in _chunks(list(rids)):
            marks = ",".join("?" * len(chunk))
            for rid, text in self._conn.execute(
                f"SELECT rid, features FROM works_records WHERE rid IN ({marks})", chunk
            ):
                found[rid] = Features.from_json(text)
        return found

    def _blocks_all(self) -> Iterator[list[int]]:
        """Every key's records, streamed in key order (the keys table is sorted by key already)."""
        last_key, block = None, []
        cursor = self.database.stream(self._conn, "SELECT key, rid FROM works_keys ORDER BY key")
        try:
            while rows := cursor.fetchmany(10000):
                for key, rid in rows:
                    if key != last_key:
                        if len(block) > 1:
                            yield block
                        last_key, block = key, []
                    block.append(rid)
        finally:
            cursor.close()
        if len(block) > 1:
            yield block

    def _blocks_within(self, rids: set[int]) -> Iterator[list[int]]:
        for key_chunk in _chunks(sorted(self._keys_of(rids))):
            marks = ",".join("?" * len(key_chunk))
            sizes = dict(self._conn.execute(
                f"SELECT key, COUNT(*) FROM works_keys WHERE key IN ({marks}) GROUP BY key", key_chunk))
            usable = [key for key in key_chunk if sizes.get(key, 0) <= MAX_BLOCK]
            for sub in _chunks(usable, _MAX_PARAMS // 4):  # about MAX_BLOCK rows a key at most
                members: dict[str, list[int]] = {}
                for key, rid in self._conn.execute(
                    f"SELECT key, rid FROM works_keys WHERE key IN ({','.join('?' * len(sub))})", sub
                ):
                    if rid in rids:
                        members.setdefault(key, []).append(rid)
                for key in sorted(members):
                    if len(members[key]) > 1:
                        yield members[key]

    def _link(self, blocks: Iterable[list[int]], report: UpdateReport, total: int, progress: Progress | None,
              cache: dict[int, Features] | None) -> GuardedUnionFind:
        uf = GuardedUnionFind()
        done = 0

        def with_features() -> Iterator[list[tuple[int, Features]]]:
            # Blocks are read a few hundred records at a time, with one query for all their features: one
            # query per block was a round trip per block on PostgreSQL. Memory stays bounded by the group.
            nonlocal done
            group: list[list[int]] = []
            for block in itertools.chain(blocks, [None]):
                if block is not None:
                    if len(block) > MAX_BLOCK:
                        continue
                    group.append(block)
                    if sum(map(len, group)) < _MAX_PARAMS:
                        continue
                if not group:
                    break
                wanted = {r for members in group for r in members}
                found = {r: cache[r] for r in wanted} if cache is not None else self._features(wanted)
                for members in group:
                    done += len(members)
                    if progress and done % 5000 < len(members):
                        progress("match", min(done, total), total)
                    yield [(r, found[r]) for r in members if r in found]
                group = []

        # Read all blocks first: the keys cursor must be closed before we write.
        report.pairs_scored += link_works(with_features(), uf)
        return uf

    def _cluster_all(self, report: UpdateReport, progress: Progress | None) -> int:
        total = self._conn.execute("SELECT COUNT(*) FROM works_keys").fetchone()[0]
        uf = self._link(self._blocks_all(), report, total, progress, None)
        self._write_components(uf, progress)
        return self._conn.execute("SELECT COUNT(*) FROM works_records").fetchone()[0]

    def _cluster_some(self, rids: set[int], report: UpdateReport, progress: Progress | None) -> None:
        cache = self._features(rids)
        uf = self._link(self._blocks_within(rids), report, len(rids), progress, cache)
        self._write_components(uf, progress, reset=rids, cache=cache)

    def _write_components(self, uf: GuardedUnionFind, progress: Progress | None, *,
                          reset: set[int] | None = None, cache: dict[int, Features] | None = None) -> None:
        """Give every component its work id and its editions; records in no component stay singletons."""
        conn = self._conn
        components = [members for members in uf.components().values()]
        with self.database.write(conn):
            if reset is None:
                conn.execute("UPDATE works_records SET work_id = 'w:' || record_id, edition_id = 'e:' || record_id")
            else:
                for chunk in _chunks(sorted(reset)):
                    marks = ",".join("?" * len(chunk))
                    conn.execute(
                        "UPDATE works_records SET work_id = 'w:' || record_id, edition_id = 'e:' || record_id"
                        f" WHERE rid IN ({marks})", chunk)
            works = [members for members in components if len(members) > 1]
            done = 0
            for group in _groups(works, _MAX_PARAMS):  # one features query and one UPDATE for each group
                wanted = [r for members in group for r in members]
                found = {r: cache[r] for r in wanted} if cache is not None else self._features(wanted)
                rows = []
                for members in group:
                    rows += _work_rows({r: found[r] for r in members})
                conn.executemany("UPDATE works_records SET work_id = ?, edition_id = ? WHERE rid = ?", rows)
                done += len(group)
                if progress:
                    progress("write", done, len(works))


def _work_rows(found: dict[int, Features]) -> list[tuple[str, str, int]]:
    """(work id, edition id, rid) for each member of one work: named after its first record id, and each
    edition after its own first."""
    work_id = "w:" + min(f.record_id for f in found.values())
    editions = link_editions(list(found.items()))
    edition_names: dict[int, str] = {}
    for rid, root in editions.items():
        name = found[rid].record_id
        if root not in edition_names or name < edition_names[root]:
            edition_names[root] = name
    return [(work_id, "e:" + edition_names[editions[rid]], rid) for rid in found]


def _groups(components: list[list[int]], size: int) -> Iterator[list[list[int]]]:
    """Consecutive components, about `size` records a group (a bigger component is a group of its own)."""
    group: list[list[int]] = []
    count = 0
    for members in components:
        group.append(members)
        count += len(members)
        if count >= size:
            yield group
            group, count = [], 0
    if group:
        yield group


def _chunks(items: list, size: int = _MAX_PARAMS) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
