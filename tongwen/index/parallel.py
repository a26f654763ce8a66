"""Building index documents on every core: analysis (romanization above all) is the slow part of indexing,
and it is pure, so worker processes can do it while this process reads the store and feeds the engine.

Memory stays flat: records go out in chunks and at most two chunks per worker are in flight. A chunk is
bounded in pages as well as records, since one digitised item may carry a thousand pages of text.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future

from tongwen.index.documents import DocumentBuilder
from tongwen.index.plan import IndexDocument
from tongwen.model import Record
from tongwen.workers import worker_pool

CHUNK = 500  # records
CHUNK_PAGES = 2_000  # pages with text; a chunk closes at whichever bound comes first
_worker_builder: DocumentBuilder | None = None


def _start_worker(countries: Mapping[str, str]) -> None:
    global _worker_builder
    _worker_builder = DocumentBuilder(countries=dict(countries))  # the default analysis, loaded per worker


def _build_chunk(records: list[Record]) -> list[IndexDocument]:
    assert _worker_builder is not None
    return [_worker_builder.build(record) for record in records]


def _chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    pages = 0
    for record in records:
        chunk.append(record)
        pages += len(record.pages)
        if len(chunk) >= CHUNK or pages >= CHUNK_PAGES:
            yield chunk
            chunk, pages = [], 0
    if chunk:
        yield chunk


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def build_documents(
    records: Iterable[Record],
    builder: DocumentBuilder,
    *,
    workers: int,
    parallel_ok: bool,
) -> Iterator[list[IndexDocument]]:
    """Chunks of documents, in record order. ``parallel_ok`` is False when the builder's analysis cannot be
    recreated in a worker (an injected one): then everything is built here."""
    chunks = _chunks(records)
    if workers <= 1 or not parallel_ok:
        for chunk in chunks:
            yield [builder.build(record) for record in chunk]
        return
    with worker_pool(workers, _start_worker, (dict(builder.countries),)) as pool:
        pending: deque[Future[list[IndexDocument]]] = deque()
        while True:
            while len(pending) < 2 * workers and (chunk := next(chunks, None)):
                pending.append(pool.submit(_build_chunk, chunk))
            if not pending:
                return
            yield pending.popleft().result()
