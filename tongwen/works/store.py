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
the changed records, and matches again only what they touch: a new record, or one whose work evidence changed,
is matched in its blocks against the works found there, each kept whole as an earlier run formed it (none of
its records changed, so neither did the evidence that joined it); the works such records left are matched
again from scratch (a record that left may have held one together). A record changed only in what editions
read (year, publisher) keeps its work, and only that work's editions are computed again. Only rows whose
work or edition changed are written. `rebuild(store)` starts from nothing. The schema has its own version
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
from tongwen.works.cluster import CompactUnionFind, GuardedUnionFind, link_editions, link_works
from tongwen.works.keys import Features, clear_key_caches, features

SCHEMA_VERSION = 1
MAX_BLOCK = 5000  # a key shared by more records is a stop key ("Poems"): too common to be evidence
_PAGE = 1000
_MAX_PARAMS = 500
# A first run empties the key caches after this many records (`keys.clear_key_caches`): they held ~1 KB a
# record keyed until full, the growth of a rebuild's memory with the collection. Copies of one work mostly come
# together, so a stretch this long keeps most of the hits: at 150k records, keying ~2% slower than never clearing.
_CLEAR_EVERY = 20_000
_COUNTS = ("works", "editions", "multi_record_works")  # kept in works_meta, moved by each write

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


@dataclass(slots=True)
class _Changes:
    """What re-keying one update's changes found."""

    moved: set[int] = field(default_factory=set)  # new records, and records whose work evidence changed
    left: set[str] = field(default_factory=set)  # works a moved or deleted record was in
    refreshed: set[int] = field(default_factory=set)  # changed in what editions read only: keep their work
    crossed: set[str] = field(default_factory=set)  # keys that became stop keys (`MAX_BLOCK`), or stopped being

    def __bool__(self) -> bool:
        return bool(self.moved or self.left or self.refreshed or self.crossed)

    def clear(self) -> None:
        self.moved.clear()
        self.left.clear()
        self.refreshed.clear()
        self.crossed.clear()


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
    reclustered: int = 0  # records whose work or editions were computed again
    rematched: int = 0  # of them, records matched again in their blocks (the rest kept the work they had)
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
        for record_id, work_id, edition_id in self._where_in(
            "SELECT record_id, work_id, edition_id FROM works_records WHERE record_id IN ({marks})", wanted
        ):
            rows[record_id] = (work_id, edition_id)
        members: dict[str, list[tuple[str, str, str | None]]] = {}
        work_ids = sorted({w for w, _ in rows.values()})
        for work_id, record_id, edition_id, institution in self._where_in(
            "SELECT work_id, record_id, edition_id, institution FROM works_records WHERE work_id IN ({marks})"
            " ORDER BY record_id", work_ids
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
            conn.execute(f"DELETE FROM works_meta WHERE key IN ({','.join('?' * len(_COUNTS))})", _COUNTS)
        return self.update(store, progress)

    def update(self, store: Store, progress: Progress | None = None) -> UpdateReport:
        """Bring the clusters up to date with the store's changes since the last run."""
        started = time.monotonic()
        report = UpdateReport()
        first_run = self.synced_seq() == 0
        target = store.max_seq()
        changes = self._apply_changes(store, report, target, progress, remember=not first_run)
        if first_run:
            report.reclustered = self._cluster_all(report, progress)
        elif changes:
            report.reclustered = self._cluster_some(changes, report, progress)
        self._set_meta("synced_seq", str(report.synced_seq or self.synced_seq()))
        counts = self._counts()
        if counts is None:  # tables from before the counts were kept, or a first run that wrote no works: count once
            stats = self.stats()
            counts = {name: stats[name] for name in _COUNTS}
            with self.database.write(self._conn):
                for name, value in counts.items():
                    self._set_meta(name, str(value))
        report.works, report.editions = counts["works"], counts["editions"]
        report.multi_record_works = counts["multi_record_works"]
        report.synced_seq = self.synced_seq()
        report.seconds = time.monotonic() - started
        return report

    def _counts(self) -> dict[str, int] | None:
        """The works, editions and multi-record works kept in ``works_meta`` (None when not kept yet)."""
        found = dict(self._conn.execute(
            f"SELECT key, value FROM works_meta WHERE key IN ({','.join('?' * len(_COUNTS))})", _COUNTS))
        return {name: int(found[name]) for name in _COUNTS} if len(found) == len(_COUNTS) else None

    def _present(self, work_ids: set[str], edition_ids: set[str]) -> dict[str, int]:
        """How many of `work_ids` and `edition_ids` have records, and how many of the works several."""
        sizes = [n for (n,) in self._where_in(
            "SELECT COUNT(*) FROM works_records WHERE work_id IN ({marks}) GROUP BY work_id", sorted(work_ids))]
        editions = sum(1 for _ in self._where_in(
            "SELECT DISTINCT edition_id FROM works_records WHERE edition_id IN ({marks})", sorted(edition_ids)))
        return {"works": len(sizes), "editions": editions, "multi_record_works": sum(1 for n in sizes if n > 1)}

    def _shift_counts(self, before: dict[str, int], after: dict[str, int]) -> None:
        """Move the kept counts by what one write did to the works and editions it touched (in its
        transaction, so they always describe the rows). Counting the whole table instead took 1 s at 1M."""
        counts = self._counts()
        if counts is not None:
            for name in _COUNTS:
                self._set_meta(name, str(counts[name] + after[name] - before[name]))

    def _set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT INTO works_meta (key, value) VALUES (?, ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def _apply_changes(
        self, store: Store, report: UpdateReport, target: int, progress: Progress | None, *, remember: bool = True
    ) -> _Changes:
        """Re-key every record changed since the last run; returns what changed (unless not asked to
        `remember` it: a first run clusters everything, and a set of every record id would be the biggest
        thing it holds)."""
        seq = self.synced_seq()
        start = seq
        changes = _Changes()
        conn = self._conn
        keyed = 0
        while True:
            batch = store.changes_since(seq, _PAGE, with_original=False)
            if not batch:
                break
            with self.database.write(conn):
                self._rekey(batch, report, changes, remember)
                if not remember:
                    changes.clear()
                seq = batch[-1].seq
                self._set_meta("synced_seq", str(seq))
            if progress:
                progress("keys", seq - start, max(1, target - start))
            keyed += len(batch)
            if not remember and keyed >= _CLEAR_EVERY:
                clear_key_caches()
                keyed = 0
        if not remember:
            clear_key_caches()  # matching and writing read keys from the table, not from records
        report.synced_seq = seq
        return changes

    def _rekey(self, batch: list[Change], report: UpdateReport, changes: _Changes, remember: bool) -> None:
        """One page of changes written with a few statements for the page, not several per record: on
        PostgreSQL each statement is a round trip, and per-record statements were two thirds of a rebuild."""
        conn = self._conn
        known: dict[str, tuple[int, str, str]] = {}
        touched_works: set[str] = set()
        touched_editions: set[str] = set()
        for record_id, rid, work_id, edition_id, old in self._where_in(
            "SELECT record_id, rid, work_id, edition_id, features FROM works_records WHERE record_id IN ({marks})",
            [change.record_id for change in batch],
        ):
            known[record_id] = (rid, work_id, old)
            touched_works.add(work_id)
            touched_editions.add(edition_id)
        touched_works.update(f"w:{change.record_id}" for change in batch if change.record_id not in known)
        touched_editions.update(f"e:{change.record_id}" for change in batch if change.record_id not in known)
        # A first run counts as it writes the works (`_write_components`): no counts to move page by page.
        before = self._present(touched_works, touched_editions) if remember else None
        features_of = {change.record_id: features(change.record) for change in batch
                       if not (change.deleted or change.record is None)}
        # A key whose block grows past MAX_BLOCK stops joining its records, and one shrinking below starts to:
        # the update then matches the works of all of them again (`_Changes.crossed`; rare, and a rebuild would).
        rekeyed: set[str] = set()
        if remember:  # a first run matches every block anyway
            rekeyed = self._keys_of(rid for rid, _, _ in known.values())
            rekeyed.update(key for feats in features_of.values() for key in feats.blocking_keys())
        sizes = self._key_sizes(rekeyed)
        self._delete_where_rid("works_keys", [rid for rid, _, _ in known.values()])
        gone = [change.record_id for change in batch if change.deleted or change.record is None]
        self._delete_where_rid("works_records", [known[record_id][0] for record_id in gone if record_id in known])
        report.deleted += sum(1 for record_id in gone if record_id in known)
        changes.left.update(known[record_id][1] for record_id in gone if record_id in known)
        for record_id, feats in features_of.items():
            if record_id in known:
                rid, work_id, old = known[record_id]
                if Features.from_json(old).work_evidence() != feats.work_evidence():
                    changes.moved.add(rid)
                    changes.left.add(work_id)
                elif old != feats.to_json():
                    changes.refreshed.add(rid)
        conn.executemany("UPDATE works_records SET features = ?, institution = ? WHERE rid = ?",
                         [(feats.to_json(), feats.institution, known[record_id][0])
                          for record_id, feats in features_of.items() if record_id in known])
        rids = {record_id: known[record_id][0] for record_id in features_of if record_id in known}
        first_new = len(rids)
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
        changes.moved.update(int(rid) for rid in itertools.islice(rids.values(), first_new, None))
        report.changed += len(features_of)
        resized = self._key_sizes(rekeyed)
        changes.crossed.update(key for key in rekeyed
                               if (sizes.get(key, 0) <= MAX_BLOCK) != (resized.get(key, 0) <= MAX_BLOCK))
        if before is not None:
            self._shift_counts(before, self._present(touched_works, touched_editions))

    def _delete_where_rid(self, table: str, rids: list[int]) -> None:
        for chunk in _chunks(rids):
            self._conn.execute(f"DELETE FROM {table} WHERE rid IN ({','.join('?' * len(chunk))})", chunk)

    def _where_in(self, sql: str, values: list, size: int = _MAX_PARAMS) -> Iterator[tuple]:
        """The rows of `sql` for every value, a query per `size` of them: ``{marks}`` in `sql` is where the
        placeholders of a chunk go (``... WHERE rid IN ({marks})``)."""
        for chunk in _chunks(values, size):
            yield from self._conn.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)

    def _keys_of(self, rids: Iterable[int]) -> set[str]:
        return {key for (key,) in self._where_in("SELECT key FROM works_keys WHERE rid IN ({marks})", sorted(rids))}

    def _features(self, rids: Iterable[int]) -> dict[int, Features]:
        return {rid: Features.from_json(text) for rid, text in self._where_in(
            "SELECT rid, features FROM works_records WHERE rid IN ({marks})", list(rids))}

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

    def _blocks_of(self, keys: list[str], allowed: set[int] | dict[int, Any]) -> Iterator[list[int]]:
        """The blocks of `keys` (sorted, no stop keys), in key order, each with its members among `allowed`."""
        for sub in _chunks(keys, _MAX_PARAMS // 4):  # about MAX_BLOCK rows a key at most
            members: dict[str, list[int]] = {}
            for key, rid in self._conn.execute(
                f"SELECT key, rid FROM works_keys WHERE key IN ({','.join('?' * len(sub))})", sub
            ):
                if rid in allowed:
                    members.setdefault(key, []).append(rid)
            for key in sorted(members):
                if len(members[key]) > 1:
                    yield members[key]

    def _link(self, blocks: Iterable[list[int]], uf: CompactUnionFind, report: UpdateReport, total: int,
              progress: Progress | None) -> None:
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
                found = self._features(wanted)
                for members in group:
                    done += len(members)
                    if progress and done % 5000 < len(members):
                        progress("match", min(done, total), total)
                    yield [(r, found[r]) for r in members if r in found]
                group = []

        # Read all blocks first: the keys cursor must be closed before we write.
        report.pairs_scored += link_works(with_features(), uf)

    def _cluster_all(self, report: UpdateReport, progress: Progress | None) -> int:
        """Match every block, then write every work: what is held meanwhile is two arrays of the rids' range
        (`CompactUnionFind`), the blocks and features of one group, and one work's features at a time."""
        count, first, last = self._conn.execute("SELECT COUNT(*), MIN(rid), MAX(rid) FROM works_records").fetchone()
        if not count:
            return 0
        total = self._conn.execute("SELECT COUNT(*) FROM works_keys").fetchone()[0]
        uf = CompactUnionFind(first, last)
        self._link(self._blocks_all(), uf, report, total, progress)
        self._write_components(uf, count, progress)
        return count

    def _cluster_some(self, changes: _Changes, report: UpdateReport, progress: Progress | None) -> int:
        """Match the moved records in their blocks, against the works there kept whole; match again from scratch
        the works they left; compute again the editions of works that changed. Returns the records whose work
        or editions were computed."""
        left = changes.left | self._works_of(self._rids_with_keys(sorted(changes.crossed)))
        rematch = changes.moved | self._members_of(left)
        report.rematched = len(rematch)
        # Every block of a record matched again is read whole, with the works of its other members: a record
        # of a work that lost its creator-guarding member may now join one it was kept from.
        keys = self._usable_keys(self._keys_of(rematch))
        kept = self._works_of(self._rids_with_keys(keys) - rematch)
        refreshed = self._works_of(changes.refreshed - rematch)
        rows = self._rows(works=kept | refreshed | left, rids=changes.moved)
        uf = GuardedUnionFind()
        formed: dict[str, list[tuple[int, Features]]] = {}
        for rid, (work_id, _, feats) in rows.items():
            if rid in rematch:
                uf.add(rid, feats)
            else:
                formed.setdefault(work_id, []).append((rid, feats))
        for members in formed.values():
            uf.seed(members)
        blocks = ([(rid, rows[rid][2]) for rid in block] for block in self._blocks_of(keys, rows))
        report.pairs_scored += link_works(blocks, uf)
        updates: list[tuple[str, str, int]] = []
        computed = 0
        components = list(uf.components().values())
        for done, members in enumerate(components, 1):
            work_id = rows[members[0]][0]
            if members[0] not in rematch and work_id not in refreshed and len(formed[work_id]) == len(members):
                continue  # a work kept whole that nothing joined: its rows stand
            computed += len(members)
            updates += [(work, edition, rid) for work, edition, rid in _work_rows({r: rows[r][2] for r in members})
                        if rows[rid][:2] != (work, edition)]
            if progress and done % 1000 == 0:
                progress("match", done, len(components))
        touched_works = {rows[rid][0] for _, _, rid in updates} | {work for work, _, _ in updates}
        touched_editions = {rows[rid][1] for _, _, rid in updates} | {edition for _, edition, _ in updates}
        with self.database.write(self._conn) as conn:
            before = self._present(touched_works, touched_editions)
            conn.executemany("UPDATE works_records SET work_id = ?, edition_id = ? WHERE rid = ?", updates)
            self._shift_counts(before, self._present(touched_works, touched_editions))
        return computed

    def _members_of(self, work_ids: Iterable[str]) -> set[int]:
        return {rid for (rid,) in self._where_in(
            "SELECT rid FROM works_records WHERE work_id IN ({marks})", sorted(work_ids))}

    def _works_of(self, rids: Iterable[int]) -> set[str]:
        return {work for (work,) in self._where_in(
            "SELECT DISTINCT work_id FROM works_records WHERE rid IN ({marks})", sorted(rids))}

    def _key_sizes(self, keys: Iterable[str]) -> dict[str, int]:
        """key → records under it, for those of `keys` that have any."""
        return dict(self._where_in(
            "SELECT key, COUNT(*) FROM works_keys WHERE key IN ({marks}) GROUP BY key", sorted(keys)))

    def _usable_keys(self, keys: Iterable[str]) -> list[str]:
        """`keys` without the stop keys (more than `MAX_BLOCK` records)."""
        return sorted(key for key, size in self._key_sizes(keys).items() if size <= MAX_BLOCK)

    def _rids_with_keys(self, keys: list[str]) -> set[int]:
        return {rid for (rid,) in self._where_in("SELECT rid FROM works_keys WHERE key IN ({marks})", keys)}

    def _rows(self, *, works: Iterable[str], rids: Iterable[int]) -> dict[int, tuple[str, str, Features]]:
        """rid → (work id, edition id, features) of every member of `works` and of each of `rids`."""
        found: dict[int, tuple[str, str, Features]] = {}
        for column, values in (("work_id", sorted(works)), ("rid", sorted(rids))):
            for rid, work_id, edition_id, text in self._where_in(
                f"SELECT rid, work_id, edition_id, features FROM works_records WHERE {column} IN ({{marks}})", values
            ):
                if rid not in found:
                    found[rid] = (work_id, edition_id, Features.from_json(text))
        return found

    def _write_components(self, uf: CompactUnionFind, records: int, progress: Progress | None) -> None:
        """Give every work of several records its id and its editions, computed a work at a time from
        features read a group of works at a time; records in no work stay singletons. The kept counts are
        counted here, as the works are written (a COUNT DISTINCT of each column after took 3 scans of 1M rows)."""
        conn = self._conn
        multi = members = editions = 0
        with self.database.write(conn):
            conn.execute("UPDATE works_records SET work_id = 'w:' || record_id, edition_id = 'e:' || record_id")
            done, total = 0, len(uf.parent)
            for group in _groups(uf.works(), _MAX_PARAMS):  # one features query and one UPDATE for each group
                found = self._features([r for work in group for r in work])
                rows = []
                for work in group:
                    work_rows = _work_rows({r: found[r] for r in work})
                    multi, members = multi + 1, members + len(work_rows)
                    editions += len({edition for _, edition, _ in work_rows})
                    rows += work_rows
                conn.executemany("UPDATE works_records SET work_id = ?, edition_id = ? WHERE rid = ?", rows)
                done = group[-1][0] - uf.first + 1
                if progress:
                    progress("write", done, total)
            singletons = records - members
            counts = {"works": multi + singletons, "editions": editions + singletons, "multi_record_works": multi}
            for name in _COUNTS:
                self._set_meta(name, str(counts[name]))
            if progress:
                progress("write", total, total)


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


def _groups(components: Iterable[list[int]], size: int) -> Iterator[list[list[int]]]:
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
