"""Turn East Asian imprint dates — era names, reign titles, Buddhist/Dangi/Juche years, uncertain years — into
Gregorian year ranges a facet, a timeline, a sort or a ``year:`` query can use.

    >>> parse_date("明治29年")
    DateRange(year_from=1896, year_to=1896, era='明治29年', calendar='japanese')
    >>> parse_date("Shōwa 46-47 [1971-1972]")
    DateRange(year_from=1971, year_to=1972, era='Shōwa 46-47', calendar='japanese')
    >>> parse_date("乾隆五年")
    DateRange(year_from=1740, year_to=1740, era='乾隆五年', calendar='chinese-reign')
    >>> parse_date("民國35年").year_from, parse_date("民國35年", country="ko").year_from
    (1946, 1953)
    >>> parse_date("พ.ศ. 2500")
    DateRange(year_from=1957, year_to=1957, era='พ.ศ. 2500', calendar='buddhist')
    >>> parse_date("[18--?]")
    DateRange(year_from=1800, year_to=1899, era=None, calendar='gregorian')

Where a Gregorian year is given beside the era ("2010（平成22）年", "安永3 [1774]"), the Gregorian year wins and
the era is kept for display. Country and language only break ties (民國 1 is 1912, but 1919 in Korea).

Tables: Japanese eras come from ``japanera`` (``data/eras_japan_adjust.tsv`` fixes eras proclaimed before the
lunar New Year); Chinese and Korean ones from ``data/eras_china.tsv`` and ``data/eras_korea.tsv``. Variant
spellings (simplified, shinjitai, traditional) are derived with OpenCC when the tables are loaded, so a date
written 光绪, 光緒 or 光緖 finds the same reign. All tables are checked against the DILA Time Authority in
``tests/cjk/test_eras.py``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

__all__ = [
    "OPEN_END", "DateRange", "Era", "era_year_label", "eras_in_use", "find_eras", "kanji_number", "parse_date",
    "parse_year_range_008",
]

OPEN_END = 9999
"""year_to of an open range ("2011-", MARC 008 date2 "9999"), as MARC writes it."""

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Gregorian years (inclusive; negative = BCE) and, for display, the era form they were read from."""

    year_from: int
    year_to: int
    era: str | None = None
    calendar: str | None = None


@dataclass(frozen=True, slots=True)
class Era:
    """One era of the tables: ``start`` is the Gregorian year of its year 1 (元年), ``end`` None when open."""

    name: str
    start: int
    end: int | None
    country: str  # "JP", "CN", "KR"
    calendar: str  # "japanese", "chinese-reign", "minguo", "korean-era"
    regnal: bool = False  # a king's name counting regnal years (Joseon), not an era name

    def year(self, number: int) -> int:
        return self.start + number - 1


# ------------------------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True, slots=True)
class _Tables:
    by_han: dict[str, tuple[tuple[Era, bool], ...]]  # surface form -> (era, is the form native to the era)
    by_roman: dict[str, tuple[Era, ...]]  # romanization key -> eras
    max_han_len: int
    max_roman_words: int


def _read_tsv(name: str) -> list[dict[str, str]]:
    with open(_DATA / name, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _is_latin(form: str) -> bool:
    return form[0].isascii() or "LATIN" in unicodedata.name(form[0], "")


def _japanese_eras() -> Iterable[tuple[Era, list[str]]]:
    import japanera  # imported here: only needed when the tables are first built

    adjust = {
        (row["kanji"], row["japanera_since"]): int(row["start"]) for row in _read_tsv("eras_japan_adjust.tsv")
    }
    seen: set[tuple[str, int]] = set()
    for source in (japanera.ERA_DATA_GENERAL, japanera.ERA_DATA_DAIKAKUJI, japanera.ERA_DATA_JIMYOUIN):
        for item in source:
            kanji, english = item._kanji, item._english  # None for the unnamed 7th-century gaps
            if not kanji:
                continue
            start = adjust.get((kanji, item.since.isoformat()), item.since.year)
            if (kanji, start) in seen:  # 建武 is in both the general and the northern-court list
                continue
            seen.add((kanji, start))
            end = item.until.year if item.until else None
            forms = [kanji]
            if english:
                # japanera writes compounds in CamelCase ("TempyouSyouhou"): split so "Tenpyō shōhō" matches
                forms.append(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", english))
            yield Era(kanji, start, end, "JP", "japanese"), forms


def _table_eras(name: str) -> Iterable[tuple[Era, list[str]]]:
    for row in _read_tsv(name):
        forms = row["names"].split("|")
        end = int(row["end"]) if row["end"] else None
        era = Era(forms[0], int(row["start"]), end, row["country"], row["calendar"], row["kind"] == "regnal")
        yield era, forms


@lru_cache(maxsize=16384)
def _roman_key(text: str) -> str:
    """Spelling-insensitive key for a romanized era name: Shōwa, Showa, Shouwa, Syôwa -> "showa".

    Hand-written because no romanization library folds Hepburn, Kunrei and japanera's own spellings together.
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    key = "".join(ch for ch in decomposed if "a" <= ch <= "z")
    for pattern, repl in _ROMAN_FOLDS:
        key = pattern.sub(repl, key)
    return key


_ROMAN_FOLDS = [
    (re.compile(p), r)
    for p, r in (
        ("sy", "sh"),
        ("ty", "ch"),
        ("[zj]y", "j"),  # Kunrei -> Hepburn
        ("si", "shi"),
        ("ti", "chi"),
        ("tu", "tsu"),
        ("(?<![cs])hu", "fu"),
        ("zi", "ji"),
        ("m(?=[bpm])", "n"),
        ("nn", "n"),  # Tempyō / Tenpyō, An'ei / Annei
        ("o[ou]", "o"),
        ("uu", "u"),
        ("aa", "a"),  # long vowels written out
    )
]


def _opencc_variants(forms: list[str]) -> set[str]:
    converters = _converters()
    out = set(forms)
    for form in forms:
        for path in (("t2s",), ("s2t",), ("jp2t",), ("t2jp",), ("jp2t", "t2s"), ("s2t", "t2jp")):
            converted = form
            for cfg in path:
                converted = converters[cfg].convert(converted)
            out.add(converted)
    return out


@cache
def _converters() -> dict[str, object]:
    import opencc

    return {cfg: opencc.OpenCC(cfg) for cfg in ("t2s", "s2t", "jp2t", "t2jp")}


@cache
def _tables() -> _Tables:
    by_han: dict[str, list[tuple[Era, bool]]] = {}
    by_roman: dict[str, list[Era]] = {}
    max_words = 1
    sources = [_japanese_eras(), _table_eras("eras_china.tsv"), _table_eras("eras_korea.tsv")]
    for source in sources:
        for era, forms in source:
            han = [f for f in forms if not _is_latin(f)]
            for form in _opencc_variants(han):
                by_han.setdefault(form, []).append((era, form in han))
            for form in forms:
                if _is_latin(form):
                    max_words = max(max_words, len(_LATIN_WORD.findall(form)))
                    key = _roman_key(form)
                    if era not in by_roman.setdefault(key, []):
                        by_roman[key].append(era)
    return _Tables(
        by_han={k: tuple(v) for k, v in by_han.items()},
        by_roman={k: tuple(v) for k, v in by_roman.items()},
        max_han_len=max(map(len, by_han)),
        max_roman_words=max_words,
    )


def find_eras(name: str) -> tuple[Era, ...]:
    """All eras written ``name`` (any script form or romanization), oldest first.

    >>> [(e.country, e.start) for e in find_eras("嘉慶")]
    [('JP', 1387), ('CN', 1796)]
    """
    tables = _tables()
    found = [era for era, _ in tables.by_han.get(_normalize(name).strip(), ())]
    found += [e for e in tables.by_roman.get(_roman_key(name), ()) if e not in found]
    return tuple(sorted(set(found), key=lambda e: (e.start, e.country)))


@cache
def _all_eras() -> tuple[Era, ...]:
    eras = {era for forms in _tables().by_han.values() for era, _ in forms}
    return tuple(sorted(eras, key=lambda e: (e.start, e.country, e.name)))


# 開國 counts every year of Joseon but was written only from 1894: a timeline shows the king's year instead.
_NOT_SHOWN_AS_ERA = frozenset({"開國"})


def eras_in_use(low: int, high: int | None = None) -> dict[str, tuple[Era, ...]]:
    """The eras in use in the years ``low``–``high`` (one year when ``high`` is None), per country ("JP", "CN",
    "KR"), oldest first: what a timeline shows beside the years. Korea shows its era names (建陽, 光武, 隆熙)
    where there were any and the king's regnal years otherwise.

    >>> {country: [era.name for era in eras] for country, eras in eras_in_use(1868).items()}
    {'JP': ['慶応', '明治'], 'CN': ['同治'], 'KR': ['高宗']}
    >>> [era.name for era in eras_in_use(1890, 1909)["KR"]]
    ['建陽', '光武', '隆熙']
    """
    high = low if high is None else high
    found: dict[str, list[Era]] = {}
    for era in _all_eras():
        end = era.end if era.end is not None else OPEN_END
        if era.start <= high and end >= low and era.name not in _NOT_SHOWN_AS_ERA:
            found.setdefault(era.country, []).append(era)
    korea = found.get("KR", [])
    named = [era for era in korea if not era.regnal and era.calendar == "korean-era"]
    if named:
        found["KR"] = [era for era in korea if not era.regnal]
    return {country: tuple(found[country]) for country in ("JP", "CN", "KR") if found.get(country)}


def era_year_label(era: Era, year: int) -> str:
    """``year`` counted in ``era``, as written: 明治元年, 乾隆5年.

    >>> era_year_label(find_eras("明治")[0], 1868), era_year_label(find_eras("乾隆")[0], 1740)
    ('明治元年', '乾隆5年')
    """
    number = year - era.start + 1
    return f"{era.name}{'元' if number == 1 else number}年"


# ------------------------------------------------------------------------------------------------------------
# Normalization and numbers

_BIDI_AND_INVISIBLE = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_TRANSLATE: dict[int, str | None] = {ord(ch): None for ch in _BIDI_AND_INVISIBLE}
for _zero in (
    0x0E50,
    0x0ED0,
    0x17E0,
    0x1040,
    0x0660,
    0x06F0,
    0x0966,
):  # Thai, Lao, Khmer, Myanmar, Arabic, Devanagari
    _TRANSLATE.update({_zero + i: str(i) for i in range(10)})
_TRANSLATE.update({ord(ch): "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u301c\uff5e~"})
_TRANSLATE.update({ord("\u3000"): " ", ord("〔"): "[", ord("〕"): "]", ord("【"): "[", ord("】"): "]"})


def _normalize(text: str) -> str:
    # NFKC turns full-width digits into ASCII and ㍻/㍼ squares into 平成/昭和; then other scripts' digits and
    # dash look-alikes are folded so one set of patterns reads them all.
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE)


_KANJI_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "壹": 1, "壱": 1, "二": 2, "貳": 2, "弐": 2, "两": 2, "兩": 2, "三": 3, "參": 3,
    "参": 3, "弎": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_KANJI_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_KANJI_TENS = {"廿": 20, "卄": 20, "卅": 30, "卌": 40}
_KANJI_NUMERAL_CHARS = "".join([*_KANJI_DIGITS, *_KANJI_UNITS, *_KANJI_TENS])


def kanji_number(text: str) -> int | None:
    """Value of a number written in ASCII digits or Han numerals; 元 (first year) is 1.

    Hand-written: kanjize (a japanera dependency) reads neither 廿/卅 nor 〇-digit strings like 一九九八.

    >>> kanji_number("三十四"), kanji_number("廿五"), kanji_number("一九九八"), kanji_number("元")
    (34, 25, 1998, 1)
    """
    if text.isdigit():
        return int(text)
    if text == "元":
        return 1
    if all(ch in _KANJI_DIGITS for ch in text):  # positional: 一九九八, 二〇一〇
        value = 0
        for ch in text:
            value = value * 10 + _KANJI_DIGITS[ch]
        return value
    total, digit = 0, None
    for ch in text:
        if ch in _KANJI_DIGITS:
            if digit is not None:
                return None  # two digits in a row inside a unit number: not a number
            digit = _KANJI_DIGITS[ch]
        elif ch in _KANJI_UNITS:
            total += (1 if digit is None else digit) * _KANJI_UNITS[ch]
            digit = None
        elif ch in _KANJI_TENS:
            total += _KANJI_TENS[ch]
        else:
            return None
    return total + (digit or 0)


# ------------------------------------------------------------------------------------------------------------
# Patterns (compiled once)

_HAN = "\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_HAN_RUN = re.compile(f"[{_HAN}]{{2,}}|[\uac00-\ud7af]{{2,}}")
_NUM = f"(?:元|\\d{{1,3}}(?!\\d)|[{_KANJI_NUMERAL_CHARS}]{{1,4}})"
_STEMS, _BRANCHES = "甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥"
_YEAR_WORD = r"(?:\s*(?:年|년|nen\b))?"
_ERA_TAIL = re.compile(
    rf"""\s*(?:
        (?P<num>{_NUM}){_YEAR_WORD}
        (?:\s*-\s*(?P<era2>[{_HAN}\uac00-\ud7af]{{2,4}}?)?\s*(?P<num2>{_NUM}){_YEAR_WORD})?
      | (?P<gz>[{_STEMS}][{_BRANCHES}])(?:\s*年)?
    )""",
    re.VERBOSE,
)
# A bare era name ("康熙", "乾隆刊本") is a date only when no other word continues it ("康熙字典" is not).
_BARE_SUFFIX = re.compile(
    f"(?:年間|年|間|中|期|初|末|頃|刊|刻|本|序|跋|写|寫|鈔|抄|以後|以降|以前)|(?![{_HAN}])"
)
# 明39, 大3, 昭15, 平2, 令3: the one-kanji abbreviations NDL and Japanese publishers use for modern eras.
_ABBREVIATED_ERA = re.compile(f"(?<![{_HAN}])(?P<era>[明大昭平令])\\s?(?P<num>\\d{{1,2}})(?!\\d)")
_ABBREVIATED = {"明": "明治", "大": "大正", "昭": "昭和", "平": "平成", "令": "令和"}
_LATIN_LETTER = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN_WORD = re.compile(f"[{_LATIN_LETTER}][{_LATIN_LETTER}'’ʼ]*")
_ROMAN_TAIL = re.compile(
    r"""[\s,.]*(?:
        (?P<num>\d{1,3}|gannen|yuan\s*nian)(?!\d)(?:\s*-?\s*nen\b)?(?:\s*-\s*(?P<num2>\d{1,3})(?!\d))?
      | (?P<bare>era|period|reign|nianjian|nian\s+jian)\b
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_SPECIAL = re.compile(
    rf"""
     (?P<be>(?:พ\.\s?ศ\.?|พุทธศักราช|B\.\s?E\.?|\bBE)\s*(?P<be_n>\d{{3,4}})(?!\d))
    |(?P<be_after>(?<!\d)(?P<be_n2>\d{{3,4}})\s*(?:B\.\s?E\.?|BE\b|พ\.\s?ศ\.))
    |(?P<dangi>(?:단기|檀紀|檀君紀元|(?i:tangi|dangi))\s*
        (?P<dangi_n>\d{{4}}|[{_KANJI_NUMERAL_CHARS}]{{4,8}})(?!\d){_YEAR_WORD})
    |(?P<juche>(?:주체|主體|主体|(?i:juche|chuch['’]?e))\s*
        (?P<juche_n>\d{{1,3}}|[{_KANJI_NUMERAL_CHARS}]{{1,6}})(?!\d){_YEAR_WORD})
    """,
    re.VERBOSE,
)
_I_E = re.compile(r"i\.\s?e\.?,?\s*(?P<y>\d{4})(?!\d)", re.IGNORECASE)
_GREGORIAN = re.compile(
    r"""
     (?P<cent>(?P<bc>-)?(?:(?P<c>\d{1,2})(?:st|nd|rd|th)\s*cent(?:ury|\.)?|(?P<c_cjk>\d{1,2})\s*(?:세기|世紀|世纪)))
    |(?P<range>(?<!\d)(?P<r1>\d{4})\s*(?:-|/|to)\s*(?P<r2>\d{4}|\d{2})(?!\d))
    |(?P<open>(?<!\d)(?P<o1>\d{4})\s*-(?=\s*(?:$|[\]),;:])))
    |(?P<ymd>(?<!\d)(?P<y8>\d{4})(?:0[1-9]|1[0-2])(?:[0-3]\d)?(?!\d))
    |(?P<century>(?<!\d)(?P<cc>\d{2})(?:--|uu|\?\?|xx|u-|-u)(?![\d]))
    |(?P<decade>(?<!\d)(?P<dd>\d{3})(?:-|u|\?|x)(?![\d]))
    |(?P<year>(?<!\d)(?P<y>\d{4})(?!\d))
    """,
    re.VERBOSE | re.IGNORECASE,
)
_PLAIN_YEAR = re.compile(r"\s*\[?\s*(?:c|©|p|ⓟ|℗)?\s*(\d{4})\s*\??\s*\]?\s*\.?\s*")
# Kanripo-style life dates with short or BCE years: "127 - 200", "-507 - -400", "fl. -73", "d.ca. 1660".
_SHORT_YEARS = re.compile(
    r"\s*(?:(?:fl|d|b|f|ca|c|active)\.?\s*)*(?P<a>-?\d{1,4})\??"
    r"(?:\s*-\s*(?:(?:ca|c)\.?\s*)?(?P<b>-?\d{1,4})\??)?\s*\.?\s*",
    re.IGNORECASE,
)
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_THAI = re.compile("[\u0e00-\u0e7f]")

_COUNTRY_HINTS = {
    "ja": "JP", "jp": "JP", "jpn": "JP",
    "cc": "CN", "cn": "CN", "ch": "CN", "tw": "CN", "hk": "CN", "mo": "CN",
    "chi": "CN", "zho": "CN", "zh": "CN",
    "ko": "KR", "kr": "KR", "kn": "KR", "kp": "KR", "kor": "KR",
    "th": "TH", "tha": "TH",
}  # fmt: skip


# ------------------------------------------------------------------------------------------------------------
# Public API


def parse_date(text: str, *, country: str | None = None, lang: str | None = None) -> DateRange | None:
    """Gregorian year range of a catalogue date string, or None when no year can be derived.

    ``country`` (MARC "ja", "cc", "ch", "ko", "th" or ISO "JP", "CN", "TW", "KR", "KP", "TH") and ``lang``
    (ISO 639-2 "jpn", "chi", "kor", "tha") are hints that decide ambiguous eras, e.g. 民國 1 = 1919 in Korea.

    >>> parse_date("2010（平成22）年")
    DateRange(year_from=2010, year_to=2010, era='平成22', calendar='japanese')
    >>> parse_date("196-?")
    DateRange(year_from=1960, year_to=1969, era=None, calendar='gregorian')
    """
    if not isinstance(text, str) or not text:
        return None
    hints = frozenset(
        h
        for h in (
            _COUNTRY_HINTS.get((country or "").strip().lower()),
            _COUNTRY_HINTS.get((lang or "").strip().lower()),
        )
        if h
    )
    return _parse_cached(text[:500], hints)  # a date field is short; the cap bounds work on garbage input


def parse_year_range_008(date1: str, date2: str = "", date_type: str = "") -> DateRange | None:
    """Year range of MARC 008/06-14 (type of date, Date 1, Date 2).

    "u" stands for an unknown digit, "9999" in Date 2 for an open end, blanks (or "#", "|") for no date.
    Years 2400–2699 are Thai Buddhist Era (Thai catalogues write them in 008 too).

    >>> parse_year_range_008("19uu", "    ", "s")
    DateRange(year_from=1900, year_to=1999, era=None, calendar='gregorian')
    >>> parse_year_range_008("2004", "9999", "c")
    DateRange(year_from=2004, year_to=9999, era=None, calendar='gregorian')
    >>> parse_year_range_008("1971", "1972", "t").year_to
    1971
    """
    first = _marc_year(date1)
    if first is None:
        return None
    low, high, calendar = first
    if (date_type or "").strip().lower() in {"m", "q", "i", "k", "c", "d", "u"}:
        if (date2 or "").strip() == "9999":
            high = OPEN_END
        elif (second := _marc_year(date2)) is not None and second[1] >= low:
            high = second[1]
    return DateRange(low, high, None, calendar)


def _marc_year(value: str | None) -> tuple[int, int, str] | None:
    value = (value or "").strip().replace("#", " ").replace("|", " ").lower()
    if len(value) != 4 or not re.fullmatch(r"\d[\du-]{3}", value):
        return None
    value = value.replace("-", "u")
    if "u" in value.rstrip("u"):  # "1u9u": a digit after an unknown one means nothing
        return None
    low, high = int(value.replace("u", "0")), int(value.replace("u", "9"))
    if 2400 <= low and high <= 2699:
        return low - 543, high - 543, "buddhist"
    if high == 9999 and low == 9999:
        return None
    return low, high, "gregorian"


# ------------------------------------------------------------------------------------------------------------
# Parsing


@dataclass(slots=True)
class _Found:
    year_from: int
    year_to: int
    era: str | None
    calendar: str
    span: tuple[int, int]


@lru_cache(maxsize=65536)
def _parse_cached(raw: str, hints: frozenset[str]) -> DateRange | None:
    return _parse(raw, hints)


def _parse(raw: str, hints: frozenset[str]) -> DateRange | None:
    text = _normalize(raw).strip()
    if not text:
        return None
    if plain := _PLAIN_YEAR.fullmatch(text):  # fast path: "1998", "c1998.", "[1998?]"
        year = int(plain.group(1))
        if 1000 <= year <= 2100:
            return DateRange(year, year, None, "gregorian")
    if (short := _SHORT_YEARS.fullmatch(text)) and _has_short_year(short):
        a, b = int(short["a"]), int(short["b"]) if short["b"] else None
        if b is None or b >= a:
            return DateRange(a, a if b is None else b, None, "gregorian")
    if _KANA.search(text):
        hints |= {"JP"}
    if _HANGUL.search(text):
        hints |= {"KR"}
    if _THAI.search(text):
        hints |= {"TH"}
    era = _find_special(text) or _find_han_era(text, hints) or _find_roman_era(text, hints)
    masked = text
    if era is not None:
        start, end = era.span
        masked = text[:start] + " " * (end - start) + text[end:]
    gregorian = _find_gregorian(masked, hints)
    if era is not None and gregorian is not None and gregorian.calendar == "gregorian":
        return DateRange(gregorian.year_from, gregorian.year_to, era.era, era.calendar)
    found = era or gregorian
    return DateRange(found.year_from, found.year_to, found.era, found.calendar) if found else None


def _has_short_year(match: re.Match[str]) -> bool:
    return any(v and (v.startswith("-") or len(v) < 4) for v in (match["a"], match["b"]))


def _find_special(text: str) -> _Found | None:
    """Buddhist Era, Dangi and Juche years, which carry their own marker."""
    for m in _SPECIAL.finditer(text):
        kind = _outer_group(m)
        if kind in ("be", "be_after"):
            year, calendar = int(m["be_n"] or m["be_n2"]) - 543, "buddhist"
        elif kind == "dangi":
            number = kanji_number(m["dangi_n"])
            if number is None:
                continue
            year, calendar = number - 2333, "dangi"
        else:
            number = kanji_number(m["juche_n"])
            if not number:
                continue
            year, calendar = number + 1911, "juche"
        return _Found(year, year, m.group().strip(), calendar, m.span())
    return None


def _outer_group(m: re.Match[str]) -> str:
    return next(name for name in ("be", "be_after", "dangi", "juche") if m[name])


def _find_han_era(text: str, hints: frozenset[str]) -> _Found | None:
    tables = _tables()
    for run in _HAN_RUN.finditer(text):
        word, offset = run.group(), run.start()
        for i in range(len(word) - 1):
            for length in range(min(tables.max_han_len, len(word) - i), 1, -1):
                candidates = tables.by_han.get(word[i : i + length])
                if candidates:
                    found = _read_han_era(text, offset + i, offset + i + length, candidates, hints)
                    if found is not None:
                        return found
    for m in _ABBREVIATED_ERA.finditer(text):
        candidates = tables.by_han[_ABBREVIATED[m["era"]]]
        era = _choose(candidates, int(m["num"]), hints)
        if era is not None:
            year = era.year(int(m["num"]))
            return _Found(year, year, m.group().strip(), era.calendar, m.span())
    return None


def _read_han_era(
    text: str, start: int, end: int, candidates: tuple[tuple[Era, bool], ...], hints: frozenset[str]
) -> _Found | None:
    surface_is_hangul = bool(_HANGUL.match(text, start))
    usable = tuple(
        (e, native) for e, native in candidates if not e.regnal or "KR" in hints or surface_is_hangul
    )
    tail = _ERA_TAIL.match(text, end)
    if tail and tail["num"]:
        number = kanji_number(tail["num"])
        era = _choose(usable, number, hints) if number else None
        if era is None:
            return None
        year_from = year_to = era.year(number)  # type: ignore[arg-type]
        tail_end = tail.end()
        if tail["num2"] and (number2 := kanji_number(tail["num2"])):
            era2 = era
            if tail["era2"]:
                era2 = _choose(_tables().by_han.get(tail["era2"], ()), number2, hints)
            if era2 is not None and era2.year(number2) >= year_from:
                year_to = era2.year(number2)
            else:
                tail_end = tail.end("num")
        return _Found(year_from, year_to, text[start:tail_end].strip(), era.calendar, (start, tail_end))
    if tail and tail["gz"]:
        era = _choose(usable, None, hints)
        year = _ganzhi_year(era, tail["gz"]) if era else None
        if era is None or year is None:
            return None
        return _Found(year, year, text[start : tail.end()].strip(), era.calendar, (start, tail.end()))
    if _BARE_SUFFIX.match(text, end):
        eras = tuple((e, native) for e, native in usable if not e.regnal and e.end is not None)
        era = _choose(eras, None, hints)
        if era is not None and era.end is not None:
            return _Found(era.start, era.end, text[start:end], era.calendar, (start, end))
    return None


def _ganzhi_year(era: Era, ganzhi: str) -> int | None:
    stem, branch = _STEMS.index(ganzhi[0]), _BRANCHES.index(ganzhi[1])
    last = era.end if era.end is not None else era.start + 120
    for year in range(era.start, last + 1):
        if (year - 4) % 10 == stem and (year - 4) % 12 == branch:  # 4 CE was a 甲子 year
            return year
    return None


def _choose(candidates: Iterable[tuple[Era, bool]], number: int | None, hints: frozenset[str]) -> Era | None:
    """Best era for a name: one whose length admits the year number, in the hinted country, written in its own
    form (正德 is Chinese, 正徳 Japanese), and otherwise the most recent (modern imprints dominate catalogues).
    Korean eras sharing a name with another country's (民國) need a Korean hint."""
    best, best_rank = None, None
    for era, native in candidates:
        if number is not None and era.end is not None and number > era.end - era.start + 21:
            continue  # a year number far past the era's end is not this era
        fits = number is None or era.end is None or era.year(number) <= era.end + 1
        # Korean eras sharing a name (民國) win only with a Korean hint: unhinted, 民國 is the Republic of China
        korean_unhinted = era.country == "KR" and "KR" not in hints
        rank = (fits, era.country in hints, not korean_unhinted, native, era.start)
        if best_rank is None or rank > best_rank:
            best, best_rank = era, rank
    return best


def _find_roman_era(text: str, hints: frozenset[str]) -> _Found | None:
    tables = _tables()
    words = list(_LATIN_WORD.finditer(text))
    for i, first in enumerate(words):
        for count in range(min(tables.max_roman_words, len(words) - i), 0, -1):
            last = words[i + count - 1]
            if count > 1 and not re.fullmatch(r"[\s\-'’]*", text[first.end() : words[i + 1].start()]):
                continue
            key = _roman_key(text[first.start() : last.end()])
            candidates = tables.by_roman.get(key)
            if not candidates:
                continue
            tail = _ROMAN_TAIL.match(text, last.end())
            if not tail:
                continue
            usable = [(e, True) for e in candidates if not e.regnal or "KR" in hints]
            if tail["bare"]:
                era = _choose([(e, n) for e, n in usable if e.end is not None], None, hints)
                if era is not None and era.end is not None:
                    return _Found(
                        era.start,
                        era.end,
                        text[first.start() : tail.end()],
                        era.calendar,
                        (first.start(), tail.end()),
                    )
                continue
            raw = tail["num"].lower()
            number = int(raw) if raw.isdigit() else 1  # gannen, yuan nian: the first year
            era = _choose(usable, number, hints) if number else None
            if era is None:
                continue
            year_from = year_to = era.year(number)
            if tail["num2"] and era.year(int(tail["num2"])) >= year_from:
                year_to = era.year(int(tail["num2"]))
            span = (first.start(), tail.end())
            return _Found(year_from, year_to, text[span[0] : span[1]].strip(" ,."), era.calendar, span)
    return None


def _find_gregorian(text: str, hints: frozenset[str]) -> _Found | None:
    if corrected := _I_E.search(text):  # "1971 [i.e. 1972]": the correction is the date
        year = int(corrected["y"])
        return _Found(year, year, None, "gregorian", corrected.span())
    for m in _GREGORIAN.finditer(text):
        found = _read_gregorian(m, hints)
        if found is not None:
            return found
    return None


def _read_gregorian(m: re.Match[str], hints: frozenset[str]) -> _Found | None:
    if m["cent"]:
        century = int(m["c"] or m["c_cjk"])  # "19th cent." or 19세기 / 19世紀 / 19世纪
        if century == 0:
            return None
        if m["bc"]:  # 2nd century BCE = 200–101 BCE
            return _Found(-century * 100, -(century - 1) * 100 - 1, None, "gregorian", m.span())
        return _Found((century - 1) * 100, (century - 1) * 100 + 99, None, "gregorian", m.span())
    if m["range"]:
        low, high_text = int(m["r1"]), m["r2"]
        high = int(high_text) if len(high_text) == 4 else low // 100 * 100 + int(high_text)
        if len(high_text) == 2 and int(high_text) <= 12:  # "1998-03" is March 1998, not 1998–2003
            high = low
        high = max(high, low)
        return _year_range(low, high, m.span(), hints)
    if m["open"]:
        return _year_range(int(m["o1"]), OPEN_END, m.span(), hints)
    if m["ymd"]:
        return _year_range(int(m["y8"]), int(m["y8"]), m.span(), hints)
    if m["century"]:
        base = int(m["cc"]) * 100
        return _Found(base, base + 99, None, "gregorian", m.span()) if base >= 100 else None
    if m["decade"]:
        base = int(m["dd"]) * 10
        return _Found(base, base + 9, None, "gregorian", m.span()) if base >= 1000 else None
    if m["year"]:
        year = int(m["y"])
        return _year_range(year, year, m.span(), hints)
    return None


def _year_range(low: int, high: int, span: tuple[int, int], hints: frozenset[str]) -> _Found | None:
    """A bare four-digit number as a year: Gregorian 1000–2100, Buddhist Era 2400–2699 (no Gregorian imprint
    is that late), Dangi 4200–4399 when the hints say Korean."""
    if 1000 <= low <= 2100:
        return _Found(low, high, None, "gregorian", span)
    if 2400 <= low <= 2699 and (high == OPEN_END or high <= 2699):
        end = high if high == OPEN_END else high - 543
        return _Found(low - 543, end, str(low) if high == low else f"{low}-{high}", "buddhist", span)
    if 4200 <= low <= 4399 and "KR" in hints and (high == OPEN_END or high <= 4399):
        end = high if high == OPEN_END else high - 2333
        return _Found(low - 2333, end, str(low) if high == low else f"{low}-{high}", "dangi", span)
    return None
