"""Personal and corporate names across scripts: the keys two catalogue headings of one agent share.

    >>> han_name_key("吉田, 一") == han_name_key("吉田一"), han_name_key("沈從文") == han_name_key("沈从文")
    (True, True)
    >>> roman_name_key("Shen, Congwen") == roman_name_key("Shen Congwen") == roman_name_key("Congwen Shen")
    True
    >>> roman_name_key("Yoshida, Hajime") == roman_name_key("YOSHIDA Hajime")
    True
    >>> life_years("1902-1988"), life_years("1892-1956."), life_years("b. 1950"), life_years("fl. 1820")
    ((1902, 1988), (1892, 1956), (1950, None), (None, None))

How headings differ for one person, and what the keys erase:

- Han and kana names: the comma and space ALA-LC and NDL put between family and given name (吉田, 一), variant
  characters (沈從文 / 沈从文), katakana vs hiragana readings (ヨシダ, ハジメ / よしだ はじめ);
- hangul names: spaces (심 종문 / 심종문); hanja in a Korean heading are read as hangul (沈從文 → 심종문);
- romanized names: inverted or not (Shen, Congwen / Shen Congwen / Congwen Shen), case, hyphens and apostrophes
  between syllables (Ch'oe Nam-sŏn / Choe Namson), diacritics and the RR / MR / Hepburn spelling differences
  `roman_key` erases.

What they keep: every character of the name itself — a key never matches a part of a name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tongwen.cjk.korean import hanja_to_hangul
from tongwen.cjk.romanize import roman_key
from tongwen.cjk.text import clean, fold
from tongwen.cjk.variants import fold_variants

_NOT_WORD = re.compile(r"[\W_]+")
_INITIAL = re.compile(r"^\w\.?$")
_YEARS = re.compile(r"(?<!\d)(\d{3,4})\??\s*[-–]\s*(\d{3,4})?(?!\d)")
_BORN = re.compile(r"\b(?:b\.|born|生)\s*(\d{3,4})")
_DIED = re.compile(r"\b(?:d\.|died|没)\s*(\d{3,4})")
# A romanized CJK name shorter than this (in key letters) is shared by too many people to be evidence alone:
# "Wang, Li" (wangli), "Li, Na", "Kim, Ho". Three-syllable names reach it: shenconkwen, yoshitahachime.
DISTINCT_ROMAN_LETTERS = 9
# Two Han characters (王力, 李娜) name thousands of people; three or more (沈從文, 吉田一) far fewer.
DISTINCT_HAN_CHARACTERS = 3


@lru_cache(maxsize=65536)
def han_name_key(name: str) -> str:
    """Han/kana name without punctuation or spaces, variant- and kana-folded."""
    return _NOT_WORD.sub("", fold_variants(fold(clean(name))))


@lru_cache(maxsize=65536)
def hangul_name_key(name: str) -> str:
    """Hangul reading without spaces or punctuation; hanja read as hangul."""
    return _NOT_WORD.sub("", hanja_to_hangul(clean(name)))


def name_parts(name: str) -> tuple[str, str]:
    """(family, given) of a romanized heading: inverted at the first comma, else the first word and the rest.

    >>> name_parts("Shen, Congwen"), name_parts("Lu Xun"), name_parts("Aaker, David A.")
    (('Shen', 'Congwen'), ('Lu', 'Xun'), ('Aaker', 'David A'))
    """
    text = clean(name).strip(" ,.;:")
    if "," in text:
        family, given = text.split(",", 1)
    else:
        family, _, given = text.partition(" ")
    return family.strip(), given.strip(" ,")


@lru_cache(maxsize=65536)
def roman_name_key(name: str) -> str:
    """One key for a romanized name in either order: the smaller of family+given and given+family."""
    family, given = (roman_key(part) for part in name_parts(name))
    if not given:
        return family
    return min(family + given, given + family)


def initials_only(name: str) -> bool:
    """A romanized heading whose given name is only initials ("Aaker, D. A.", "Li, X."): weak evidence.

    >>> initials_only("Aaker, D. A."), initials_only("Aaker, David A."), initials_only("Li, X.")
    (True, False, True)
    """
    _, given = name_parts(name)
    words = given.replace(".", ". ").split()
    return bool(words) and all(_INITIAL.match(word) for word in words)


def is_distinct_roman(key: str) -> bool:
    """Whether a romanized name key is long enough to name one person (see `DISTINCT_ROMAN_LETTERS`)."""
    return len(key) >= DISTINCT_ROMAN_LETTERS


def is_distinct_han(key: str) -> bool:
    return len(key) >= DISTINCT_HAN_CHARACTERS


def life_years(dates: str | None) -> tuple[int | None, int | None]:
    """(birth, death) years from a MARC $d / DC-NDL date string; None where it does not say."""
    if not dates:
        return None, None
    match = _YEARS.search(dates)
    if match and not re.search(r"\b(?:fl|active|flourished)\b", dates[: match.start()], re.IGNORECASE):
        return int(match.group(1)), int(match.group(2)) if match.group(2) else None
    born, died = _BORN.search(dates), _DIED.search(dates)
    return (int(born.group(1)) if born else None), (int(died.group(1)) if died else None)
