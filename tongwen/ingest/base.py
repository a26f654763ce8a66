"""The seam between readers and the rest: what a reader yields and what a mapper returns.

A *reader* knows one file format. It streams `RawRecord`s (one at a time, constant memory) and never raises
for a single bad record: it yields a `RawRecord` whose ``error`` says what is wrong, so the batch goes on.
A *mapper* turns one `RawRecord` into a `Record` with the format's field rules, collecting `Diagnostic`s
for anything it repaired or dropped. It raises `RecordRejected` when nothing usable is left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from tongwen.model import Record


# One limit for a single field (a MARC subfield, an XML element's text, a CSV cell) in every reader, in
# characters. Catalogue fields are short (ISO 2709 allows 9,999 bytes); a field beyond this is damage or an
# attack, and its record is rejected naming the field while the records after it are read on.
FIELD_LIMIT = 1_000_000


def oversized(field: str, size: int) -> str:
    """The rejection message for a field over `FIELD_LIMIT`."""
    return f"field {field} is {size:,} characters long, over the per-field limit of {FIELD_LIMIT:,}; record not imported"


@dataclass(slots=True)
class Diagnostic:
    """A problem found in one record, named so a librarian can find it in the source file."""

    message: str
    field: str | None = None  # "245$a", "880 (245-01)", "leader/09", "dc:date", "column 'year'"
    severity: str = "warning"  # "info": how it was read; "warning": repaired or dropped a part; "error": rejected

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # An import's workers send these to the importer by the thousand; pickled as a call with the values,
        # unpickling is one constructor call rather than the slots dataclass's `__setstate__` loop in Python.
        return (Diagnostic, (self.message, self.field, self.severity))


@dataclass(slots=True)
class RawRecord:
    position: str  # "books.mrc record 12" / "harvest page 3 record 7": where to look in the source
    payload: Any = None  # format-specific parsed form (pymarc.Record, lxml element, dict row)
    original: str | None = None  # the source record verbatim, kept in provenance
    local_id: str | None = None  # when the reader already knows it (OAI header identifier)
    deleted: bool = False  # MARC leader/05 = d, OAI status="deleted"
    error: str | None = None  # set when the reader could not parse this record at all
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:  # as `Diagnostic.__reduce__`: one per record from the workers
        return (RawRecord, (self.position, self.payload, self.original, self.local_id, self.deleted, self.error,
                            self.diagnostics))


class RecordRejected(Exception):
    """The record cannot be mapped; the message names the field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(f"{field}: {message}" if field else message)
        self.diagnostic = Diagnostic(message, field, "error")


@dataclass(slots=True)
class MapContext:
    """What a mapper knows beyond the record itself."""

    source: str
    institution: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # format options, e.g. a CSV column mapping


@dataclass(frozen=True, slots=True)
class Format:
    """One supported input format: how to recognise it, read it and map it."""

    name: str
    description: str
    sniff: Callable[[bytes, str], bool]  # (first bytes of the file, file name) -> is it this format?
    read: Callable[[BinaryIO, str, dict[str, Any]], Iterator[RawRecord]]  # (stream, file label, options)
    map: Callable[[RawRecord, MapContext], tuple[Record, list[Diagnostic]]]
    # Formats whose items span several files (one Kanseki Repository file per juan): files of one import
    # whose names give the same key are read as one stream, in name order (`tongwen.ingest.pipeline`).
    item_key: Callable[[str], str | None] | None = None
    # Formats whose records can be cut from the stream without parsing them (binary MARC: the leader says
    # each record's length): `frames` yields one small picklable piece per record, cheaply, and
    # `read_frame` (frame, file label, 1-based record number, options) makes the `RawRecord` that `read`
    # would have yielded for it. The file importer then parses and maps records on worker processes
    # (`tongwen.ingest.parallel`); `read` must equal `read_frame` over `frames`.
    frames: Callable[[BinaryIO], Iterator[Any]] | None = None
    read_frame: Callable[[Any, str, int, dict[str, Any]], RawRecord] | None = None
