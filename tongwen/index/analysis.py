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
    """The four functions the index needs (see `tongwen.cjk.analysis` for the token scheme):

    - ``analyze(text, lang)`` → full-text tokens (folded CJK unigrams and bigrams interleaved in reading
      order, lower-cased Latin words), the same for records and queries;
    - ``roman_tokens(text, lang, readings)`` → a record's romanized-field tokens (trigrams of roman keys);
    - ``query_roman_tokens(text, lang)`` → one gram list per way of romanizing a query (AND inside a list,
      OR across lists: `tongwen.cjk.analysis.query_roman_alternatives`);
    - ``roman_keys(text, lang, readings)`` → the whole roman key of each romanized form (exact-title boost
      and highlighting);
    - ``analyze_phrases(text, lang)`` (optional) → the token sequences a phrase query may match, any one
      being enough (a phrase mixing hanja and hangul is the text as written or its reading).
    """

    analyze: Callable[[str, str | None], list[str]]
    roman_tokens: Callable[[str, str | None, Sequence[str]], list[str]]
    query_roman_tokens: Callable[[str, str | None], list[list[str]]]
    roman_keys: Callable[[str, str | None, Sequence[str]], list[str]]
    # The token sequences any one of which is the text as a phrase (`tongwen.cjk.analysis.analyze_phrases`);
    # None: `analyze`'s tokens are the only one.
    analyze_phrases: Callable[[str, str | None], list[list[str]]] | None = None
    # Full-text tokens of the kana reading of ideographs (`tongwen.cjk.analysis.kana_reading_tokens`); None: a
    # bare Han query does not look for records written in kana.
    kana_reading: Callable[[str], list[str]] | None = None
    # Full-text tokens of each hangul reading of a query's hanja (`tongwen.cjk.analysis.
    # hangul_reading_alternatives`), any one enough; None: the hangul grams of ``analyze(text, "kor")``.
    hangul_readings: Callable[[str], list[list[str]]] | None = None
    # The prefix `analyze` puts on a syllable of a record's alternative hanja reading (識 read 지 gives "~지"):
    # a hangul syllable of a query of several syllables matches it too. None: no such tokens.
    alternate_mark: str | None = None


def cached(analysis: TextAnalysis, size: int = 100_000) -> TextAnalysis:
    """Wrap an analysis with bounded caches (memory stays flat however many records are indexed)."""
    analyze = lru_cache(maxsize=size)(lambda text, lang: tuple(analysis.analyze(text, lang)))
    roman = lru_cache(maxsize=size)(
        lambda text, lang, readings: tuple(analysis.roman_tokens(text, lang, readings))
    )
    keys = lru_cache(maxsize=size)(
        lambda text, lang, readings: tuple(analysis.roman_keys(text, lang, readings))
    )
    query_roman = lru_cache(maxsize=4096)(
        lambda text, lang: tuple(tuple(grams) for grams in analysis.query_roman_tokens(text, lang))
    )
    return TextAnalysis(
        analyze=lambda text, lang=None: list(analyze(text, lang)),
        roman_tokens=lambda text, lang=None, readings=(): list(roman(text, lang, tuple(readings))),
        query_roman_tokens=lambda text, lang=None: [list(grams) for grams in query_roman(text, lang)],
        roman_keys=lambda text, lang=None, readings=(): list(keys(text, lang, tuple(readings))),
        analyze_phrases=analysis.analyze_phrases,
        kana_reading=analysis.kana_reading,
        hangul_readings=analysis.hangul_readings,
        alternate_mark=analysis.alternate_mark,
    )


_default: TextAnalysis | None = None


def default_analysis() -> TextAnalysis:
    """The project's CJK analysis (`tongwen.cjk.analysis`, which caches `analyze` itself), with the
    romanized tokens cached here."""
    global _default
    if _default is None:
        # Imported on first use: these load OpenCC and the reading tables.
        from tongwen.cjk import analysis

        alternatives = getattr(analysis, "query_roman_alternatives", None) or (
            lambda text, lang=None: [analysis.query_roman_tokens(text, lang)]
        )

        # A title's keys and its tokens come from the same romanizations: compute (and cache) the keys once.
        @lru_cache(maxsize=100_000)
        def roman_keys(text: str, lang: str | None, readings: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(analysis.roman_keys(text, lang, readings))

        @lru_cache(maxsize=100_000)
        def roman_tokens(text: str, lang: str | None, readings: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(analysis.tokens_of_roman_keys(roman_keys(text, lang, readings)))

        _default = TextAnalysis(
            analyze=lambda text, lang=None: analysis.analyze(text, lang),
            roman_tokens=lambda text, lang=None, readings=(): list(roman_tokens(text, lang, tuple(readings))),
            query_roman_tokens=lambda text, lang=None: alternatives(text, lang),
            roman_keys=lambda text, lang=None, readings=(): list(roman_keys(text, lang, tuple(readings))),
            analyze_phrases=lambda text, lang=None: analysis.analyze_phrases(text, lang),
            kana_reading=analysis.kana_reading_tokens,
            hangul_readings=lru_cache(maxsize=4096)(analysis.hangul_reading_alternatives),
            alternate_mark=analysis.ALTERNATE_READING_MARK,
        )
    return _default
