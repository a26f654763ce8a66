"""Import files into the store: reader → mapper → store, streamed, in batched transactions.

    >>> from tongwen.store import Store
    >>> store = Store.open(":memory:")
    >>> summary = import_files(store, ["books.mrc"], source="nlc", institution="NLC")  # doctest: +SKIP
    >>> summary.counts  # doctest: +SKIP
    {'added': 383, 'updated': 0, 'unchanged': 0, 'deleted': 0, 'rejected': 0, 'repaired': 12}

What a run promises:

- One broken record never stops the run: a record the reader cannot parse, or the mapper rejects (or even
  crashes on), becomes a problem naming the file, position and field; the run goes on. A file that cannot
  be read at all, or breaks off half-way (truncated XML), is a problem too, and the next file is read.
- Re-importing a file changes nothing: every record comes back "unchanged" (the store compares content
  hashes). An interrupted import, run again, ends in the same state as an uninterrupted one: records are
  upserted by id, so those stored before the interruption are "unchanged" the second time.
- Nothing stored before is lost: a bad file only ever adds problems.
- Memory does not grow with the input: one record at a time, the summary keeps only the first problems.

What follows the store (the search index, OAI-PMH) needs nothing from here: it reads
`store.changes_since(seq)`.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO

from tongwen.ingest import FORMATS, FormatNotRecognised, detect_format
from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord
from tongwen.ingest.mapping import Mapped, complete, map_raw
from tongwen.ingest.parallel import MappingWorkers, ReadingStopped, WorkerCrashed
from tongwen.model import Page, Record
from tongwen.store import COUNT_NAMES, Problem, Store

FIRST_PROBLEMS = 20  # how many problems a summary carries; all of them are in the store
_BYTES_EVERY = 256  # records between reads of the file position for the progress bar


@dataclass(slots=True)
class ImportProgress:
    """Where an import is, handed to the `progress` callback after every record."""

    file: str
    file_number: int  # 1-based
    files_total: int
    records: int  # records read so far in this run, all files
    file_bytes_done: int
    file_bytes_total: int


@dataclass(slots=True)
class RunSummary:
    run_id: int
    source: str
    files: list[str]
    format: str | None
    status: str  # ok, problems, failed (nothing could be read), interrupted
    counts: dict[str, int]
    records_read: int  # every record the readers yielded, good or broken
    problem_count: int
    first_problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def nothing_read(self) -> bool:
        """True when not a single record could be stored, deleted or found unchanged."""
        return sum(self.counts[name] for name in ("added", "updated", "unchanged", "deleted")) == 0


class ImportRun:
    """The state of one import run: counts, problems, and the handling of each raw record.

    Public so that every writer of records — the file importer here, the OAI-PMH and IIIF harvesters —
    handles records, counts and problems the same way through one object (issue 11.1)."""

    def __init__(self, store: Store, run_id: int, context: MapContext, images_root: Path | None = None):
        self.store = store
        self.run_id = run_id
        self.context = context
        self.counts = dict.fromkeys(COUNT_NAMES, 0)
        self.records_read = 0
        self.problem_count = 0
        self.error_count = 0
        self.first_problems: list[Problem] = []
        # Page images that are local files are tiled (IIIF level 0) beside the store, relative paths read
        # from the imported file's directory (`base_dir`, set per file). Only files imported here are: a
        # harvested record naming a path must not publish this machine's files. A store with no file (in
        # memory) keeps no tiles. Tiling waits for `tile_pending`, after the batch's write transaction: a
        # page takes a quarter of a second, too long to hold the database's write lock for.
        self.images_root = images_root or _images_root(store)
        self.base_dir: Path | None = None
        self.pending_tiles: list[tuple[str, Record, Path]] = []

    def problem(
        self, position: str | None, record_id: str | None, field: str | None, severity: str, message: str
    ) -> None:
        self.store.add_problem(self.run_id, position, record_id, field, severity, message)
        self.problem_count += 1
        self.error_count += severity == "error"
        if len(self.first_problems) < FIRST_PROBLEMS:
            self.first_problems.append(Problem(self.run_id, position, record_id, field, severity, message))

    def diagnostics(self, raw: RawRecord, record_id: str | None, found: Iterable[Diagnostic]) -> None:
        for diagnostic in found:
            self.problem(raw.position, record_id, diagnostic.field, diagnostic.severity, diagnostic.message)

    def reject(self, raw: RawRecord, record_id: str | None, field: str | None, message: str) -> None:
        self.counts["rejected"] += 1
        self.problem(raw.position, record_id, field, "error", message)

    def handle(self, raw: RawRecord, fmt: Format) -> None:
        """Map one raw record and store it (or count it rejected, with its problems)."""
        self.store_mapped(map_raw(raw, fmt, self.context), fmt)

    def store_mapped(self, mapped: Mapped, fmt: Format) -> None:
        """Count and store one record mapped by `map_raw`, here or in a worker process."""
        raw = mapped.raw
        self.records_read += 1
        known_id = f"{self.context.source}:{raw.local_id}" if raw.local_id else None
        if raw.error:
            self.diagnostics(raw, known_id, raw.diagnostics)
            self.reject(raw, known_id, None, raw.error)
            return
        if raw.deleted:
            self._delete(raw, mapped.deleted_id)
            return
        warnings = mapped.warnings
        if mapped.rejection is not None or mapped.record is None:
            rejection = mapped.rejection or Diagnostic("the mapper returned no record", None, "error")
            self.diagnostics(raw, known_id, warnings)
            self.reject(raw, known_id, rejection.field, rejection.message)
            return
        record = mapped.record
        if not record.local_id or not record.local_id.strip():
            self.diagnostics(raw, None, warnings)
            self.reject(
                raw, None, None, "the record has no identifier (e.g. MARC 001), so it cannot be stored"
            )
            return
        if self.store.seen_in_run(self.run_id, record.id):
            # Keeping the first keeps a re-import of the same file "unchanged" instead of flip-flopping.
            self.diagnostics(raw, record.id, warnings)
            self.reject(
                raw,
                record.id,
                None,
                f"another record earlier in this import has the same id "
                f"{record.local_id!r}; the first one was kept",
            )
            return
        if mapped.encoded is None:
            complete(record, raw, fmt, self.context, self.run_id)
        self.diagnostics(raw, record.id, warnings)
        try:
            result = self.store.upsert(mapped.encoded or record)
        except self.store.database.unstorable as exc:  # a lone surrogate, a NUL PostgreSQL refuses...
            # ...refused before it reached the database, so the batch goes on; any other database error
            # (disk full, server gone) stops the import rather than blaming the record.
            self.reject(raw, record.id, None, f"could not be stored ({type(exc).__name__}: {exc})")
            return
        self.counts[result] += 1
        if self.images_root is not None and self.base_dir is not None and record.pages:
            # only what tiling needs: the id and the pages' labels and image addresses, not their text
            pages = [Page(page.label, image=page.image) for page in record.pages]
            self.pending_tiles.append((raw.position, Record(record.source, record.local_id, pages=pages),
                                       self.base_dir))
        if any(d.severity == "warning" for d in warnings):  # "info" says how it was read, not a repair
            self.counts["repaired"] += 1

    def prefetch(self, chunk: list[Any]) -> None:
        """Look up a chunk's stored rows at once (`Store.prefetch`): on PostgreSQL a re-import otherwise asks
        the server once per record."""
        self.store.prefetch([item.record.id for item in chunk
                             if isinstance(item, Mapped) and item.record is not None and item.record.local_id])

    def tile_pending(self) -> None:
        """Tile the page images of the records stored so far (IIIF level 0, `tongwen.protocols.iiif_image`);
        an image that cannot be tiled is a warning naming the record and the page."""
        if not self.pending_tiles:
            return
        from tongwen.protocols.iiif_image import tile_record  # late: Pillow only for records with pages

        pending, self.pending_tiles = self.pending_tiles, []
        for position, record, base_dir in pending:
            for label, message in tile_record(record, base_dir, self.images_root):
                self.problem(position, record.id, f"pages[{label}].image", "warning", message)

    def _delete(self, raw: RawRecord, record_id: str | None) -> None:
        if record_id is None:
            self.reject(raw, None, None, "a deleted record without an identifier: cannot tell what to delete")
            return
        # Deleting what is already gone (or was never here) is no change: a re-import stays "unchanged".
        deleted = self.store.delete(record_id)
        self.counts["deleted" if deleted else "unchanged"] += 1
        if deleted and self.images_root is not None:  # its page images are no longer served
            from tongwen.protocols.iiif_image import forget_record

            self.pending_tiles = [entry for entry in self.pending_tiles if entry[1].id != record_id]
            forget_record(record_id, self.images_root)


def _images_root(store: Store) -> Path | None:
    from tongwen.protocols.iiif_image import images_dir

    return images_dir(store.database)


def resolve_format(format: str | Format | None, path: Path) -> Format:
    """The format asked for by name (or object), else the one detected from the file."""
    if isinstance(format, Format):
        return format
    if format is None:
        return detect_format(path)
    try:
        return FORMATS[format]
    except KeyError:
        raise FormatNotRecognised(
            f"unknown format {format!r}; choose one of: {', '.join(sorted(FORMATS))}"
        ) from None


def import_files(
    store: Store,
    paths: Iterable[str | PathLike[str]],
    *,
    source: str,
    institution: str | None = None,
    format: str | Format | None = None,
    options: dict[str, Any] | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    batch_size: int = 1000,
    workers: int | None = None,
    images_root: Path | None = None,
) -> RunSummary:
    """Import `paths` into `store` as records of `source`, and record the run. See the module docstring.

    `format` is a name from `tongwen.ingest.FORMATS` (or a `Format`); None detects each file's format.
    `options` go to the reader and the mapper (e.g. ``{"columns": mapping}`` for CSV). `progress` is called
    after every record; an exception it raises (or Ctrl-C) ends the run as "interrupted", keeping what was
    stored, and is re-raised.

    `workers` processes parse and map the records of formats that can be cut into records cheaply (binary
    MARC; see `tongwen.ingest.parallel`), while this process stores them in input order: the outcome is
    the same as with ``workers=1`` (all in this process). None: every core for files over
    `PARALLEL_FROM_BYTES`, this process for smaller ones. A worker that dies raises `WorkerCrashed`, the
    run ending "interrupted" with what was stored before kept.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    started = time.monotonic()
    files = [Path(p) for p in paths]
    chosen: list[tuple[Path, Format | None, str | None]] = []
    for path in files:
        try:
            chosen.append((path, resolve_format(format, path), None))
        except (FormatNotRecognised, OSError) as exc:
            chosen.append((path, None, str(exc)))
    names = sorted({fmt.name for _, fmt, _ in chosen if fmt is not None})
    format_name = ",".join(names) or None

    store.register_source(source, institution, format_name)
    run_id = store.begin_run("import", source, [str(p) for p in files], format_name)
    run = ImportRun(store, run_id, MapContext(source, institution, dict(options or {})), images_root)
    status = "interrupted"
    units = _group_items(chosen)
    pool = MappingWorkers(workers, run.context, _reader_options(run.context), run_id)
    try:
        # distinct_ids: `seen_in_run` keeps one record per id, so a new source loads in bulk (COPY)
        with pool, store.batch(every=batch_size, distinct_ids=True):
            for number, (unit, fmt, error) in enumerate(units, start=1):
                if fmt is None:
                    run.problem(unit[0].name, None, None, "error", f"{unit[0]}: {error}")
                    continue
                _import_file(run, unit, fmt, number, len(units), progress, pool)
        run.tile_pending()
        status = _status(run)
    finally:
        store.finish_run(run_id, run.counts, status)
    return RunSummary(
        run_id=run_id,
        source=source,
        files=[str(p) for p in files],
        format=format_name,
        status=status,
        counts=dict(run.counts),
        records_read=run.records_read,
        problem_count=run.problem_count,
        first_problems=run.first_problems,
        seconds=time.monotonic() - started,
    )


def _group_items(
    chosen: list[tuple[Path, Format | None, str | None]],
) -> list[tuple[list[Path], Format | None, str | None]]:
    """Files of one item (formats with an `item_key`: one Kanseki Repository file per juan) become one unit,
    in name order, where the first of them stood; every other file is a unit of its own."""
    units: list[tuple[list[Path], Format | None, str | None]] = []
    by_key: dict[tuple[str, Path, str], list[Path]] = {}
    for path, fmt, error in chosen:
        key = fmt.item_key(path.name) if fmt is not None and fmt.item_key is not None else None
        if fmt is None or key is None:
            units.append(([path], fmt, error))
            continue
        group = by_key.get((fmt.name, path.parent, key))
        if group is None:
            group = by_key[(fmt.name, path.parent, key)] = []
            units.append((group, fmt, None))
        group.append(path)
    for group in by_key.values():
        group.sort(key=lambda p: p.name)
    return units


class _FilesAsOneStream(io.RawIOBase):
    """Several files read one after the other as one binary stream (the parts of one item)."""

    def __init__(self, paths: list[Path]):
        self._streams: list[BinaryIO] = []
        try:
            for path in paths:
                self._streams.append(open(path, "rb"))  # noqa: SIM115 - closed in close()
        except OSError:
            self.close()
            raise
        self._index = 0
        self._position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._index < len(self._streams):
            count = self._streams[self._index].readinto(buffer)
            if count:
                self._position += count
                return count
            self._index += 1
        return 0

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        for stream in self._streams:
            stream.close()
        super().close()


def _import_file(
    run: ImportRun,
    paths: list[Path],
    fmt: Format,
    number: int,
    total: int,
    progress: Callable[[ImportProgress], None] | None,
    workers: MappingWorkers,
) -> None:
    path = paths[0]
    label = path.name if len(paths) == 1 else f"{path.name} … {paths[-1].name} ({len(paths)} files)"
    try:
        if len(paths) == 1:
            stream: Any = open(path, "rb")  # noqa: SIM115 - closed below, after the reader is done with it
        else:
            stream = io.BufferedReader(_FilesAsOneStream(paths))
            stream.parts = paths  # readers of one-document-per-file formats (ALTO) open them one by one
    except OSError as exc:
        run.problem(label, None, None, "error", f"cannot open {exc.filename or path}: {exc.strerror or exc}")
        return
    run.base_dir = path.resolve().parent
    with stream:
        size = sum(p.stat().st_size for p in paths)
        state = ImportProgress(label, number, total, run.records_read, 0, size)
        in_file, problems_before = 0, run.problem_count
        reader_options = _reader_options(run.context)
        if workers.wanted_for(fmt, size):  # parsed and mapped in worker processes, stored here in order
            frames = iter(fmt.frames(stream))  # type: ignore[misc]
            records: Iterator[Any] = workers.map(fmt, frames, label, chunk_ready=run.prefetch)
            store_one = run.store_mapped
        else:
            records = iter(fmt.read(stream, label, reader_options))
            store_one = run.handle
        while True:
            try:
                item = next(records)
            except StopIteration:
                break
            except WorkerCrashed as exc:
                message = (
                    f"{label}: a worker process ended while mapping records ({exc}); the import stopped "
                    f"after record {in_file} of this file, keeping what was stored before. Run the same "
                    "import again to finish it: records already stored come back unchanged"
                )
                run.problem(label, None, None, "error", message)
                raise WorkerCrashed(message) from None
            except Exception as exc:  # the file itself broke off (truncated XML, I/O error): next file
                _reading_stopped(run, label, in_file, type(exc).__name__, str(exc), isinstance(exc, ValueError))
                break
            if isinstance(item, ReadingStopped):  # the same, met by a worker
                _reading_stopped(run, label, in_file, item.type_name, item.message, item.refused)
                break
            in_file += 1
            store_one(item, fmt)
            if progress is not None:
                state.records = run.records_read
                if in_file % _BYTES_EVERY == 0:
                    state.file_bytes_done = _tell(stream, size)
                progress(state)
        if progress is not None:
            state.records, state.file_bytes_done = run.records_read, size
            progress(state)
    if in_file == 0 and run.problem_count == problems_before:
        run.problem(label, None, None, "warning", f"{label}: no records found in this file")


def _reader_options(context: MapContext) -> dict[str, Any]:
    # The institution goes to the reader too: its language decides between plausible CSV encodings.
    return {**context.options, "institution": context.institution}


def _reading_stopped(run: ImportRun, label: str, in_file: int, type_name: str, message: str, refused: bool) -> None:
    if refused and not in_file:  # refused up front (encoding, header): the reader says why
        run.problem(label, None, None, "error", f"{message}; nothing was imported from it")
        return
    where = f"after record {in_file}" if in_file else "before the first record"
    run.problem(
        label,
        None,
        None,
        "error",
        f"{label}: reading stopped {where} ({type_name}: {message}); records after this point were not read",
    )


def _tell(stream: Any, fallback: int) -> int:
    try:
        return stream.tell()
    except (OSError, ValueError):
        return fallback


def _status(run: ImportRun) -> str:
    if sum(run.counts[name] for name in ("added", "updated", "unchanged", "deleted")) == 0:
        return "failed"
    if run.error_count:
        return "problems"
    return "ok"
