"""What the store hands out, independent of the database behind it (SQLite now, PostgreSQL later).

Everything here is plain data; `tongwen.store.records` is the only module that speaks SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from tongwen.model import Record

UpsertResult = Literal["added", "updated", "unchanged"]
RunKind = Literal["import", "harvest"]
COUNT_NAMES = ("added", "updated", "unchanged", "deleted", "rejected", "repaired")


class StoreError(RuntimeError):
    """The database cannot be used as asked (missing, read-only, from a newer Tongwen...)."""


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the store's change feed: the latest state of a record after change number `seq`."""

    seq: int
    record_id: str
    deleted: bool
    datestamp: str  # UTC, ISO 8601 to the second: "2024-05-01T12:00:00Z"
    record: Record | None  # None for a deleted record (a tombstone)


@dataclass(frozen=True, slots=True)
class Run:
    """One import or harvest and what it did."""

    id: int
    kind: str
    source: str
    files: list[str]
    format: str | None
    started: str
    finished: str | None
    status: str  # running, ok, problems, failed, interrupted
    counts: dict[str, int] = field(default_factory=dict)
    problem_count: int = 0


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one record (or a whole file), written so a librarian can find it."""

    run_id: int
    position: str | None  # "books.mrc record 12"
    record_id: str | None
    field: str | None  # "245$a", "column 'year'"
    severity: str  # "error": record rejected / file unreadable; "warning": repaired or dropped a part
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.position, self.record_id) if part)
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}" if where else what


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A named source of records (one library catalogue, one OAI endpoint, one file series)."""

    name: str
    institution: str | None
    format: str | None
    created: str
    records: int = 0
