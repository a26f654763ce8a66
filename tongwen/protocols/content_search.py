"""IIIF Content Search 2.0 and 1.0 inside one digitised item: where on which page a query's words are.

One hit is one place in a page's text where a query word (or phrase) occurs, found as everywhere in Tongwen
(`tongwen.index`): the page index says which pages of the item match, with the records' analysis
(simplified ↔ traditional ↔ shinjitai folding, kana, width), and `tongwen.index.highlight.match_spans`
finds the places on each page with the same folding. A hit targets its page's canvas in our manifest
(`tongwen.protocols.iiif.canvas_id`): on its words' box (``#xywh=``) when the page has word boxes (ALTO,
hOCR), one box per line or column a phrase runs over (`HitPart`), else the whole canvas.

- 2.0 (``…/search``): an AnnotationPage; ``items`` are the hits' parts as ``supplementing`` annotations with
  the matched text, ``annotations`` one ``contextualizing`` annotation per hit (TextQuoteSelectors with the
  text before and after, on every part), ``partOf`` the AnnotationCollection with ``total``, ``first``, ``last``;
- 1.0 (``…/search/v1``, what Mirador 3 speaks): an ``sc:AnnotationList`` with the parts as ``resources`` and
  ``hits`` naming them (``before`` / ``match`` / ``after``), ``within`` the ``sc:Layer`` with ``total``.

Both give `HITS_PER_PAGE` hits a page with ``next`` / ``prev`` links; ``q`` is required (`SearchRequestError`);
``motivation`` is honoured (the hits are ``supplementing``: any other motivation finds nothing), ``date`` and
``user`` are ignored and said so (``ignored``): page text has neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tongwen.index.highlight import match_spans
from tongwen.index.query import QuerySyntaxError, parse_query
from tongwen.index.search_index import RESULT_WINDOW
from tongwen.index.tantivy_engine import plan_to_query
from tongwen.model import Page, Record, Word
from tongwen.protocols.iiif import (
    PRESENTATION_CONTEXT,
    SEARCH1_CONTEXT,
    canvas_id,
    item_url,
    search_url,
    text_language,
)

PRESENTATION2_CONTEXT = "http://iiif.io/api/presentation/2/context.json"
HITS_PER_PAGE = 50
CONTEXT_CHARS = 20  # characters of text before and after a hit
IGNORED_PARAMETERS = ("date", "user")
HIT_MOTIVATION = "supplementing"  # the hits are the pages' text, as the manifest gives it
_PAGES_PER_READ = 200  # matching pages read from the page index at a time


class SearchRequestError(ValueError):
    """A request the service cannot answer (no ``q``, a page number out of range): HTTP 400."""


@dataclass(frozen=True, slots=True)
class HitPart:
    """The piece of a hit on one line or column: its text and the box of its words (x, y, w, h on the
    canvas; None when the page has no word boxes)."""

    start: int  # where in the page's text
    end: int
    box: tuple[int, int, int, int] | None


@dataclass(frozen=True, slots=True)
class ContentHit:
    ordinal: int  # the page's position in the item
    exact: str
    before: str
    after: str
    parts: list[HitPart]


@dataclass(frozen=True, slots=True)
class HitPage:
    hits: list[ContentHit]  # the hits of the page asked for
    total: int  # hits in the whole item
    page: int
    last: int  # the last page number (1 when there are no hits)


def find_hits(index, record: Record, query: str, page: int = 1, motivation: str | None = None) -> HitPage:
    """Page ``page`` of the hits of ``query`` in ``record``, `HITS_PER_PAGE` at a time, in page order;
    none when ``motivation`` (space-separated, as the API gives it) does not include `HIT_MOTIVATION`.

    Every matching page is read to give the total (a IIIF client shows "N results"); the page index bounds
    that to `RESULT_WINDOW` matching pages, as every other search here."""
    if not query.strip():
        raise SearchRequestError("the parameter q (the words to search for) is required")
    if page < 1:
        raise SearchRequestError(f"page must be 1 or more, not {page}")
    try:
        compiled = index.compiler.compile(parse_query(query))
    except QuerySyntaxError as error:
        raise SearchRequestError(f"q: {error}") from error
    hits: list[ContentHit] = []
    wanted = motivation.split() if motivation and motivation.strip() else [HIT_MOTIVATION]
    if compiled.text_plan is not None and HIT_MOTIVATION in wanted:
        words = compiled.text_words
        offset = 0
        while offset < RESULT_WINDOW:
            found = index.pages.matches(record.id, compiled.text_plan, plan_to_query,
                                        limit=min(_PAGES_PER_READ, RESULT_WINDOW - offset), offset=offset)
            for page_hit in found.pages:
                # The record comes from the store, the page list from the index: a page the index knows
                # but the record no longer has (an import between two index syncs) is skipped.
                if page_hit.ordinal < len(record.pages):
                    hits.extend(page_hits(record, page_hit.ordinal, words, index.analysis))
            offset += len(found.pages)
            if not found.pages or offset >= found.count:
                break
    last = max(1, -(-len(hits) // HITS_PER_PAGE))
    if page > last:
        raise SearchRequestError(f"page {page} is past the last page of hits, {last}")
    start = (page - 1) * HITS_PER_PAGE
    return HitPage(hits[start : start + HITS_PER_PAGE], len(hits), page, last)


def page_hits(record: Record, ordinal: int, words, analysis) -> list[ContentHit]:
    """Every place on page ``ordinal`` where one of the query's ``words`` occurs."""
    page = record.pages[ordinal]
    text = page.text or ""
    lang = page.lang or (record.languages[0] if record.languages else None)
    placed = _placed_words(page)
    hits = []
    for start, end in match_spans(text, words, analysis, lang=lang):
        covered = [(word_start, word_end, word) for word_start, word_end, word in placed
                   if word_start < end and word_end > start]
        parts = [HitPart(max(start, line[0][0]), min(end, line[-1][1]), _box([word for _, _, word in line]))
                 for line in _lines(covered)] or [HitPart(start, end, None)]
        hits.append(ContentHit(
            ordinal, text[start:end],
            _one_line(text[max(0, start - CONTEXT_CHARS) : start]), _one_line(text[end : end + CONTEXT_CHARS]),
            parts,
        ))
    return hits


def _lines(placed: list[tuple[int, int, Word]]) -> list[list[tuple[int, int, Word]]]:
    """Consecutive words grouped by line (or column): a word goes on with the line when it continues it —
    beside the word before and further right (horizontal text), or below it and further down (vertical);
    otherwise a new line or column begins. One box per line keeps a phrase that runs from the foot of one
    column to the head of the next from covering both columns whole."""
    lines: list[list[tuple[int, int, Word]]] = []
    for item in placed:
        word = item[2]
        if lines:
            before = lines[-1][-1][2]
            same_row = word.y < before.y + before.h and before.y < word.y + word.h and word.x >= before.x
            same_column = word.x < before.x + before.w and before.x < word.x + word.w and word.y >= before.y
            if same_row or same_column:
                lines[-1].append(item)
                continue
        lines.append([item])
    return lines


def _placed_words(page: Page) -> list[tuple[int, int, Word]]:
    """Where each word with a box is in the page's text. Readers build the text from the words in order
    (`tongwen.ingest.pages.join_cjk_words`), so each is found after the one before."""
    text = page.text or ""
    placed = []
    position = 0
    for word in page.words:
        at = text.find(word.text, position) if word.text else -1
        if at < 0:
            continue
        position = at + len(word.text)
        placed.append((at, position, word))
    return placed


def _box(words: list[Word]) -> tuple[int, int, int, int] | None:
    if not words:
        return None
    x0, y0 = min(w.x for w in words), min(w.y for w in words)
    x1, y1 = max(w.x + w.w for w in words), max(w.y + w.h for w in words)
    return x0, y0, x1 - x0, y1 - y0


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " ")


# --- the responses ----------------------------------------------------------------------------------------


def _url(service: str, query: str, page: int | None = None) -> str:
    parameters = {"q": query} | ({"page": page} if page is not None else {})
    return f"{service}?{urlencode(parameters)}"


def _target(base_url: str, record: Record, hit: ContentHit, part: HitPart) -> str:
    canvas = canvas_id(base_url, record, hit.ordinal)
    return f"{canvas}#xywh={','.join(map(str, part.box))}" if part.box else canvas


def _part_id(base_url: str, record: Record, hit: ContentHit, part: HitPart) -> str:
    return f"{item_url(base_url, record.id)}/canvas/{hit.ordinal + 1}/text/{part.start}-{part.end}"


def _part_text(record: Record, hit: ContentHit, part: HitPart) -> str:
    return (record.pages[hit.ordinal].text or "")[part.start : part.end]


def annotation_page(base_url: str, record: Record, query: str, found: HitPage,
                    ignored: list[str] | None = None) -> dict[str, Any]:
    """The Content Search 2.0 response for one page of hits."""
    service = search_url(base_url, record.id)
    result: dict[str, Any] = {
        "@context": PRESENTATION_CONTEXT,  # 2.0 has no context of its own
        "id": _url(service, query, found.page),
        "type": "AnnotationPage",
        "partOf": {"id": _url(service, query), "type": "AnnotationCollection", "total": found.total,
                   "first": {"id": _url(service, query, 1), "type": "AnnotationPage"},
                   "last": {"id": _url(service, query, found.last), "type": "AnnotationPage"}},
        "startIndex": (found.page - 1) * HITS_PER_PAGE,
    }
    if found.page < found.last:
        result["next"] = {"id": _url(service, query, found.page + 1), "type": "AnnotationPage"}
    if found.page > 1:
        result["prev"] = {"id": _url(service, query, found.page - 1), "type": "AnnotationPage"}
    if ignored:
        result["ignored"] = ignored
    items, contexts = [], []
    for hit in found.hits:
        language = text_language(record.pages[hit.ordinal], record)
        targets = []
        for number, part in enumerate(hit.parts):
            part_id, value = _part_id(base_url, record, hit, part), _part_text(record, hit, part)
            body: dict[str, Any] = {"type": "TextualBody", "value": value, "format": "text/plain"}
            if language:
                body["language"] = language
            items.append({"id": part_id, "type": "Annotation", "motivation": HIT_MOTIVATION, "body": body,
                          "target": _target(base_url, record, hit, part)})
            # A hit over several lines is one match over several annotations (the spec's multi-annotation
            # match): the text before it goes with its first part, the text after with its last.
            selector: dict[str, Any] = {"type": "TextQuoteSelector", "exact": value}
            if number == 0:
                selector["prefix"] = hit.before
            if number == len(hit.parts) - 1:
                selector["suffix"] = hit.after
            targets.append({"type": "SpecificResource", "source": part_id, "selector": [selector]})
        contexts.append({"id": f"{_part_id(base_url, record, hit, hit.parts[0])}/context", "type": "Annotation",
                         "motivation": "contextualizing", "target": targets[0] if len(targets) == 1 else targets})
    result["items"] = items
    result["annotations"] = [{"type": "AnnotationPage", "items": contexts}]
    return result


def annotation_list(base_url: str, record: Record, query: str, found: HitPage,
                    ignored: list[str] | None = None) -> dict[str, Any]:
    """The Content Search 1.0 response for one page of hits."""
    service = search_url(base_url, record.id, 1)
    within: dict[str, Any] = {"@type": "sc:Layer", "total": found.total, "first": _url(service, query, 1),
                              "last": _url(service, query, found.last)}
    if ignored:
        within["ignored"] = ignored
    result: dict[str, Any] = {
        "@context": [PRESENTATION2_CONTEXT, SEARCH1_CONTEXT],
        "@id": _url(service, query, found.page),
        "@type": "sc:AnnotationList",
        "within": within,
        "startIndex": (found.page - 1) * HITS_PER_PAGE,
    }
    if found.page < found.last:
        result["next"] = _url(service, query, found.page + 1)
    if found.page > 1:
        result["prev"] = _url(service, query, found.page - 1)
    result["resources"] = [
        {"@id": _part_id(base_url, record, hit, part), "@type": "oa:Annotation", "motivation": "sc:painting",
         "resource": {"@type": "cnt:ContentAsText", "chars": _part_text(record, hit, part)},
         "on": _target(base_url, record, hit, part)}
        for hit in found.hits for part in hit.parts]
    result["hits"] = [
        {"@type": "search:Hit", "annotations": [_part_id(base_url, record, hit, part) for part in hit.parts],
         "match": hit.exact, "before": hit.before, "after": hit.after}
        for hit in found.hits]
    return result

