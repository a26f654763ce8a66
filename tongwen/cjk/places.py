"""Place names as catalogues transcribe them (MARC 260/264 $a, 651 $a, DC-NDL publisher locations), cleaned into
names a gazetteer can look up, and lookup keys that are the same across scripts and spellings.

    >>> place_names("London ; New York")
    [('London',), ('New York',)]
    >>> place_names("東武 [江戶]"), place_names("[Tokyo] :"), place_names("長泉町 (静岡県)")
    ([('東武', '江戶')], [('Tokyo',)], [('長泉町 (静岡県)', '長泉町')])
    >>> place_names("Cambridge, Mass."), place_names("[S.l.]"), place_names("$1&apos;T+!4I!&lt;D(B")
    ([('Cambridge, Mass',)], [], [])
    >>> split_qualifier("Harlow, Essex, England")
    ('Harlow', ['Essex', 'England'])
    >>> place_keys("東京") == place_keys("东京")
    True
    >>> place_keys("Tōkyō")[0] == place_keys("Tokyo")[0] == place_keys("トウキョウ")[-1]
    True
    >>> place_keys("서울특별시")
    ['서울특별시', '서울']

Keys: Han, kana and hangul text is search-folded (`tongwen.cjk.text.fold`: width, katakana → hiragana) and
variant-folded (`tongwen.cjk.variants.fold_variants`: 東京 / 东京, 江戶 / 江戸 one key); Latin text becomes its
`tongwen.cjk.romanize.roman_key`, which erases diacritics and the spelling differences between romanization
systems (Tōkyō / Tokyo / Toukyou, Sŏul / Seoul, P'aju / Paju). Kana also gets the roman key of its Hepburn
reading, and Han in a Korean record the hangul of its Sino-Korean reading (京城 → 경성), since gazetteers give
those forms. An administrative suffix (東京都, 台北市, 서울특별시, Sŏul-si, Taibei shi) gives a second key without
it; the full form is always tried first (京都 is Kyoto, not 京).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from tongwen.cjk.japanese import hepburn
from tongwen.cjk.korean import hanja_to_hangul
from tongwen.cjk.romanize import roman_key
from tongwen.cjk.scripts import detect_script
from tongwen.cjk.text import clean, fold
from tongwen.cjk.variants import fold_variants

# What cataloguers write when the place is unknown (compared without dots and spaces): never a place.
UNKNOWN_PLACES = frozenset({
    "sl", "sineloco", "np", "sn", "oo", "lieunonidentifié", "lieuinconnu", "placeofpublicationnotidentified",
    "出版地不明", "出版地不詳", "出版地不详", "발행지불명",
})
_SEPARATORS = re.compile(r"\s*[;；]\s*")
_STRAY_SUBFIELD = re.compile(r"^a\s+(?=\[)")  # a subfield code run into the text: "a [Franklin, Tenn.]"
_SUPPLIED = re.compile(r"^(?P<outer>[^\[\]]+?)\s*\[(?P<inner>[^\[\]]+)\]\s*$")  # "東武 [江戶]", "Oxford [England]"
_PARENTHESES = re.compile(r"\s*[(（][^()（）]*[)）]")  # qualifiers and addresses: "(静岡県)", "(18 Grosvenor St.)"
_BRACKETS = re.compile(r"[\[\]<>〔〕［］?？]")
_TRAILING = re.compile(r"[\s:：/,.，、]+$")
_ETC = re.compile(r"\s*(?:\betc\.?|等)\s*$", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*[,，、]\s*")
_NOT_IN_NAMES = re.compile(r"[$!&+=@#%*^~|\\\d\ufffd]")  # undecoded MARC-8 ("$1!4I!0a(B"), addresses, dates
_HAS_LETTER = re.compile(r"[^\W\d_]")
_CJK_SUFFIXES = ("特別市", "特别市", "特別區", "直轄市", "市", "都", "府", "縣", "县", "県", "區", "区", "町", "村")
_HANGUL_SUFFIXES = ("특별시", "광역시", "직할시", "시", "군", "구")
_LATIN_SUFFIX = re.compile(
    r"[\s-](?:shi|si|to|fu|ken|xian|hsien|gun|gu|t'ŭkpyŏlsi|teukbyeolsi|kwangyŏksi|gwangyeoksi)$", re.IGNORECASE
)


def place_names(transcribed: str | None) -> list[tuple[str, ...]]:
    """The places in one transcribed place statement, one per ``;``-separated part, each as its names to try
    in order: the name as transcribed, then a cataloguer's bracketed addition ("東武 [江戶]": the modern name;
    "Oxford [England]": a qualifier). A comma qualifier stays ("Cambridge, Mass": see `split_qualifier`); a
    parenthesised one gives the name with it, then without ("Korea (North)", "Korea"). Brackets, ISBD
    punctuation and "etc." go; unknown-place statements ("[S.l.]")
    and numbers (a date in the wrong subfield) give nothing."""
    places: list[tuple[str, ...]] = []
    # Entities left escaped by a converter ("Freeman&apos;s") would be split at their ";".
    for part in _SEPARATORS.split(_STRAY_SUBFIELD.sub("", html.unescape(clean(transcribed or "")))):
        supplied = _SUPPLIED.match(part)
        names: list[str] = []
        for candidate in (supplied["outer"], supplied["inner"]) if supplied else (part,):
            # With its parenthesised qualifier first ("Korea (North)" is not Korea), then without.
            for name in (candidate, _PARENTHESES.sub("", candidate)):
                name = _TRAILING.sub("", _ETC.sub("", _BRACKETS.sub("", name))).strip()
                if (_HAS_LETTER.search(name) and not _NOT_IN_NAMES.search(name)
                        and re.sub(r"[\s.]", "", name.lower()) not in UNKNOWN_PLACES):
                    names.append(name)
        names = list(dict.fromkeys(names))
        if names and tuple(names) not in places:
            places.append(tuple(names))
    return places


def place_key(name: str) -> str:
    """The one key a gazetteer files a name under: the first of `place_keys`, without the readings (cheap
    enough for the hundreds of thousands of names a gazetteer has)."""
    if name.isascii():  # most gazetteer names: no cleaning or script detection needed
        return roman_key(name)
    text = clean(name)
    if not text:
        return ""
    if detect_script(text) in ("Hani", "Jpan", "Kore", "Hang"):
        return fold_variants(fold(text))
    return roman_key(text)


def split_qualifier(name: str) -> tuple[str, list[str]]:
    """A name and the qualifiers after its commas: ("Cambridge", ["Mass"]) for "Cambridge, Mass"."""
    head, *qualifiers = (part.strip() for part in _QUALIFIER.split(name))
    return head, [qualifier for qualifier in qualifiers if qualifier]


@lru_cache(maxsize=16384)
def place_keys(name: str, lang: str | None = None) -> list[str]:
    """Lookup keys for one place name, most exact first (see the module docstring). ``lang`` is the record's
    ISO 639-2 language: in a Korean record, Han is also read in hangul."""
    text = clean(name)
    if not text:
        return []
    script = detect_script(text)
    keys: list[str] = [place_key(text)]
    if script in ("Hani", "Jpan", "Kore", "Hang"):
        folded = keys[0]
        keys.extend(_without_suffix(folded, _CJK_SUFFIXES + _HANGUL_SUFFIXES))
        if script == "Hani" and (lang or "")[:3] == "kor":
            hangul = hanja_to_hangul(text)
            keys.extend([hangul, *_without_suffix(hangul, _HANGUL_SUFFIXES)])
        if script == "Jpan" and not re.search(r"[\u4e00-\u9fff]", text):
            keys.append(roman_key(hepburn(text)))  # kana only: its reading is unambiguous
    else:
        bare = _LATIN_SUFFIX.sub("", text)
        if bare != text:
            keys.append(roman_key(bare))
    return [key for i, key in enumerate(keys) if key and key not in keys[:i]]


def _without_suffix(text: str, suffixes: tuple[str, ...]) -> list[str]:
    for suffix in suffixes:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return [text[: -len(suffix)]]
    return []
