"""Highlighted snippets: the title form that best matches the query, shown in its own script with the
matching characters or words wrapped in ``<mark>`` (the rest HTML-escaped).

tantivy's SnippetGenerator cannot do this here: the index holds folded, romanized tokens, not the text
people read, so the marks are placed by analysing the displayed title piece by piece (one CJK character or
one Latin word at a time) and checking the pieces against the query's own tokens.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tongwen.cjk.scripts import char_script, is_cjk_script
from tongwen.index.analysis import TextAnalysis

# A piece is one CJK character, one run of Latin letters/digits, or one other character.
_PIECE = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u1E00-\u1EFF'’ʻ]+|.", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Snippet:
    html: str
    text: str
    lang: str | None


def _pieces(text: str) -> list[str]:
    return _PIECE.findall(text)


def _marks(
    pieces: Sequence[str],
    tokens: frozenset[str],
    roman_keys: Sequence[str],
    analysis: TextAnalysis,
    lang: str | None,
) -> list[bool]:
    """Which pieces to mark: those whose full-text tokens the query has; failing any, those whose
    romanization is part of the query's (a romanized query marks the characters it reads)."""
    known = _piece_tokens(analysis, lang)
    analysed = []
    for piece in pieces:
        found = known.get(piece)
        if found is None:
            if len(known) >= _FOLDS_KEPT:
                known.clear()
            wordlike = not piece.isspace() and any(char_script(ch) for ch in piece)
            # () for a piece that is no word: never marked.
            found = known[piece] = frozenset(analysis.analyze(piece, lang)) if wordlike else ()
        analysed.append(found)
    wordlike = [found != () for found in analysed]
    marks = [bool(found) and not tokens.isdisjoint(found) for found in analysed]
    if any(marks) or not roman_keys:
        return marks
    for index, (piece, ok) in enumerate(zip(pieces, wordlike)):
        if ok and (is_cjk_script(char_script(piece[0])) or piece.isalpha()):
            keys = [key for key in analysis.roman_keys(piece, lang, ()) if len(key) >= 2]
            marks[index] = any(key in query_key for key in keys for query_key in roman_keys)
    return marks


def _render(pieces: Sequence[str], marks: Sequence[bool]) -> str:
    out: list[str] = []
    open_mark = False
    for index, (piece, marked) in enumerate(zip(pieces, marks)):
        # Spaces between two marked words stay inside one <mark>.
        if piece.isspace() and open_mark and index + 1 < len(marks) and marks[index + 1]:
            marked = True
        if marked and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif not marked and open_mark:
            out.append("</mark>")
            open_mark = False
        out.append(html.escape(piece))
    if open_mark:
        out.append("</mark>")
    return "".join(out)


def snippet(
    titles: Sequence[dict], tokens: frozenset[str], roman_keys: Sequence[str], analysis: TextAnalysis
) -> Snippet | None:
    """The best-matching title form with marks. On a tie the non-Latin (vernacular) form wins, so a
    romanized query still shows 紅樓夢 with its characters marked.

    ``titles`` are the hit's display titles: dicts with ``text`` and ``lang`` (BCP 47) and ``script``.
    """
    if not titles:
        return None
    best: tuple[int, int, int] | None = None
    chosen = None
    for order, title in enumerate(titles):
        lang = _analysis_lang(title.get("lang"))
        pieces = _pieces(title["text"])
        marks = _marks(pieces, tokens, roman_keys, analysis, lang)
        score = (sum(marks), 0 if title.get("script") == "Latn" else 1, -order)
        if best is None or score > best:
            best, chosen = score, (title, pieces, marks)
    assert chosen is not None
    title, pieces, marks = chosen
    return Snippet(_render(pieces, marks), title["text"], title.get("lang"))


def _analysis_lang(tag: str | None) -> str | None:
    """BCP 47 display tag back to the ISO 639-2 code the analysis takes."""
    if not tag:
        return None
    return {"zh": "chi", "ja": "jpn", "ko": "kor"}.get(tag.split("-")[0])


def _units(text: str, analysis: TextAnalysis, lang: str | None) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each CJK character and Latin word; punctuation and spaces have none, so
    they never stand between two units of a phrase."""
    folds = _folds(analysis, lang)
    units = []
    end = 0
    for piece in _PIECE.findall(text):  # the pieces tile the text: each starts where the last ended
        start, end = end, end + len(piece)
        folded = folds.get(piece, _UNKNOWN)
        if folded is _UNKNOWN:
            if len(folds) >= _FOLDS_KEPT:
                folds.clear()
            tokens = [] if piece.isspace() else analysis.analyze(piece, lang)
            folded = folds[piece] = tokens[0] if tokens else None
        if folded is not None:
            units.append((start, end, folded))
    return units


_UNKNOWN = object()
_FOLDS_KEPT = 65_536


@lru_cache(maxsize=64)
def _piece_tokens(analysis: TextAnalysis, lang: str | None) -> dict[str, frozenset[str] | tuple[()]]:
    """Each title piece's full-text tokens (``()`` for spaces and punctuation), per analysis and language: every
    hit's snippet analyses its titles piece by piece, and at 1M records this was a quarter of a search's time."""
    return {}


@lru_cache(maxsize=64)
def _folds(analysis: TextAnalysis, lang: str | None) -> dict[str, str | None]:
    """Each piece's folded form (None for spaces and punctuation), remembered per analysis and language. A page
    snippet folds every character of the page, and characters repeat: profiled on 論語/孟子 pages, analysing
    each piece afresh was two thirds of a phrase search's time."""
    return {}


def match_spans(
    text: str, words: Sequence[str], analysis: TextAnalysis, *, lang: str | None = None
) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of every place one of the query's words occurs, in text order. Matching is on
    folded forms, unit by unit, so a phrase typed in simplified characters is found in traditional text and
    punctuation or line ends inside it are spanned.

    >>> from tongwen.index.analysis import default_analysis
    >>> match_spans("學而時習之，\\n不亦說乎", ["习之不亦"], default_analysis())
    [(3, 9)]
    """
    page_units = _units(text, analysis, lang)
    folded = [unit[2] for unit in page_units]
    spans: list[tuple[int, int]] = []
    for word in words:
        query = [unit[2] for unit in _units(word, analysis, lang)]
        if not query:
            continue
        for i in range(len(folded) - len(query) + 1):
            if folded[i : i + len(query)] == query:
                spans.append((page_units[i][0], page_units[i + len(query) - 1][1]))
    return sorted(spans)


def page_snippet(
    text: str, words: Sequence[str], analysis: TextAnalysis, *, context: int = 30, lang: str | None = None
) -> str:
    """HTML of the stretch of a page around the first place the query's words occur, each occurrence in the
    stretch wrapped in ``<mark>``. Matching is on folded forms, unit by unit (a phrase typed in simplified
    characters marks the traditional text; punctuation and line ends inside it are marked through). Line
    ends are shown as spaces; a page where no word can be placed shows its beginning.

    >>> from tongwen.index.analysis import default_analysis
    >>> page_snippet("子曰：「學而時習之，\\n不亦說乎？」", ["习之不亦"], default_analysis())
    '子曰：「學而時<mark>習之， 不亦</mark>說乎？」'
    """
    spans = match_spans(text, words, analysis, lang=lang)
    if not spans:
        return html.escape(" ".join(text[: 2 * context].split()))
    start = max(0, spans[0][0] - context)
    end = min(len(text), spans[0][1] + context)
    out: list[str] = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        out.append(_shown(text[position:span_start]))
        out.append(f"<mark>{_shown(text[span_start:span_end])}</mark>")
        position = span_end
    out.append(_shown(text[position:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def _shown(text: str) -> str:
    return html.escape(text.replace("\n", " "))
