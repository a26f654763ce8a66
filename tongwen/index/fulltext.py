"""The full text of digitised items: how page text is analysed, and the page index that says where in an
item a search matched.

Two places hold page text, for two questions:

- **which records match** — the record index's ``text`` field holds every page of a record as one value
  per page (so a phrase never runs from one page into the next). It takes part in ranking and facets like
  any field, with a low boost and BM25's length normalisation: a title match stays above a passing mention
  on page 300 of a long book;
- **where in the record** — the page index (``index/pages``, one tantivy document per page: record id,
  page order, label, tokens and the page text) answers "which pages of this record, and what does the
  match look like" for the hits shown, with the same query plan restricted to one record.

Page text is analysed like records (`tongwen.cjk.analysis`: variant folding, kana, hangul/hanja, width),
after one step of its own: punctuation, spaces and line ends *between CJK characters* are removed, so that
"學而時習之，不亦說乎" and a line break after 照見五 never break a phrase, and the query goes through the same
step. Readers have already taken out inline markers (``<pb:…>``, ``¶``, ``<lb/>``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import tantivy

from tongwen.index.analysis import TextAnalysis, default_analysis
from tongwen.index.plan import Bool, PageDocument, Plan, Term
from tongwen.model import Record

_CJK = (
    "\u1100-\u11ff\u3041-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U000323af\u3005-\u3007"
)
# Anything that is not a letter or digit (punctuation, symbols, spaces, line ends) between two CJK characters.
_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[\W_]+(?=[{_CJK}])")
TEXT_FIELD = "text"
PAGE_INDEX_DIR = "pages"
PAGES_SHOWN = 5  # pages listed per record hit, in page order
SNIPPET_CONTEXT = 30  # characters of context either side of the first match on a page


def index_text(text: str) -> str:
    """The page text as it is analysed: no punctuation, spaces or line ends between CJK characters.

    >>> index_text("學而時習之，\\n不亦說乎？ A note.")
    '學而時習之不亦說乎？ A note.'
    """
    return _BETWEEN_CJK.sub("", text)


def running_text_analyzer(analysis: TextAnalysis) -> Callable[[str, str | None], list[str]]:
    """The function that tokenises page text: the project's uncached `analyze_running_text` with the
    default analysis (pages are seen once; caching them would hold them all in memory), else the injected
    analysis' own ``analyze``, so documents and queries always agree."""
    if analysis is default_analysis():
        from tongwen.cjk.analysis import analyze_running_text

        return analyze_running_text
    return analysis.analyze


def page_documents(record: Record, analyze: Callable[[str, str | None], list[str]]) -> list[PageDocument]:
    """One `PageDocument` per page with text, in page order."""
    lang = record.languages[0] if record.languages else None
    documents = []
    for ordinal, page in enumerate(record.pages):
        if not page.text:
            continue
        tokens = analyze(index_text(page.text), page.lang or lang)
        if tokens:
            documents.append(PageDocument(record.id, ordinal, page.label, " ".join(tokens), page.text))
    return documents


@dataclass(slots=True)
class PageHit:
    label: str
    ordinal: int
    text: str


@dataclass(slots=True)
class PageMatches:
    count: int  # pages of the record that match
    pages: list[PageHit]  # those asked for (the first `PAGES_SHOWN` in a hit list), in page order


class PageIndex:
    """One tantivy index of pages in ``path``. Written only by the process that syncs the record index."""

    def __init__(self, path: Path, *, tokenizer: str, writer_heap: int = 64_000_000) -> None:
        path.mkdir(parents=True, exist_ok=True)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("record_id", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_integer_field("ordinal", stored=True, indexed=True, fast=True)
        builder.add_text_field(TEXT_FIELD, tokenizer_name=tokenizer, index_option="position")
        builder.add_bytes_field("page", stored=True)  # label and text, for the hit list
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(path))
        self.index.register_tokenizer(tokenizer, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        self._writer: tantivy.IndexWriter | None = None
        self._writer_heap = writer_heap
        self._searcher: tantivy.Searcher | None = None

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=self._writer_heap, num_threads=1)
        return self._writer

    def replace(self, record_ids: Iterable[str], pages: Iterable[PageDocument]) -> None:
        """Drop every page of ``record_ids``, then add ``pages`` (of those records)."""
        writer = self.writer
        for record_id in record_ids:
            writer.delete_documents_by_term("record_id", record_id)
        for page in pages:
            document = tantivy.Document()
            document.add_text("record_id", page.record_id)
            document.add_integer("ordinal", page.ordinal)
            document.add_text(TEXT_FIELD, page.tokens)
            document.add_bytes("page", json.dumps([page.label, page.text], ensure_ascii=False).encode())
            writer.add_document(document)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.refresh()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    def refresh(self) -> None:
        self.index.reload()
        self._searcher = None

    def count(self) -> int:
        return self.searcher.num_docs

    @property
    def searcher(self) -> tantivy.Searcher:
        if self._searcher is None:
            self._searcher = self.index.searcher()
        return self._searcher

    def matches(
        self,
        record_id: str,
        plan: Plan,
        to_query: Callable[[tantivy.Schema, Plan], tantivy.Query],
        *,
        limit: int = PAGES_SHOWN,
        offset: int = 0,
    ) -> PageMatches:
        """The pages of one record that ``plan`` (over the ``text`` field) matches, in page order."""
        query = to_query(self.schema, Bool(must=(Term("record_id", record_id), plan)))
        result = self.searcher.search(
            query, limit=limit, offset=offset, count=True, order_by_field="ordinal", order=tantivy.Order.Asc
        )
        pages = []
        for _, address in result.hits:
            stored = self.searcher.doc(address)
            label, text = json.loads(bytes(stored.get_first("page")).decode())
            pages.append(PageHit(label, int(stored.get_first("ordinal")), text))
        return PageMatches(result.count or 0, pages)
