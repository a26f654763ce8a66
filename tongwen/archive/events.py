"""Preservation events and recorded checksums, kept beside the records in tables of their own (``archive_*``).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tongwen.sqlite"
    >>> with PreservationStore.open(path) as events:
    ...     _ = events.record_event("nlc:1", "fixity check", outcome="success", detail="12 files verified")
    ...     [event.type for event in events.events_of("nlc:1")]
    ['fixity check']

An event is PREMIS-shaped (PREMIS 3 ``event``: eventType, eventDateTime, linkingAgent, eventOutcome,
eventOutcomeDetail): what was done to an item, when, by which tool, and how it went. Event types are those
Tongwen performs (`EVENT_TYPES`; "archive" is what the PREMIS event-type vocabulary calls *packing* an item
into a bag, "ingest" an item taken in from a bag, "format migration" a file rewritten into another format).

A *stored file* is one whose checksums Tongwen recorded when it archived or imported it (a bag's payload, a
local page image): `tongwen fixity` recomputes them and reports any change, it never updates a recorded
checksum. The tables carry their own schema version (``archive_meta``), like the works tables, so this package
upgrades its tables without touching the record store's migrations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from tongwen.store import StoreError
from tongwen.store.database import Database

SCHEMA_VERSION = 1
EVENT_TYPES = ("ingest", "archive", "fixity check", "format migration")
OUTCOMES = ("success", "failure", "warning")

# Migration 1: events and the files whose checksums were recorded. A file path is absolute: a bag is
# archived to wherever the librarian says, and fixity must find it there again.
_MIGRATIONS = {
    1: """
CREATE TABLE IF NOT EXISTS archive_events (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    agent TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS archive_events_record ON archive_events (record_id, id);
CREATE TABLE IF NOT EXISTS archive_files (
    path TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    bag TEXT,
    sha256 TEXT NOT NULL,
    sha512 TEXT NOT NULL,
    size INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS archive_files_record ON archive_files (record_id);
""",
}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def agent() -> str:
    """The software agent named in events and in bag-info: this Tongwen and the bagit library it uses."""
    from importlib.metadata import version

    return f"Tongwen {tongwen_version()} (bagit {version('bagit')})"


def tongwen_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tongwen")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


@dataclass(frozen=True, slots=True)
class Event:
    record_id: str
    type: str
    at: str
    agent: str
    outcome: str
    detail: str = ""

    def to_premis(self) -> dict[str, str]:
        """The event as PREMIS 3 names its parts (for the bag's events file and `--json`)."""
        return {"eventType": self.type, "eventDateTime": self.at, "linkingAgent": self.agent,
                "eventOutcome": self.outcome, "eventOutcomeDetail": self.detail, "linkingObject": self.record_id}

    @classmethod
    def from_premis(cls, data: dict[str, str]) -> Event:
        return cls(data["linkingObject"], data["eventType"], data["eventDateTime"], data["linkingAgent"],
                   data["eventOutcome"], data.get("eventOutcomeDetail", ""))


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    record_id: str
    bag: Path | None
    sha256: str
    sha512: str
    size: int
    recorded_at: str


class PreservationStore:
    """Events and recorded checksums. Open with `PreservationStore.open(settings.database)`; a context manager."""

    def __init__(self, conn: Any, database: Database, *, empty: bool = False):
        self._conn = conn
        self._database = database
        self._empty = empty  # opened read-only before anything was ever archived: no tables yet

    @classmethod
    def open(cls, path: str | Path | Database, *, read_only: bool = False) -> PreservationStore:
        """Open (creating and upgrading the tables as needed). `read_only=True` (for the portal) never writes
        and may be shared between threads; it sees no events where nothing was archived yet."""
        database = Database.at(path)
        if read_only:
            conn = database.connect_readonly()
            return cls(conn, database, empty=not database.has_table(conn, "archive_events"))
        conn = database.connect(timeout=30)
        try:
            _migrate(conn, database)
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

    # -- events

    def record_event(self, record_id: str, type: str, *, outcome: str, detail: str = "",
                     at: str | None = None, by: str | None = None) -> Event:
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown preservation event type {type!r}; one of {', '.join(EVENT_TYPES)}")
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown event outcome {outcome!r}; one of {', '.join(OUTCOMES)}")
        event = Event(record_id, type, at or now(), by or agent(), outcome, detail)
        self.add(event)
        return event

    def add(self, event: Event) -> None:
        """Store an event as it is (an event carried in from another node's bag keeps its date and agent)."""
        self._conn.execute(
            "INSERT INTO archive_events (record_id, type, at, agent, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (event.record_id, event.type, event.at, event.agent, event.outcome, event.detail),
        )

    def events_of(self, record_id: str) -> list[Event]:
        if self._empty:
            return []
        rows = self._conn.execute(
            "SELECT record_id, type, at, agent, outcome, detail FROM archive_events WHERE record_id = ? ORDER BY id",
            (record_id,),
        )
        return [Event(*row) for row in rows]

    # -- recorded checksums

    def record_file(self, path: Path, record_id: str, *, bag: Path | None, sha256: str, sha512: str,
                    size: int) -> None:
        """Remember a file's checksums (again, when the same path is archived anew: a new bag, new bytes)."""
        self._conn.execute(
            "INSERT INTO archive_files VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET"
            " record_id = excluded.record_id, bag = excluded.bag, sha256 = excluded.sha256,"
            " sha512 = excluded.sha512, size = excluded.size, recorded_at = excluded.recorded_at",
            (str(path.resolve()), record_id, str(bag.resolve()) if bag else None, sha256, sha512, size, now()),
        )

    def stored_files(self, bags: list[Path] | None = None) -> Iterator[StoredFile]:
        """Every file with recorded checksums, or only those of `bags`."""
        if bags:
            marks = ",".join("?" * len(bags))
            rows = self._conn.execute(f"SELECT * FROM archive_files WHERE bag IN ({marks}) ORDER BY path",
                                      [str(bag.resolve()) for bag in bags])
        else:
            rows = self._conn.execute("SELECT * FROM archive_files ORDER BY path")
        for path, record_id, bag, sha256, sha512, size, recorded_at in rows.fetchall():
            yield StoredFile(Path(path), record_id, Path(bag) if bag else None, sha256, sha512, size, recorded_at)

    def bags(self) -> dict[Path, str]:
        """Every bag Tongwen wrote or imported, with the item it holds."""
        rows = self._conn.execute("SELECT DISTINCT bag, record_id FROM archive_files WHERE bag IS NOT NULL "
                                  "ORDER BY bag")
        return {Path(bag): record_id for bag, record_id in rows}

    def transaction(self) -> AbstractContextManager[Any]:
        """`with events.transaction():` — an item's events and checksums are written together or not at all."""
        return self._database.write(self._conn)


def _migrate(conn: Any, database: Database) -> None:
    with database.write(conn):  # under the write lock, so two processes opening at once migrate once
        conn.execute(database.ddl("CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT)"))
        row = conn.execute("SELECT value FROM archive_meta WHERE key = 'schema_version'").fetchone()
    current = int(row[0]) if row else 0
    if current > SCHEMA_VERSION:
        raise StoreError(f"the archive tables in {database} have schema version {current}, newer than this "
                         f"Tongwen knows ({SCHEMA_VERSION}); upgrade Tongwen")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with database.write(conn):
            database.run_script(conn, _MIGRATIONS[version])
            conn.execute("INSERT INTO archive_meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE"
                         " SET value = excluded.value", (str(version),))


def events_json(events: list[Event]) -> str:
    return json.dumps([event.to_premis() for event in events], ensure_ascii=False, indent=1) + "\n"
