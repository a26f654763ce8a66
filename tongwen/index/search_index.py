"""The search index's public face: open it, keep it in step with the store, search it.

    >>> index = SearchIndex.open(tmp / "index", countries={"NLC": "CN"})        # doctest: +SKIP
    >>> index.sync(store)                                                    # doctest: +SKIP
    SyncReport(added=3, deleted=0, seq=3)
    >>> result = index.search(SearchRequest("紅樓夢", facets=["institution"]))  # doctest: +SKIP
    >>> result.hits[0].id, result.facets["institution"]                      # doctest: +SKIP
    ('demo:1', [('NLC', 1)])

The index is derived data: records live in the store, the index keeps only tokens, facet values and a hit
summary, and remembers in ``sync.json`` the last store change (``seq``) it applied. `sync` applies the changes
since then; `rebuild` starts from nothing, in a new generation swapped in atomically (`generations`).
``sync.json`` is written (and flushed to disk) right after each index commit; applying a change twice does no
harm (each is a delete-then-add by record id), so a crash between the two only repeats work, and a replica
killed at any moment catches up from where its last commit got to.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from tongwen.index import generations
from tongwen.index.analysis import TextAnalysis, default_analysis
from tongwen.index.compiler import CompiledQuery, QueryCompiler
from tongwen.index.search_cache import DEFAULT_ENTRIES, LRU
from tongwen.index.documents import DocumentBuilder
from tongwen.index.expansion import (
    HITS_CONSULTED,
    expanded_query,
    is_plain_latin_query,
    title_probe,
    titles_to_search_too,
)
from tongwen.index.facets import DEFAULT_FACETS, facet_specs, filters_plan
from tongwen.index.fulltext import PAGE_INDEX_DIR, PAGES_SHOWN, PageIndex
from tongwen.index.highlight import page_snippet, snippet
from tongwen.index.parallel import default_workers, from_store, prepared_documents
from tongwen.index.plan import Bool, IndexDocument
from tongwen.index import readings as learned_readings
from tongwen.index.query import QuerySyntaxError, parse_query
from tongwen.index.tantivy_engine import SCHEMA_VERSION, TOKENIZER, TantivyEngine, plan_to_query, prepare
from tongwen.model import Record
from tongwen.store import Store

SORTS = ("relevance", "year", "-year", "title")
MAX_PAGE_SIZE = 100
# The result window: no search answers past this position (tantivy allocates for offset + limit, so an
# unbounded page once aborted the whole server). Like Elasticsearch's index.max_result_window. Going further
# is what the bulk exports and OAI-PMH are for.
RESULT_WINDOW = 10_000


def result_window_error(page: int, page_size: int) -> str | None:
    """Why ``page`` of ``page_size`` hits is past `RESULT_WINDOW`, in words a user can act on; None if it is not."""
    last = page * page_size
    if last <= RESULT_WINDOW:
        return None
    return (f"page {page} of {page_size} hits would reach position {last:,}, past the {RESULT_WINDOW:,} results a "
            f"search can page through; narrow the search with filters, or take all the records with the bulk "
            f"exports (/api/export/search) or OAI-PMH (/oai)")
SYNC_BATCH = 2_000
STATE_FILE = "sync.json"


class StoreLike(Protocol):
    """The part of `tongwen.store` the index reads."""

    def changes_since(self, seq: int, limit: int, *, with_original: bool = True) -> list[Any]: ...

    def max_seq(self) -> int: ...

    def iter_records(self, *, with_original: bool = True) -> Iterator[Record]: ...


@dataclass(slots=True)
class SearchRequest:
    """``filters``: facet name → accepted values (``{"institution": ["NDL"], "year": ["1900-1950"]}``);
    ``facets``: facet names to count; ``sort``: one of `SORTS` (``-year`` = newest first); ``page`` from 1."""

    query: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    facets: Sequence[str] = DEFAULT_FACETS
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


@dataclass(slots=True)
class Hit:
    id: str
    score: float
    titles: list[dict]  # [{"text", "script", "lang" (BCP 47), "role"}], the main title's forms first
    creators: list[dict]
    year: int | None
    date: str | None
    institution: str | None
    type: str | None
    snippet: str | None  # HTML: escaped text with <mark>…</mark>
    snippet_lang: str | None
    # Where the full text matched: {"count": pages that match, "pages": [{"label", "snippet"}]} (first
    # pages in page order, label as the source gives it, snippet HTML with <mark>), or None.
    in_text: dict[str, Any] | None = None
    # Its Latin-script titles that are no romanization, and its non-Latin titles: for `tongwen.index.expansion`
    # (not in to_dict).
    translated_titles: list[str] = field(default_factory=list)
    other_scripts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 4),
            "titles": self.titles,
            "creators": self.creators,
            "year": self.year,
            "date": self.date,
            "institution": self.institution,
            "type": self.type,
            "snippet": self.snippet,
            "snippet_lang": self.snippet_lang,
            "in_text": self.in_text,
        }


@dataclass(slots=True)
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    page: int = 1
    page_size: int = 20
    query_error: str | None = None  # a message for people when the query could not be read
    also_searched: list[str] = field(default_factory=list)  # titles searched besides the query (expansion)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "also_searched": self.also_searched,
            "page": self.page,
            "page_size": self.page_size,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {
                name: [{"value": v, "count": c} for v, c in pairs] for name, pairs in self.facets.items()
            },
            "query_error": self.query_error,
        }


@dataclass(slots=True)
class SyncReport:
    added: int
    deleted: int
    seq: int
    seconds: float = 0.0


class SearchIndex:
    def __init__(
        self,
        path: Path,
        *,
        analysis: TextAnalysis | None = None,
        countries: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        agent_forms: Callable[[str], Iterable[Any]] | None = None,
        readings: learned_readings.ReadingLexicon | None = None,
        cache_entries: int = DEFAULT_ENTRIES,
    ) -> None:
        self.link = Path(path)  # the name callers use; `path` is the generation it shows
        self._default_analysis = analysis is None  # only the default one can be recreated in worker processes
        self.analysis = analysis or default_analysis()
        self.builder = DocumentBuilder(analysis=self.analysis, countries=countries, agent_forms=agent_forms)
        # Learned readings (`tongwen.index.readings`): given (a test's, a benchmark's held-out lexicon), or
        # the generation's own, learned from the store by `rebuild` and `sync`.
        self._given_readings = readings
        self.compiler = QueryCompiler(self.analysis, readings=lambda: self.builder.readings)
        self._cache_entries = cache_entries
        self._open_generation()

    def _open_generation(self) -> None:
        self.generation = generations.current(self.link)
        self.path = generations.live_directory(self.link)
        self._check_state()  # before tantivy opens it: an index of another schema would fail there, unexplained
        self._load_readings()
        self.engine = TantivyEngine(self.path, cache_entries=self._cache_entries)
        # (query, filters) → (compiled query, tantivy query): built against this generation's schema.
        self._prepared = LRU(self._cache_entries)
        self.pages = PageIndex(self.path / PAGE_INDEX_DIR, tokenizer=TOKENIZER)

    def _load_readings(self) -> None:
        if self._given_readings is not None:
            self.builder.readings = self._given_readings
            return
        self._readings_stamp = learned_readings.stamp(self.path)  # before loading: a save between loads again
        self.builder.readings = learned_readings.load(self.path)

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        analysis: TextAnalysis | None = None,
        countries: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
        agent_forms: Callable[[str], Iterable[Any]] | None = None,
        readings: learned_readings.ReadingLexicon | None = None,
        cache_entries: int = DEFAULT_ENTRIES,
    ) -> SearchIndex:
        """Open (or create) the index in ``path``. ``countries`` maps institution codes to ISO country
        codes for the country facet (default: `tongwen.registry.institution_directory`); ``readings`` a
        `tongwen.cjk.learned_readings.ReadingLexicon` to use instead of the one the index learns itself;
        ``cache_entries`` how many searches' prepared queries, totals and facet counts to keep for the next search
        of the same query (`tongwen.index.search_cache`)."""
        return cls(Path(path), analysis=analysis, countries=countries, agent_forms=agent_forms, readings=readings,
                   cache_entries=cache_entries)

    def reopened(self) -> SearchIndex | None:
        """The index as a rebuild swapped it in since this one was opened (sharing this one's analysis, which
        is costly to load), or None when it is still the live one. The caller closes this one when no search
        uses it any more.

        >>> index = index.reopened() or index   # doctest: +SKIP
        """
        if generations.current(self.link) == self.generation:
            return None
        successor = copy.copy(self)
        successor._open_generation()
        return successor

    # ---- state --------------------------------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        return self.path / STATE_FILE

    def synced_seq(self) -> int:
        """The last store change this index has applied (0 for a new index)."""
        if not self.state_path.exists():
            return 0
        return int(json.loads(self.state_path.read_text())["seq"])

    def _write_state(self, seq: int, directory: Path | None = None) -> None:
        state_path = (directory or self.path) / STATE_FILE
        temporary = state_path.with_suffix(".tmp")
        with open(temporary, "w") as file:
            file.write(json.dumps({"seq": seq, "schema_version": SCHEMA_VERSION}))
            file.flush()
            os.fsync(file.fileno())  # a node killed -9 (or a power cut) restarts from this seq
        os.replace(temporary, state_path)

    def _check_state(self) -> None:
        if self.state_path.exists():
            version = json.loads(self.state_path.read_text()).get("schema_version")
            if version != SCHEMA_VERSION:
                raise RuntimeError(
                    f"the index in {self.path} was built by another version of Tongwen (schema {version}, "
                    f"this one writes {SCHEMA_VERSION}); run `tongwen index --rebuild`"
                )

    # ---- writing ------------------------------------------------------------------------------------

    def document(self, record: Record) -> IndexDocument:
        return self.builder.build(record)

    def add(self, records: Iterable[Record]) -> int:
        """Add or replace records directly (tests, one-off loads); `sync` is the normal way."""
        count = 0
        batch: list[IndexDocument] = []
        for record in records:
            batch.append(self.builder.build(record))
            if len(batch) >= SYNC_BATCH:
                self._upsert(batch)
                count += len(batch)
                batch = []
        self._upsert(batch)
        self._commit()
        return count + len(batch)

    def delete(self, ids: Iterable[str]) -> None:
        gone = list(ids)
        self.engine.delete(gone)
        self.pages.replace(gone, ())
        self._commit()

    def _upsert(self, documents: list[IndexDocument]) -> None:
        self.engine.upsert(documents)
        self.pages.replace(
            (document.id for document in documents), (page for document in documents for page in document.pages)
        )

    def _commit(self) -> None:
        self.pages.commit()  # pages first: a record hit never points to pages not yet searchable
        self.engine.commit()
        # What the records taught (learned readings) changes how queries compile: compile them anew.
        self._prepared = LRU(self._cache_entries)

    def sync(self, store: StoreLike, *, progress: Callable[[int], None] | None = None) -> SyncReport:
        """Apply the store's changes since the last sync: adds, updates and deletes."""
        started = time.perf_counter()
        seq = self.synced_seq()
        added = deleted = 0
        taught = False  # the lexicon is written once, at the end (it is derived: a crash loses lessons, no records)
        while True:
            changes = store.changes_since(seq, SYNC_BATCH, with_original=False)
            if not changes:
                break
            documents = []
            gone = []
            if self._given_readings is None:  # what the changed records teach (and taught), before indexing
                lexicon = self.builder.readings
                if lexicon is None:
                    lexicon = learned_readings.ReadingLexicon()
                if learned_readings.apply_changes(lexicon, changes):
                    self.builder.readings = lexicon
                    taught = True
            for change in changes:
                if change.deleted or change.record is None:
                    gone.append(change.record_id)
                else:
                    documents.append(self.builder.build(change.record))
            self.engine.delete(gone)
            self.pages.replace(gone, ())
            self._upsert(documents)
            self._commit()
            seq = max(change.seq for change in changes)
            self._write_state(seq)
            added += len(documents)
            deleted += len(gone)
            if progress:
                progress(added + deleted)
        if taught:
            learned_readings.save(self.builder.readings, self.path)
            self._readings_stamp = learned_readings.stamp(self.path)
        return SyncReport(added, deleted, seq, time.perf_counter() - started)

    def rebuild(
        self, store: StoreLike, *, progress: Callable[[int], None] | None = None, workers: int | None = None
    ) -> SyncReport:
        """Rebuild from the store alone: a fresh index is built beside the current one and swapped in, so
        searches keep working meanwhile and a failed rebuild leaves the old index untouched. Documents are
        analysed on ``workers`` processes (default: every core)."""
        started = time.perf_counter()
        seq = store.max_seq()  # changes made during the rebuild are picked up by the next sync
        generations.remove_abandoned(self.link)  # a killed rebuild's half-built generation
        fresh_path = generations.fresh_directory(self.link)
        fresh = TantivyEngine(fresh_path)
        fresh_pages = PageIndex(fresh_path / PAGE_INDEX_DIR, tokenizer=TOKENIZER)
        count = 0
        workers = default_workers() if workers is None else workers
        learn = self._given_readings is None  # learned from the whole store first: a record may teach any other
        # The workers read the store themselves where they can (and count what it teaches).
        read_by_workers = (from_store(store, self.builder, prepare, workers=workers, learn=learn)
                           if workers > 1 and self._default_analysis and isinstance(store, Store) else None)
        if read_by_workers is not None:
            lexicon, chunks = read_by_workers
        else:
            lexicon = learned_readings.learn(store.iter_records(with_original=False)) if learn else None
            if lexicon is not None:
                self.builder.readings = lexicon
            chunks = prepared_documents(
                store.iter_records(with_original=False),
                self.builder,
                prepare,
                workers=workers,
                parallel_ok=self._default_analysis,
            )
        if lexicon is not None:
            learned_readings.save(lexicon, fresh_path)
        for built in chunks:
            fresh.add_prepared(prepared for prepared, _ in built)
            fresh_pages.replace((), (page for _, pages in built for page in pages))
            count += len(built)
            if progress:
                progress(count)
        fresh_pages.commit()
        fresh.commit()
        self._write_state(seq, fresh_path)  # complete before anyone can see it
        fresh.close()
        fresh_pages.close()
        self.close()
        generations.swap_in(self.link, fresh_path)
        self._open_generation()
        return SyncReport(count, 0, seq, time.perf_counter() - started)

    def count(self) -> int:
        return self.engine.count()

    def refresh(self) -> None:
        """Pick up commits made by another process (the syncing one), and the readings it learned meanwhile."""
        self.engine.refresh()
        self.pages.refresh()
        if self._given_readings is None and learned_readings.stamp(self.path) != self._readings_stamp:
            # Queries compile with the lexicon: their prepared forms and the counts made with them are stale.
            self._load_readings()
            self._prepared = LRU(self._cache_entries)
            self.engine.forget_counts()

    # ---- searching ----------------------------------------------------------------------------------

    def search(self, request: SearchRequest | str) -> SearchResult:
        """Run a search. A query or filter people cannot have meant gives an empty result with
        ``query_error`` set, never an exception. A plain Latin-script query whose title matches name titles in
        other scripts (a translation's 源氏物語) searches those too, when that finds more
        (`tongwen.index.expansion`; the result's ``also_searched`` lists them).

        >>> index.search(SearchRequest('title:"源氏', page_size=5)).query_error   # doctest: +SKIP
        'the quotation mark " is never closed (at character 7)'
        """
        if isinstance(request, str):
            request = SearchRequest(request)
        result = self._search(request)
        if result.query_error or not result.total or not is_plain_latin_query(request.query):
            return result
        probe = self._search(SearchRequest(title_probe(request.query), facets=(), page_size=HITS_CONSULTED))
        titles = titles_to_search_too(request.query,
                                      [(hit.translated_titles, hit.other_scripts) for hit in probe.hits])
        if not titles:
            return result
        expanded = self._search(replace(request, query=expanded_query(request.query, titles)))
        if expanded.total <= result.total or expanded.query_error:
            return result
        expanded.also_searched = titles
        return expanded

    def _search(self, request: SearchRequest) -> SearchResult:
        page = max(1, int(request.page))
        page_size = min(max(1, int(request.page_size)), MAX_PAGE_SIZE)
        if too_deep := result_window_error(page, page_size):
            return SearchResult(0, [], {}, page, page_size, query_error=too_deep)
        key = (request.query, tuple((name, tuple(values)) for name, values in request.filters.items()))
        try:
            if request.sort not in SORTS:
                raise QuerySyntaxError(f"cannot sort by {request.sort!r}; choose one of {', '.join(SORTS)}")
            specs = facet_specs(request.facets)
            prepared = self._prepared.get(key)
            if prepared is None:
                node = parse_query(request.query) if request.query.strip() else None
                compiled = self.compiler.compile(node)
                filters = filters_plan(request.filters)
                plan = compiled.plan if filters is None else Bool(must=(compiled.plan, filters))
                prepared = (compiled, self.engine.to_query(plan))
                self._prepared.put(key, prepared)
        except QuerySyntaxError as error:
            return SearchResult(0, [], {}, page, page_size, query_error=str(error))
        compiled, query = prepared
        result = self.engine.search(
            compiled.plan, offset=(page - 1) * page_size, limit=page_size, sort=request.sort, facets=specs,
            query=query, counts_key=key,
        )
        hits = []
        for engine_hit in result.hits:
            display = engine_hit.display
            marked = snippet(
                display["titles"], compiled.highlight_tokens, compiled.highlight_roman_keys, self.analysis
            )
            hits.append(
                Hit(
                    id=engine_hit.id,
                    score=engine_hit.score,
                    titles=display["titles"],
                    creators=display["creators"],
                    year=display.get("year"),
                    date=display.get("date"),
                    institution=display.get("institution"),
                    type=display.get("type"),
                    snippet=marked.html if marked else None,
                    snippet_lang=marked.lang if marked else None,
                    in_text=self._in_text(engine_hit.id, compiled) if display.get("pages") else None,
                    translated_titles=display.get("translated_titles", []),
                    other_scripts=display.get("other_scripts", []),
                )
            )
        return SearchResult(result.total, hits, result.facets, page, page_size)

    def _in_text(
        self, record_id: str, compiled: CompiledQuery, *, limit: int = PAGES_SHOWN, offset: int = 0
    ) -> dict[str, Any] | None:
        """Which pages of a hit the query's words are on, with a highlighted snippet of each."""
        if compiled.text_plan is None:
            return None
        found = self.pages.matches(record_id, compiled.text_plan, plan_to_query, limit=limit, offset=offset)
        if not found.count:
            return None
        return {
            "count": found.count,
            "pages": [
                {"label": page.label, "snippet": page_snippet(page.text, compiled.text_words, self.analysis)}
                for page in found.pages
            ],
        }

    def search_in_item(self, record_id: str, query: str, *, page: int = 1, page_size: int = 20) -> dict[str, Any]:
        """Search inside one digitised item: every page of ``record_id`` the query's words are on, in page
        order, ``page_size`` at a time — ``{"record": id, "count", "pages": [{"label", "snippet"}],
        "query_error"}``. Fielded words other than ``text:`` have nothing to match in a page.

        >>> index.search_in_item("kanripo:KR1h0001", "仁義")["count"]  # doctest: +SKIP
        14
        """
        page = max(1, int(page))
        page_size = min(max(1, int(page_size)), MAX_PAGE_SIZE)
        empty = {"record": record_id, "count": 0, "pages": [], "page": page, "page_size": page_size}
        if too_deep := result_window_error(page, page_size):
            return empty | {"query_error": too_deep}
        try:
            compiled = self.compiler.compile(parse_query(query) if query.strip() else None)
        except QuerySyntaxError as error:
            return empty | {"query_error": str(error)}
        found = self._in_text(record_id, compiled, limit=page_size, offset=(page - 1) * page_size)
        return empty | (found or {}) | {"query_error": None}

    def close(self) -> None:
        self.engine.close()
        self.pages.close()
