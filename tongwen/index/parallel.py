"""Building index documents on every core: analysis (romanization above all) is the slow part of indexing,
and it is pure, so worker processes can do it while this process reads the store and feeds the engine.

Memory stays flat: records go out in chunks and at most two chunks per worker are in flight. A chunk is
bounded in pages as well as records, since one digitised item may carry a thousand pages of text.

The dictionaries the analysis reads (pykakasi, pypinyin, OpenCC, the gazetteer: ~4 s of CPU) are loaded here
once, before the workers are forked, instead of in every worker; and they are moved out of the garbage
collector's sight (`gc.freeze`), which otherwise walks those millions of long-lived objects again and again
while the workers unpickle records and build documents (~15% of a worker's time).
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import astuple
from typing import Any

from tongwen.cjk.learned_readings import ReadingLexicon
from tongwen.index.documents import DocumentBuilder
from tongwen.index.plan import IndexDocument, PageDocument
from tongwen.model import Agent, Form, Publication, PublicationForm, Record, Subject, Title
from tongwen.workers import worker_pool

CHUNK = 500  # records
CHUNK_PAGES = 2_000  # pages with text; a chunk closes at whichever bound comes first
_worker_builder: DocumentBuilder | None = None
_worker_prepare: Callable[[IndexDocument], Any] | None = None


# Records that touch every dictionary a document needs: Chinese, Japanese (kanji, kana, old forms) and Korean
# (hangul, hanja) titles and names, a place of publication, a subject.
_WARM_UP = [
    Record("warm-up", "chi", languages=["chi"], titles=[Title([Form("紅樓夢：第五辑")])],
           agents=[Agent([Form("曹雪芹")])], subjects=[Subject("小説")],
           publications=[Publication([PublicationForm(place="北京", publisher="人民文学出版社")])]),
    Record("warm-up", "jpn", languages=["jpn"], titles=[Title([Form("源氏物語"), Form("げんじものがたり")])],
           agents=[Agent([Form("紫式部")])], publications=[Publication([PublicationForm(place="東京")])]),
    Record("warm-up", "kor", languages=["kor"], titles=[Title([Form("春香傳"), Form("춘향전")])],
           agents=[Agent([Form("박노해")])], subjects=[Subject("역사")]),
    Record("warm-up", "und", titles=[Title([Form("東京大學史料")])]),
]


def warm_up(countries: Mapping[str, str]) -> None:
    """Load what building a document with the default analysis reads (dictionaries, tables, the gazetteer)
    by building a few (with no agent lookups: these records are in no store)."""
    builder = DocumentBuilder(countries=countries)
    for record in _WARM_UP:
        builder.build(record)


def _start_worker(countries: Mapping[str, str], readings: dict | None = None, agent_forms=None,
                  prepare: Callable[[IndexDocument], Any] | None = None) -> None:
    global _worker_builder, _worker_prepare
    # Forked workers find the default analysis loaded by `build_documents`; others load it here. The learned
    # readings come as counted and kept (`tongwen.index.readings`); the agents' forms as the builder asks for
    # them (`tongwen.agents.store.AgentForms` opens its own connection in the worker).
    lexicon = ReadingLexicon.from_json(readings) if readings is not None else None
    _worker_builder = DocumentBuilder(countries=dict(countries), readings=lexicon, agent_forms=agent_forms)
    _worker_prepare = prepare


def _build_chunk(records: list[Record]) -> list[IndexDocument]:
    assert _worker_builder is not None
    return [_worker_builder.build(record) for record in records]


def _prepare_chunk(records: list[Record]) -> list[tuple[Any, list[tuple]]]:
    # Pages as plain tuples too: a slotted dataclass is restored in Python, field by field.
    assert _worker_builder is not None and _worker_prepare is not None
    built = []
    for record in records:
        document = _worker_builder.build(record)
        built.append((_worker_prepare(document), [astuple(page) for page in document.pages]))
    return built


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
    yield from _in_workers(builder, workers, None, _build_chunk, chunks)


def prepared_documents(
    records: Iterable[Record],
    builder: DocumentBuilder,
    prepare: Callable[[IndexDocument], Any],
    *,
    workers: int,
    parallel_ok: bool,
) -> Iterator[list[tuple[Any, list[PageDocument]]]]:
    """Chunks of (``prepare(document)``, the document's pages), in record order: `build_documents` for an
    engine that takes its documents in a form of its own (`tongwen.index.tantivy_engine.prepare`), made in the
    workers so that this process only hands them on."""
    chunks = _chunks(records)
    if workers <= 1 or not parallel_ok:
        for chunk in chunks:
            documents = [builder.build(record) for record in chunk]
            yield [(prepare(document), document.pages) for document in documents]
        return
    for built in _in_workers(builder, workers, prepare, _prepare_chunk, chunks):
        yield [(prepared, [PageDocument(*page) for page in pages]) for prepared, pages in built]


def _in_workers(builder: DocumentBuilder, workers: int, prepare, task, chunks: Iterator[list[Record]]) -> Iterator:
    countries = dict(builder.countries)
    readings = builder.readings.to_json() if builder.readings is not None else None
    warm_up(countries)  # before the fork, so that the workers share the loaded dictionaries
    gc.freeze()
    try:
        with worker_pool(workers, _start_worker, (countries, readings, builder.agent_forms, prepare)) as pool:
            yield from _in_order(pool, task, chunks, workers)
    finally:
        gc.unfreeze()


def _in_order(pool, task, chunks: Iterator[list[Record]], workers: int) -> Iterator:
    pending: deque[Future] = deque()
    while True:
        while len(pending) < 2 * workers and (chunk := next(chunks, None)):
            pending.append(pool.submit(task, chunk))
        if not pending:
            return
        yield pending.popleft().result()
