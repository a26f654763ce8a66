"""Which text analysis the index uses: `tongwen.cjk.analysis` by default, injectable for another one.

The index must analyse documents and queries with the same functions, so both go through one `TextAnalysis`
object. Results are cached per (text, lang): catalogue titles, names and publishers repeat a great deal
(one work in many editions, one publisher on thousands of records), and CJK romanization is the slowest step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class TextAnalysis:
    """``analyze(text, lang)`` → folded CJK grams and lowercased Latin words (record and query side);
    ``roman_tokens(text, lang, readings)`` → romanization tokens of a record's text;
    ``query_roman_tokens(text, lang)`` → the same for a query (romanized input is normalised, CJK input
    is read aloud), so that both sides meet in the ``*_roman`` fields."""

    analyze: Callable[[str, str | None], list[str]]
    roman_tokens: Callable[[str, str | None, Sequence[str]], list[str]]
    query_roman_tokens: Callable[[str, str | None], list[str]]


def cached(analysis: TextAnalysis, size: int = 200_000) -> TextAnalysis:
    """Wrap an analysis with bounded caches (memory stays flat however many records are indexed)."""
    analyze = lru_cache(maxsize=size)(lambda text, lang: tuple(analysis.analyze(text, lang)))
    roman = lru_cache(maxsize=size)(
        lambda text, lang, readings: tuple(analysis.roman_tokens(text, lang, readings))
    )
    query_roman = lru_cache(maxsize=4096)(lambda text, lang: tuple(analysis.query_roman_tokens(text, lang)))
    return TextAnalysis(
        analyze=lambda text, lang=None: list(analyze(text, lang)),
        roman_tokens=lambda text, lang=None, readings=(): list(roman(text, lang, tuple(readings))),
        query_roman_tokens=lambda text, lang=None: list(query_roman(text, lang)),
    )


_default: TextAnalysis | None = None


def default_analysis() -> TextAnalysis:
    """The project's CJK analysis (`tongwen.cjk.analysis`), cached."""
    global _default
    if _default is None:
        from tongwen.cjk import analysis  # imported on first use: it loads OpenCC and reading tables

        query_roman = getattr(analysis, "query_roman_tokens", None) or (
            lambda text, lang=None: analysis.roman_tokens(text, lang)
        )
        _default = cached(
            TextAnalysis(
                analyze=lambda text, lang=None: analysis.analyze(text, lang=lang),
                roman_tokens=lambda text, lang=None, readings=(): analysis.roman_tokens(
                    text, lang=lang, readings=readings
                ),
                query_roman_tokens=lambda text, lang=None: query_roman(text, lang=lang),
            )
        )
    return _default
