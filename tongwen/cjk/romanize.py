"""Romanized forms of CJK text, and one match key for any romanization of it.

    >>> roman_key("Hong lou meng") == roman_key("Honglou meng") == roman_key("HONG-LOU-MENG")
    True
    >>> roman_key("Ch'unhyang chŏn") == roman_key("Chunhyangjeon")
    True
    >>> roman_key("Tōkyō") == roman_key("Toukyou") == roman_key("Tokyo")
    True
    >>> romanizations("춘향전")
    ['chunhyangjeon', "ch'unhyangjŏn"]

The key (`roman_key`) erases what differs between systems and cataloguers but not between words:

- case, spaces, hyphens, apostrophes and all punctuation (so word division and MR's aspiration marks vanish);
- diacritics: ō ô → o, ŏ → o, ŭ → u, ü → u, é → e;
- yi → i (ALA-LC writes the surname 이 "Yi"; pinyin never has a bare i, so nothing else merges);
- vowel spellings: RR eo / MR ŏ → o, RR eu / MR ŭ → u, Japanese long vowels ou oo ō → o, any doubled vowel;
- voicing and aspiration pairs that RR and MR spell differently: g/k (not in "ng"), d/t, b/p, j/ch (RR 전 jeon and ALA-LC
  word-initial chŏn both become "chon"); m before b/p/m → n (shimbun / shinbun, Sanrom myōkyō).

It is deliberately loose: pinyin ji/chi or Japanese genji/kenchi share a key. It is a recall key for the
romanized search field, where every token must match; the full-text field keeps exact spellings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tongwen.cjk.chinese import arabic_ordinals, pinyin, pinyin_alternate
from tongwen.cjk.japanese import hepburn, hepburn_forms
from tongwen.cjk.korean import (
    hanja_to_hangul,
    initial_sound_fold,
    is_hangul_syllable,
    other_spellings,
    romanize_mr,
    romanize_mr_by_syllable,
    romanize_rr,
)
from tongwen.cjk.scripts import detect_script as _detect_script
from tongwen.cjk.text import clean

# The script of a string is asked for by romanization and, for the same titles and names, by the index's
# document builder (`tongwen.index.documents`): one cache for both.
detect_script = lru_cache(maxsize=65536)(_detect_script)

# Letters NFKD does not decompose.
_SPECIAL_LETTERS = str.maketrans(
    {"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ʻ": "", "ʼ": "", "ʹ": ""}
)
_NOT_KEY = re.compile(r"[\W_]+")  # everything but letters and digits (after combining marks are gone)
_COMBINING = re.compile(r"[\u0300-\u036f]")
_VOWEL_SPELLINGS = re.compile(r"eo|eu|ou|([aeiou])\1+")
_VOICED = str.maketrans({"d": "t", "b": "p"})
_G_NOT_IN_NG = re.compile(r"(?<!n)g")  # "ng" stays: it is a sound of its own, and RR/MR agree on it


_DIGRAPH_VOWELS = {"eo": "o", "eu": "u", "ou": "o"}


def _vowel(match: re.Match[str]) -> str:
    text = match.group(0)
    return _DIGRAPH_VOWELS.get(text, text[0])


@lru_cache(maxsize=65536)
def roman_key(latin: str) -> str:
    """Match key of a romanized string: lower case, no spaces or punctuation, diacritics and the spelling
    differences between romanization systems erased (see the module docstring).

    >>> roman_key("Genji monogatari")
    'kenchimonokatari'
    >>> roman_key("Kungnip Chungang Tosŏgwan") == roman_key("gungnip jungang doseogwan")
    True
    >>> roman_key("Shimbun") == roman_key("shinbun"), roman_key("Xi'an") == roman_key("Xian")
    (True, True)
    """
    if latin.isascii():  # (most forms: pinyin, RR, Hepburn) no special letters, nothing to decompose
        s = _NOT_KEY.sub("", latin.lower()).replace("yi", "i")
    else:
        s = unicodedata.normalize("NFKD", latin.casefold().translate(_SPECIAL_LETTERS))
        s = _NOT_KEY.sub("", _COMBINING.sub("", s)).replace("yi", "i")  # ALA-LC surname 이 "Yi"; pinyin yi/i
    s = _VOWEL_SPELLINGS.sub(_vowel, _VOWEL_SPELLINGS.sub(_vowel, s))  # twice: seoul → soul → sol
    s = _G_NOT_IN_NG.sub("k", s.translate(_VOICED)).replace("j", "ch")
    return s.replace("mp", "np").replace("mm", "nm")


def roman_grams(key: str) -> list[str]:
    """The tokens of a roman key: its overlapping character trigrams (the key itself when shorter).
    Any key that is a substring of another has a subset of its grams, whatever the word division was.

    >>> roman_grams("honglomeng")
    ['hon', 'ong', 'ngl', 'glo', 'lom', 'ome', 'men', 'eng']
    >>> roman_grams("an")
    ['an']
    """
    if len(key) <= 3:
        return [key] if key else []
    return [key[i : i + 3] for i in range(len(key) - 2)]


# Korean personal names have two to four syllables (남궁 민수): only text this short gets the syllable-by-syllable
# form, which longer titles and corporate names never take and which would only lengthen their romanized field.
NAME_SYLLABLES = 4


def _korean(s: str, spellings: bool = False) -> list[str]:
    hangul = hanja_to_hangul(s)
    forms = [romanize_rr(hangul), romanize_mr(hangul)]
    if spellings:  # how else a catalogue romanizes it: North Korean word starts, names syllable by syllable
        forms.extend(romanize_mr(other) for other in other_spellings(hangul))
        if hangul != s:
            # Hanja run together hide their word starts, where the cataloguer applies the initial-sound law
            # (韓國歷史 Han'guk yŏksa, 新女性 Sin yŏsŏng): the reading with the law at every syllable.
            folded = initial_sound_fold(hangul)
            if folded != hangul:
                forms.append(romanize_mr(folded))
        if sum(map(is_hangul_syllable, hangul)) <= NAME_SYLLABLES:
            forms.append(romanize_mr_by_syllable(hangul))
    return forms


def romanizations(
    s: str, lang: str | None = None, *, guess_hepburn: bool = True, spellings: bool = False
) -> list[str]:
    """Every romanized form of `s` that a searcher might type, lower case. `lang` is an ISO 639-2 hint.

    - kana present → Japanese (Hepburn); hangul present → Korean (RR and MR, hanja read as hangul);
    - only Han: ``chi`` → pinyin, ``jpn`` → Hepburn then pinyin, ``kor`` → RR + MR then pinyin (classical
      texts are catalogued in pinyin whatever their country); another language → pinyin, RR and MR (Han in
      an English or Vietnamese record is Chinese or Korean far more often than Japanese); no language → all
      four, since a bare ideograph string may be read in any of them (the document side can afford extra
      forms; queries use `tongwen.cjk.analysis.query_roman_tokens`, which keeps the forms apart);
    - no CJK at all → the text itself (it is already Latin), or nothing when empty.

    ``guess_hepburn=False`` leaves out pykakasi's Hepburn of kanji, for text whose catalogue reading is at
    hand (the reading is romanized instead, and is right where pykakasi guesses).

    ``spellings=True`` (for a record's text, not a query) adds the Korean forms other catalogues write: the
    MR of the North Korean or South Korean word starts (`tongwen.cjk.korean.other_spellings`: 노동 is also
    Rodong, 리승만 also Yi Sŭng-man) and MR syllable by syllable, as ALA-LC writes given names (박노해 Pak
    No-hae). A query needs only one form; a record carries them all.

    >>> romanizations("红楼梦", "chi")
    ['hong lou meng']
    >>> romanizations("げんじものがたり")  # and the devoiced form rendaku cannot split (japanese.hepburn_forms)
    ['genjimonogatari', 'kenshimonokatari']
    >>> romanizations("春香傳", "kor")
    ['chunhyangjeon', "ch'unhyangjŏn", 'chun xiang chuan']
    >>> romanizations("Genji monogatari")
    ['Genji monogatari']
    """
    text = clean(s)
    if not text:
        return []
    script = detect_script(text)  # Jpan, Kore or Hani exactly when some character is kana, hangul or Han
    if script not in ("Jpan", "Kore", "Hani"):
        return [text]
    language = (lang or "").lower()[:3]
    if not guess_hepburn and (script == "Jpan" or language == "jpn"):
        forms = [pinyin(text)] if script == "Hani" else []
    elif script == "Jpan":
        forms = hepburn_forms(text)
    elif script == "Kore":
        forms = _korean(text, spellings)
    elif language in ("chi", "zho"):
        forms = [pinyin(text)]
    elif language == "jpn":  # Han only: kanbun and Buddhist titles are catalogued in pinyin too (Kanripo)
        forms = [*hepburn_forms(text), pinyin(text), pinyin_alternate(text)]
    elif language == "kor":
        forms = [*_korean(text, spellings), pinyin(text)]
    elif language:  # Han text in an English, Vietnamese… record: Chinese or Korean names far more than Japanese
        forms = [pinyin(text), *_korean(text)]  # (and pykakasi, the slowest reader, is kept for Japanese)
    else:
        forms = [pinyin(text), hepburn(text), *_korean(text)]
    if spellings and "第" in text:  # ALA-LC writes the numbers of 第五辑 in Arabic numerals: di 5 ji, dai 5-kan
        arabic = arabic_ordinals(text)
        if arabic != text:
            japanese = script == "Jpan" or language == "jpn"
            forms.append(hepburn(arabic) if japanese and guess_hepburn else pinyin(arabic))
    return list(dict.fromkeys(form for form in forms if form))
