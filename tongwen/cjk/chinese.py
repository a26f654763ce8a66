"""Chinese readings: Hanyu Pinyin from pypinyin's dictionaries (phrase-aware, so polyphones read right: 重庆 chong qing).

    >>> pinyin("红楼梦")
    'hong lou meng'
    >>> pinyin("紅樓夢") == pinyin("红楼梦")
    True

Speed: pypinyin's own `lazy_pinyin` runs every syllable through a pipeline of style converters (~0.25 ms a
title), which made romanization the slowest step of indexing. Here pypinyin's data is read once into toneless
tables, and pypinyin's own segmenter (forward maximum matching over its phrase dictionary) is consulted only
for runs holding a character whose reading some phrase changes; the output is the same as `lazy_pinyin`'s
(tests/cjk/test_japanese_chinese.py compares them on real titles).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from itertools import groupby

_TONE_MARKS = {chr(cp) for cp in range(0x300, 0x370)} - {"\u0308"}  # combining marks but the ü diaeresis


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))


@cache
def _tables() -> tuple[dict[str, str], frozenset[str]]:
    """Each character's default toneless reading (pypinyin's first one), and the characters some phrase
    reads otherwise (only runs containing one need segmenting). ~0.5 s, once per process."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    single = {chr(cp): _toneless(readings.split(",")[0]) for cp, readings in PINYIN_DICT.items()}
    context: set[str] = set()
    for phrase, readings in PHRASES_DICT.items():
        if len(phrase) != len(readings):
            context.update(phrase)
            continue
        for ch, reading in zip(phrase, readings):
            if single.get(ch) != _toneless(reading[0]):
                context.add(ch)
    return single, frozenset(context)


@lru_cache(maxsize=8192)
def _phrase(word: str) -> tuple[str, ...] | None:
    from pypinyin.constants import PHRASES_DICT

    readings = PHRASES_DICT.get(word)
    if readings is None or len(readings) != len(word):
        return None
    return tuple(_toneless(reading[0]) for reading in readings)


@lru_cache(maxsize=65536)
def _run_readings(run: str) -> tuple[str, ...]:
    """The syllables of one run of Han characters. Cached apart from `pinyin`: a title is mostly unique but
    its runs (the title before a subtitle, the subtitle, a series) recur, and a run is read on its own."""
    single, context = _tables()
    if not any(ch in context for ch in run):
        return tuple(single[ch] for ch in run)
    from pypinyin.seg.mmseg import seg  # pypinyin's forward-maximum-matching segmenter

    out: list[str] = []
    for word in seg.cut(run):
        readings = _phrase(word) if len(word) > 1 else None
        out.extend(readings if readings is not None else (single[ch] for ch in word))
    return tuple(out)


@lru_cache(maxsize=65536)
def pinyin(s: str) -> str:
    """Toneless pinyin, one space between syllables, ü kept (nü); non-Han text is kept as it is. Cached:
    creators and subjects repeat across records.

    >>> pinyin("重庆"), pinyin("女神"), pinyin("三体2")
    ('chong qing', 'nü shen', 'san ti 2')
    """
    single, _ = _tables()
    words: list[str] = []
    # Runs of Han with a reading and of other text, alternating (groupby keeps the per-character test in C).
    for readable, characters in groupby(s, single.__contains__):
        run = "".join(characters)
        if readable:
            words.extend(_run_readings(run))
        else:
            words.append(run)
    return " ".join(" ".join(words).split())


@cache
def _second_readings() -> dict[str, tuple[str, ...]]:
    """Each polyphonic character's distinct toneless readings, in pypinyin's order (覺 jue, jiao)."""
    from pypinyin.constants import PINYIN_DICT

    table = {}
    for cp, readings in PINYIN_DICT.items():
        distinct = tuple(dict.fromkeys(_toneless(reading) for reading in readings.split(",")))
        if len(distinct) > 1:
            table[chr(cp)] = distinct
    return table


@lru_cache(maxsize=65536)
def pinyin_alternate(s: str) -> str | None:
    """`pinyin` with every polyphonic character given its other common reading (the first one that differs
    from the reading `pinyin` chose), or None when no character has one. For premodern and Buddhist titles
    outside Chinese records, where pypinyin's modern phrase choices often differ from the cataloguer's
    (Kanripo: 觀心覺夢鈔 "Guan xin jiao meng chao", 祕藏寶鑰 "Mi zang bao yue", 一乘 "yi sheng").

    >>> pinyin("觀心覺夢鈔"), pinyin_alternate("觀心覺夢鈔")
    ('guan xin jue meng chao', 'guan xin jiao meng chao')
    >>> pinyin_alternate("日本") is None
    True
    """
    single, _ = _tables()
    alternatives = _second_readings()
    words: list[str] = []
    changed = False
    for readable, characters in groupby(s, single.__contains__):
        run = "".join(characters)
        if readable:
            readings = _run_readings(run)
            for ch, chosen in zip(run, readings):
                other = next((r for r in alternatives.get(ch, ()) if r != chosen), chosen)
                changed |= other != chosen
                words.append(other)
        else:
            words.append(run)
    return " ".join(" ".join(words).split()) if changed else None


_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ORDINAL = re.compile(r"第([〇零一二两兩三四五六七八九十百千]+)")


def _number(numeral: str) -> int | None:
    """A Chinese numeral below 10,000 as an int (五 5, 十三 13, 二十 20, 一百零五 105, 二〇一九 2019)."""
    if all(ch in _DIGITS for ch in numeral):  # digit by digit, as years are written
        return int("".join(str(_DIGITS[ch]) for ch in numeral))
    total, digit = 0, None
    for ch in numeral:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def arabic_ordinals(s: str) -> str:
    """`s` with the numbers after 第 in Arabic numerals, as ALA-LC romanizes them (第五辑 "di 5 ji", 第十三卷
    "di 13 juan"); other text unchanged.

    >>> arabic_ordinals("资料汇编. 第五辑"), arabic_ordinals("第一百零五期"), arabic_ordinals("一角叢書")
    ('资料汇编. 第5辑', '第105期', '一角叢書')
    """
    return _ORDINAL.sub(lambda match: f"第{_number(match.group(1))}", s)
