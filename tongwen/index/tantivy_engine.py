"""The tantivy implementation of `Engine`: pre-analysed tokens indexed with a whitespace tokenizer.

Tokens arrive already folded and romanized by `tongwen.cjk.analysis`, so tantivy only splits on spaces (a
tokenizer we register under our own name on every open, because tantivy does not save analysers with the
index). Facet fields are raw-tokenized fast fields counted with `searcher.aggregate`; the year is an i64
fast field (``NO_YEAR`` when unknown, so sorting puts undated records last); the hit summary is stored as
JSON bytes.

Totals and facet counts are kept per plan (`search_cache`) for as long as the engine reads one commit: `refresh`
moves to a newer commit, and with it to an empty cache, only when the index's ``meta.json`` (rewritten by every
commit and merge) has changed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Hashable, Iterable
from pathlib import Path

import tantivy

from tongwen.index.search_cache import DEFAULT_ENTRIES, LRU
from tongwen.index.plan import (
    ID_FIELD,
    KEYWORD_FIELDS,
    SORT_TITLE_FIELD,
    TEXT_FIELDS,
    YEAR_FIELD,
    Bool,
    Boost,
    EngineHit,
    EngineResult,
    FacetSpec,
    IndexDocument,
    MatchAll,
    MatchNone,
    Phrase,
    Plan,
    Term,
    Unscored,
    YearBetween,
)

TOKENIZER = "tongwen_ws"
NO_YEAR = (
    -100_000
)  # below any real year: undated records sort last in "year descending" and never match ranges
DISPLAY_FIELD = "display"
SCHEMA_VERSION = 16  # 2: the full-text field "text"; 3: the "digitised" facet; 4: the "place" facet; 5: "creator"; 6: Japanese historical-kana and devoiced (rendaku) roman keys; 7: Korean North/South word starts, MR syllable by syllable, clusters; 8: hanja compound readings, initial-sound law at every syllable of hanja, 沈/沉; 9: more compound readings (鍼炙 침구 …); 10: ALA-LC Arabic numerals after 第; 11: readings learned from catalogued yomi (readings.json); 12: other readings of polyphonic hanja (hanja_alternate_readings.tsv); 13: UniDic's Hepburn beside pykakasi's where pykakasi is unsure; 14: 箎/篪, 耆婆 기바, 波羅 바라, y-glide after ㅈㅉㅊ dropped (쵸 = 초), marked bigrams of other hanja readings; 15: second simplified forms OpenCC knows from s2t (侭 with 儘/尽); 16: Japanese name headings read as family + given name (UniDic), kanji no reader knows read through a variant (櫸 as 欅)


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(ID_FIELD, stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        # Positions only where phrases are asked for; keys and numbers need none.
        option = "basic" if name in ("title_key", "isbn") else "position"
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option=option)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(YEAR_FIELD, indexed=True, fast=True)
    builder.add_text_field(SORT_TITLE_FIELD, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field(DISPLAY_FIELD, stored=True)
    return builder.build()


# A document as plain values: (id, [(field, value), …], year, sort title, hit summary as JSON bytes). What a
# rebuild's worker processes send back: unpickling `IndexDocument`s (slotted dataclasses, restored in Python)
# cost the parent ~220 µs a document, more than tantivy's own indexing; these tuples ~7 µs.
Prepared = tuple[str, list[tuple[str, str]], int, str, bytes]


def prepare(document: IndexDocument) -> Prepared:
    fields = [(name, value) for name, values in document.texts.items() for value in values]
    fields += [(name, value) for name, values in document.keywords.items() for value in values]
    year = NO_YEAR if document.year is None else document.year
    display = json.dumps(document.display, ensure_ascii=False).encode()
    return document.id, fields, year, document.sort_title, display


def to_tantivy(prepared: Prepared) -> tantivy.Document:
    record_id, fields, year, sort_title, display = prepared
    doc = tantivy.Document()
    doc.add_text(ID_FIELD, record_id)
    for name, value in fields:
        doc.add_text(name, value)
    doc.add_integer(YEAR_FIELD, year)
    doc.add_text(SORT_TITLE_FIELD, sort_title)
    doc.add_bytes(DISPLAY_FIELD, display)
    return doc


class TantivyEngine:
    """An index in ``path`` (created when missing). One writer per index: open it for writing only in the
    process that syncs."""

    def __init__(self, path: Path, *, writer_heap: int = 256_000_000, writer_threads: int = 0,
                 cache_entries: int = DEFAULT_ENTRIES) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = build_schema()
        self.index = tantivy.Index(self.schema, path=str(path))
        self.index.register_tokenizer(
            TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self._writer: tantivy.IndexWriter | None = None
        self._writer_heap = writer_heap
        self._writer_threads = writer_threads
        self._cache_entries = cache_entries
        # The searcher, the counts made with it, and the meta.json it was opened at: replaced together, so a
        # search never takes counts from another commit (a search still running keeps the pair it took).
        self._reading: tuple[tantivy.Searcher, LRU, bytes | None] | None = None

    # ---- writing -----------------------------------------------------------------------------------

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=self._writer_heap, num_threads=self._writer_threads)
        return self._writer

    def upsert(self, documents: list[IndexDocument]) -> None:
        writer = self.writer
        for document in documents:
            writer.delete_documents_by_term(ID_FIELD, document.id)
            writer.add_document(self._to_tantivy(document))

    def delete(self, ids: list[str]) -> None:
        writer = self.writer
        for record_id in ids:
            writer.delete_documents_by_term(ID_FIELD, record_id)

    def delete_all(self) -> None:
        self.writer.delete_all_documents()

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self._reading = None
        self.index.reload()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    def add_prepared(self, documents: Iterable[Prepared]) -> None:
        """Add documents `prepare`d already (by a rebuild's worker processes) and known not to be in the index
        (a rebuild into an empty one): skips the deletes."""
        writer = self.writer
        for prepared in documents:
            writer.add_document(to_tantivy(prepared))

    def _to_tantivy(self, document: IndexDocument) -> tantivy.Document:
        return to_tantivy(prepare(document))

    # ---- reading -----------------------------------------------------------------------------------

    def _meta_stamp(self) -> bytes | None:
        # Its content, not its mtime: two commits in one clock tick can leave the same size, time and inode.
        try:
            return (self.path / "meta.json").read_bytes()
        except OSError:
            return None

    def _current(self) -> tuple[tantivy.Searcher, LRU, bytes | None]:
        reading = self._reading
        if reading is None:
            stamp = self._meta_stamp()  # before the searcher: a commit in between only makes the next refresh reload
            reading = self._reading = (self.index.searcher(), LRU(self._cache_entries), stamp)
        return reading

    @property
    def searcher(self) -> tantivy.Searcher:
        return self._current()[0]

    @property
    def counts_cache(self) -> LRU:
        return self._current()[1]

    def refresh(self) -> None:
        """See commits made by another process (a no-op, keeping the counts made so far, when there are none)."""
        reading = self._reading
        if reading is not None and reading[2] is not None and reading[2] == self._meta_stamp():
            return
        self._reading = None
        self.index.reload()

    def forget_counts(self) -> None:
        """Start an empty counts cache on the same commit (the queries it was counted for now compile anew)."""
        if self._reading is not None:
            self._reading = (self._reading[0], LRU(self._cache_entries), self._reading[2])

    def count(self) -> int:
        return self.searcher.num_docs

    def search(
        self, plan: Plan, *, offset: int, limit: int, sort: str, facets: list[FacetSpec],
        query: tantivy.Query | None = None, counts_key: Hashable = None,
    ) -> EngineResult:
        """``query``: ``plan`` already translated (`to_query`); ``counts_key``: something cheaper to hash than the
        plan that stands for it alone (the query text and filters it was compiled from)."""
        searcher, cache, _ = self._current()
        if query is None:
            query = self.to_query(plan)
        counts_key = (plan if counts_key is None else counts_key, tuple(facets))
        counted = cache.get(counts_key)
        # With the counts known, tantivy need not visit every match: the top hits alone (block-max WAND).
        count = counted is None
        if sort == "relevance":
            result = searcher.search(query, limit=limit, offset=offset, count=count)
        else:
            field, order = {
                "year": (YEAR_FIELD, tantivy.Order.Asc),
                "-year": (YEAR_FIELD, tantivy.Order.Desc),
                "title": (SORT_TITLE_FIELD, tantivy.Order.Asc),
            }[sort]
            result = searcher.search(
                query, limit=limit, offset=offset, count=count, order_by_field=field, order=order
            )
        hits = []
        for key, address in result.hits:
            stored = searcher.doc(address)
            display = json.loads(bytes(stored.get_first(DISPLAY_FIELD)).decode())
            score = float(key) if sort == "relevance" else 0.0
            hits.append(EngineHit(stored.get_first(ID_FIELD), score, display))
        if counted is None:
            counted = (result.count or 0, self._facets(searcher, query, facets) if facets else {})
            cache.put(counts_key, counted)
        total, facet_counts = counted
        # Copies: the caller may change its lists, the cache's stay as counted.
        return EngineResult(total, hits, {name: list(pairs) for name, pairs in facet_counts.items()})

    def _facets(
        self, searcher: tantivy.Searcher, query: tantivy.Query, facets: list[FacetSpec]
    ) -> dict[str, list[tuple[str, int]]]:
        raw = searcher.aggregate(query, aggregations(facets))
        counts: dict[str, list[tuple[str, int]]] = {}
        for spec in facets:
            buckets = raw.get(spec.name, {}).get("buckets", [])
            if spec.interval:
                # Buckets come in year order; undated records (NO_YEAR) are not a decade. The latest
                # ``size`` decades are kept.
                dated = [b for b in buckets if int(b["key"]) > NO_YEAR]
                counts[spec.name] = [
                    (f"{int(b['key'])}-{int(b['key']) + spec.interval - 1}", int(b["doc_count"]))
                    for b in dated[-spec.size :]
                ]
            else:
                # Interned: the same few values recur in every cached count.
                counts[spec.name] = [(sys.intern(str(b["key"])), int(b["doc_count"])) for b in buckets]
        return counts

    def to_query(self, plan: Plan) -> tantivy.Query:
        """Translate an engine-neutral plan into a tantivy query."""
        return plan_to_query(self.schema, plan)


def aggregations(facets: list[FacetSpec]) -> dict[str, dict]:
    """The tantivy (Elasticsearch-style) aggregation request that counts ``facets``."""
    requested: dict[str, dict] = {}
    for spec in facets:
        if spec.interval:
            requested[spec.name] = {
                "histogram": {
                    "field": spec.field,
                    "interval": spec.interval,
                    "min_doc_count": 1,
                    # Undated records (NO_YEAR) are outside: no run of empty buckets down to them.
                    "hard_bounds": {"min": -3000, "max": 3000},
                }
            }
        else:
            requested[spec.name] = {"terms": {"field": spec.field, "size": spec.size}}
    return requested


def plan_to_query(schema: tantivy.Schema, plan: Plan) -> tantivy.Query:
    """An engine-neutral plan as a tantivy query over ``schema`` (the record index's or the page index's)."""
    if isinstance(plan, Term):
        return tantivy.Query.term_query(schema, plan.field, plan.token)
    if isinstance(plan, Phrase):
        if len(plan.tokens) == 1:
            return tantivy.Query.term_query(schema, plan.field, plan.tokens[0])
        return tantivy.Query.phrase_query(schema, plan.field, list(plan.tokens))
    if isinstance(plan, YearBetween):
        low = plan.low if plan.low is not None else NO_YEAR + 1
        high = plan.high if plan.high is not None else 100_000
        return tantivy.Query.range_query(schema, YEAR_FIELD, tantivy.FieldType.Integer, low, high)
    if isinstance(plan, Boost):
        return tantivy.Query.boost_query(plan_to_query(schema, plan.child), plan.factor)
    if isinstance(plan, Unscored):
        return tantivy.Query.const_score_query(plan_to_query(schema, plan.child), 0.0)
    if isinstance(plan, MatchAll):
        return tantivy.Query.all_query()
    if isinstance(plan, MatchNone):
        return tantivy.Query.empty_query()
    if isinstance(plan, Bool):
        clauses = [(tantivy.Occur.Must, plan_to_query(schema, child)) for child in plan.must]
        clauses += [(tantivy.Occur.Should, plan_to_query(schema, child)) for child in plan.should]
        clauses += [(tantivy.Occur.MustNot, plan_to_query(schema, child)) for child in plan.must_not]
        if not plan.must and not plan.should:
            # Pure negation: everything except.
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        minimum = plan.min_should if plan.min_should > 1 else None
        if minimum is not None and minimum > len(plan.should):
            return tantivy.Query.empty_query()
        return (
            tantivy.Query.boolean_query(clauses, minimum)
            if minimum
            else tantivy.Query.boolean_query(clauses)
        )
    raise TypeError(f"not a query plan: {plan!r}")
