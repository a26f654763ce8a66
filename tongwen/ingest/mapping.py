"""Mapping one raw record, the part of an import that needs nothing but the record: it may run in a worker
process (`tongwen.ingest.parallel`) while the importer's own process writes the store.

`map_raw` does what the importer did before writing: it maps the record (or, for a deletion, finds its id)
and turns a mapper's rejection — or crash — into a `Diagnostic`. The result is picklable once the reader's
parsed form (`RawRecord.payload`, a pymarc record or an lxml element) is dropped, as the workers do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.model import Page, Provenance, Record
from tongwen.store.codec import EncodedRecord, encode


@dataclass(slots=True)
class Mapped:
    """One record, mapped: what `tongwen.ingest.pipeline.ImportRun.store` needs to count and store it."""

    raw: RawRecord  # without its payload
    record: Record | None = None
    # the reader's notes and the mapper's, each once (some mappers start from raw.diagnostics)
    warnings: list[Diagnostic] = field(default_factory=list)
    rejection: Diagnostic | None = None  # the mapper refused the record, or crashed on it
    deleted_id: str | None = None  # for a deletion: the id to delete, from the reader or the mapper
    # set by `encode_for_store`: the record as the store keeps it, `record` then only its id and pages
    encoded: EncodedRecord | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # What a worker sends back, once per record. Encoded, `record` is only the stub `encode_for_store`
        # leaves, sent as its three values: a slots dataclass pickles and unpickles through `__getstate__` /
        # `__setstate__` in Python, which with the encoded record's were half the importer's unpickling.
        record = self.record
        if self.encoded is not None and record is not None:
            return (_stub_mapped, (self.raw, record.source, record.local_id, record.pages, self.warnings,
                                   self.rejection, self.deleted_id, self.encoded))
        return (Mapped, (self.raw, record, self.warnings, self.rejection, self.deleted_id, self.encoded))


def _stub_mapped(raw: RawRecord, source: str, local_id: str, pages: list[Page], warnings: list[Diagnostic],
                 rejection: Diagnostic | None, deleted_id: str | None, encoded: EncodedRecord) -> Mapped:
    return Mapped(raw, Record(source, local_id, pages=pages), warnings, rejection, deleted_id, encoded)


def map_raw(raw: RawRecord, fmt: Format, context: MapContext) -> Mapped:
    """Map `raw` with `fmt`'s rules; never raises for a bad record."""
    if raw.error:
        return Mapped(raw)
    if raw.deleted:
        return Mapped(raw, deleted_id=_deleted_id(raw, fmt, context))
    try:
        record, found = fmt.map(raw, context)
    except RecordRejected as exc:
        return Mapped(raw, warnings=list(raw.diagnostics), rejection=exc.diagnostic)
    except Exception as exc:  # a mapper bug must not stop the batch; it is reported like a rejection
        message = f"could not be mapped ({type(exc).__name__}: {exc})"
        return Mapped(raw, warnings=list(raw.diagnostics), rejection=Diagnostic(message, None, "error"))
    warnings = [*raw.diagnostics, *(d for d in found if not any(d is r for r in raw.diagnostics))]
    return Mapped(raw, record=record, warnings=warnings)


def _deleted_id(raw: RawRecord, fmt: Format, context: MapContext) -> str | None:
    if raw.local_id:
        return f"{context.source}:{raw.local_id}"
    try:  # the reader did not know the id; the mapper may find it
        return fmt.map(raw, context)[0].id
    except Exception:
        return None


def complete(record: Record, raw: RawRecord, fmt: Format, context: MapContext, run_id: int) -> None:
    """Fill in what the run knows and the mapper may not: institution, run id, position, original."""
    if record.institution is None:
        record.institution = context.institution
    if record.provenance is None:
        record.provenance = Provenance(context.source, fmt.name)
    record.provenance.run_id = run_id
    record.provenance.position = record.provenance.position or raw.position
    if record.provenance.original is None:
        record.provenance.original = raw.original


def encode_for_store(mapped: Mapped, fmt: Format, context: MapContext, run_id: int) -> None:
    """Complete and encode a mapped record where it was mapped (a worker), so that what goes back to the
    importer is a few strings: unpickling the whole record and encoding it were half the importer's time."""
    record = mapped.record
    if record is None or mapped.rejection is not None or not record.local_id or not record.local_id.strip():
        return  # the importer rejects it, from what it has
    complete(record, mapped.raw, fmt, context, run_id)
    mapped.encoded = encode(record)
    # what the importer still reads: the id, and for tiling the pages' labels and image addresses
    pages = [Page(page.label, image=page.image) for page in record.pages]
    mapped.record = Record(record.source, record.local_id, pages=pages)
    mapped.raw.original = None  # it is in `encoded`
