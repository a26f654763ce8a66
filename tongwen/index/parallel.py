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
from tongwen.index import readings as learned_readings
from tongwen.index.plan import IndexDocument, PageDocument
from tongwen.model import Agent, Form, Publication, PublicationForm, Record, Subject, Title
from tongwen.store import Store
from tongwen.workers import worker_pool

CHUNK = 500  # records
CHUNK_PAGES = 2_000  # pages with text; a chunk closes at whichever bound comes first
CHUNK_CHARS = 4_000_000  # of stored JSON, the same bound where workers read the store (`from_store`)
_worker_builder: DocumentBuilder | None = None
_worker_prepare: Callable[[IndexDocument], Any] | None = None
_worker_store: Store | None = None  # a rebuild's workers read the store themselves


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
                  prepare: Callable[[IndexDocument], Any] | None = None, store: str | None = None) -> None:
    global _worker_builder, _worker_prepare
    # Forked workers find the default analysis loaded by `build_documents`; others load it here. The learned
    # readings come as counted and kept (`tongwen.index.readings`); the agents' forms as the builder asks for
    # them (`tongwen.agents.store.AgentForms` opens its own connection in the worker).
    lexicon = ReadingLexicon.from_json(readings) if readings is not None else None
    _worker_builder = DocumentBuilder(countries=dict(countries), readings=lexicon, agent_forms=agent_forms)
    _worker_prepare = prepare
    if store is not None:
        _open_store(store)


def _open_store(url: str) -> None:
    global _worker_store
    _worker_store = Store.open(url, read_only=True)


def _build_chunk(records: list[Record]) -> list[IndexDocument]:
    assert _worker_builder is not None
    return [_worker_builder.build(record) for record in records]


def _prepare_range(bounds: tuple[str, str]) -> list[tuple[Any, list[tuple]]]:
    assert _worker_store is not None
    return _prepare_chunk(_worker_store.records_in_range(*bounds))


def _pairs_of_range(bounds: tuple[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    assert _worker_store is not None
    records = _worker_store.records_in_range(*bounds, if_content=learned_readings.might_teach)
    return [(record.id, pairs) for record in records if (pairs := list(learned_readings.reading_pairs(record)))]


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


def _in_workers(builder: DocumentBuilder, workers: int, prepare, task, chunks: Iterator, store: str | None = None
                ) -> Iterator:
    countries = dict(builder.countries)
    readings = builder.readings.to_json() if builder.readings is not None else None
    warm_up(countries)  # before the fork, so that the workers share the loaded dictionaries
    gc.freeze()
    try:
        with worker_pool(workers, _start_worker, (countries, readings, builder.agent_forms, prepare, store)) as pool:
            yield from _in_order(pool, task, chunks, workers)
    finally:
        gc.unfreeze()


def store_url(store: Store) -> str | None:
    """Where worker processes can open `store` themselves; None when they cannot (an in-memory database)."""
    database = getattr(store, "database", None)
    if database is None or getattr(database, "path", True) is None:
        return None
    return database.url


def from_store(
    store: Store, builder: DocumentBuilder, prepare: Callable[[IndexDocument], Any], *, workers: int, learn: bool
) -> tuple[ReadingLexicon | None, Iterator[list[tuple[Any, list[PageDocument]]]]] | None:
    """`prepared_documents` of every live record of `store`, with the workers reading the records themselves
    (each its ranges of ids, `Store.record_ranges`): this process decoded and pickled every record, twice with
    the learned readings' pass, and was the rebuild's bottleneck. With `learn`, the learned readings are
    counted first (`tongwen.index.readings`), from the (text, reading) pairs the workers find, in record order
    as `readings.learn` counts them; the documents are then built with them. None when the workers cannot
    open the store (`store_url`)."""
    url = store_url(store)
    if url is None:
        return None
    ranges = list(store.record_ranges(records=CHUNK, chars=CHUNK_CHARS))
    lexicon = None
    if learn:
        lexicon = ReadingLexicon()
        with worker_pool(workers, _open_store, (url,)) as pool:
            for found in _in_order(pool, _pairs_of_range, iter(ranges), workers):
                for record_id, pairs in found:
                    for text, reading in pairs:
                        lexicon.learn(text, reading, record_id)
        builder.readings = lexicon

    def documents() -> Iterator[list[tuple[Any, list[PageDocument]]]]:
        for built in _in_workers(builder, workers, prepare, _prepare_range, iter(ranges), url):
            yield [(prepared, [PageDocument(*page) for page in pages]) for prepared, pages in built]

    return lexicon, documents()


def _in_order(pool, task, chunks: Iterator, workers: int) -> Iterator:
    pending: deque[Future] = deque()
    while True:
        while len(pending) < 2 * workers and (chunk := next(chunks, None)):
            pending.append(pool.submit(task, chunk))
        if not pending:
            return
        yield pending.popleft().result()
