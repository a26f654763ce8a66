"""Parsing and mapping records on every core while the importer's own process writes the store.

Decoding (pymarc), re-serialising the original and the field rules are ~85% of an import and need nothing
but the record, so worker processes do them; the importer only cuts the file into records, and stores what
comes back *in input order* — the store, the run's counts and its problems are exactly those of an import in
one process, and so is resuming an interrupted one (`seen_in_run`, upserts by id).

Only formats with `Format.frames` go to workers: binary MARC, whose leader gives each record's length, so
cutting a file into records costs a few byte comparisons. The XML formats (MARCXML, MODS, Dublin Core...)
stay in one process: finding where a record ends in XML takes an XML parser (entities, CDATA, comments and
namespace prefixes defeat a byte search), so the importer would parse every record once to cut it and the
workers again to read it, and the files are rarely large (an OAI-PMH page is a few hundred records).

Memory stays flat: records go out in chunks of `CHUNK` and at most two chunks per worker are in flight.
"""

from __future__ import annotations

import gc
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from tongwen.ingest import FORMATS
from tongwen.ingest.base import Format, MapContext
from tongwen.ingest.mapping import Mapped, encode_for_store, map_raw
from tongwen.workers import worker_pool

CHUNK = 200  # records per task: big enough that pickling a task is cheap next to mapping it
IN_FLIGHT_PER_WORKER = 2  # one being mapped, one waiting, so a worker never idles while its result is stored
# Files smaller than this are mapped in the importer's process when the number of workers is not given:
# starting workers and the first round trip cost more than a few hundred records take (~2 KB each).
PARALLEL_FROM_BYTES = 1_000_000

_context: MapContext | None = None
_reader_options: dict[str, Any] = {}
_run_id = 0


class WorkerCrashed(RuntimeError):
    """A worker process ended while mapping (killed, out of memory): the import stops, keeping what was stored."""


@dataclass(slots=True)
class ReadingStopped:
    """The reader itself failed on a record (not a bad record, which it reports): the file is read no further,
    as when the reader raises in one process."""

    type_name: str
    message: str
    refused: bool  # a ValueError: a reader's way of refusing a file it cannot read correctly


def can_map_in_workers(fmt: Format) -> bool:
    """Whether `fmt` can be framed here and read in a worker (a worker finds the format by its name)."""
    return fmt.frames is not None and fmt.read_frame is not None and FORMATS.get(fmt.name) is fmt


def default_workers(size: int, cores: int | None = None) -> int:
    """Every core for a file of `size` bytes worth it, else 1 (in this process)."""
    cores = cores if cores is not None else available_cores()
    return cores if cores > 1 and size >= PARALLEL_FROM_BYTES else 1


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_worker(context: MapContext, reader_options: dict[str, Any], run_id: int) -> None:
    global _context, _reader_options, _run_id
    # Ctrl-C reaches the whole process group: the importer handles it (keeping what was stored) and stops
    # its workers; a worker dying of it first would look like a crash.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _context, _reader_options, _run_id = context, reader_options, run_id


def _map_chunk(format_name: str, label: str, first_number: int, frames: list[Any]) -> list[Mapped | ReadingStopped]:
    assert _context is not None
    fmt = FORMATS[format_name]
    assert fmt.read_frame is not None
    out: list[Mapped | ReadingStopped] = []
    for number, frame in enumerate(frames, start=first_number):
        try:
            raw = fmt.read_frame(frame, label, number, _reader_options)
        except Exception as exc:  # exceptions need not pickle; what the importer reports of them does
            out.append(ReadingStopped(type(exc).__name__, str(exc), isinstance(exc, ValueError)))
            break
        mapped = map_raw(raw, fmt, _context)
        mapped.raw.payload = None  # parsed form, not picklable (and not needed any more)
        encode_for_store(mapped, fmt, _context, _run_id)
        out.append(mapped)
    return out


class MappingWorkers:
    """The worker processes of one import run, started at the first file that uses them. `workers` None:
    every core, for the files worth it (`default_workers`); a number: that many for every file that can."""

    def __init__(self, workers: int | None, context: MapContext, reader_options: dict[str, Any], run_id: int):
        self.chosen = workers
        self.workers = workers if workers is not None else available_cores()
        self._initargs = (context, reader_options, run_id)
        self._pool: ProcessPoolExecutor | None = None
        self._started = False

    def wanted_for(self, fmt: Format, size: int) -> bool:
        """Whether the file (`size` bytes) in `fmt` is mapped in workers."""
        if not can_map_in_workers(fmt):
            return False
        return (self.chosen if self.chosen is not None else default_workers(size, self.workers)) > 1

    def __enter__(self) -> MappingWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            # After an interruption the chunks not yet started are dropped; those being mapped finish first,
            # so no worker outlives the import.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _submit(self, *task: Any) -> Future[list[Mapped | ReadingStopped]]:
        try:
            return self._submit_to_pool(*task)
        except BrokenProcessPool as exc:  # a worker died before this chunk could be handed out
            raise WorkerCrashed(str(exc) or type(exc).__name__) from None

    def _submit_to_pool(self, *task: Any) -> Future[list[Mapped | ReadingStopped]]:
        assert self._pool is not None
        if self._started:
            return self._pool.submit(*task)
        # The pool forks its workers at the first submit. Frozen, the objects this process holds by then
        # (modules, tables, the store's caches) are left out of the workers' garbage collections, which
        # would otherwise walk them again and again while records are mapped.
        gc.freeze()
        try:
            return self._pool.submit(*task)
        finally:
            self._started = True
            gc.unfreeze()

    def map(self, fmt: Format, frames: Iterator[Any], label: str,
            chunk_ready: Callable[[list[Mapped | ReadingStopped]], None] | None = None,
            ) -> Iterator[Mapped | ReadingStopped]:
        """Every frame read and mapped, in input order. An exception from `frames` (the file broke off) is
        raised after everything before it; a worker's death raises `WorkerCrashed`. `chunk_ready` sees each
        chunk's results before they are yielded (the importer prefetches their stored rows)."""
        if self._pool is None:
            self._pool = worker_pool(self.workers, _start_worker, self._initargs)
        pending: deque[Future[list[Mapped | ReadingStopped]]] = deque()
        number, failure = 1, None
        while True:
            while failure is None and len(pending) < IN_FLIGHT_PER_WORKER * self.workers:
                chunk: list[Any] = []
                try:
                    for frame in frames:
                        chunk.append(frame)
                        if len(chunk) == CHUNK:
                            break
                except Exception as exc:  # raised once the records framed before it are stored
                    failure = exc
                if not chunk:
                    break
                pending.append(self._submit(_map_chunk, fmt.name, label, number, chunk))
                number += len(chunk)
            if not pending:
                if failure is not None:
                    raise failure
                return
            try:
                results = pending.popleft().result()
            except BrokenProcessPool as exc:
                raise WorkerCrashed(str(exc) or type(exc).__name__) from None
            if chunk_ready is not None:
                chunk_ready(results)
            yield from results
            if results and isinstance(results[-1], ReadingStopped):
                return
