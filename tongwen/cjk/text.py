"""Text hygiene for catalogue strings: `clean` (safe for display and search) and `fold` (search only).

>>> clean("\\u200e紅樓夢\\u3000 ✹")
'紅樓夢'
>>> clean("列夫・托尔斯泰")
'列夫·托尔斯泰'
>>> fold("ＡＢＣ　ｶﾞﾝﾀﾞﾑ")
'abc がんだむ'
>>> fold("アトリヱ社")
'あとりえ社'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jaconv

# Invisible controls that sneak in from word processors and RTL-aware editors: bidi marks and embeddings,
# zero-width (non-)joiners and spaces, word joiner, BOM, soft hyphen. They change no letter a reader sees.
_INVISIBLE = dict.fromkeys(
    [
        0x00AD,
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,
        0xFEFF,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
)
# Middle dots: Chinese name separators use U+00B7, Japanese U+30FB, half-width U+FF65, Taiwanese U+2027 and
# U+2219/U+22C5 creep in from fonts. One form (U+00B7) so "列夫·托尔斯泰" and "列夫・托尔斯泰" compare equal.
_MIDDLE_DOTS = {cp: "\u00b7" for cp in (0x30FB, 0xFF65, 0x2027, 0x2219, 0x22C5, 0x0387)}
_CLEAN_TABLE = {**_INVISIBLE, **_MIDDLE_DOTS}

_WHITESPACE = re.compile(r"\s+")  # \s covers U+3000 ideographic space and NBSP


def _is_stray_symbol(ch: str) -> bool:
    """Decorative symbols (✹ ★ ♪ emoji) that catalogues leave at the end of titles. Geometric shapes (□ ▩ ○)
    are kept: they stand for effaced characters in premodern titles."""
    return unicodedata.category(ch) == "So" and not 0x25A0 <= ord(ch) <= 0x25FF


@lru_cache(maxsize=65536)
def clean(s: str) -> str:
    """NFC (CJK compatibility ideographs become unified ones), drop invisible controls, one middle dot,
    collapse whitespace (ideographic spaces included), strip stray trailing symbols.

    >>> clean("\\uf981") == "\\u5973"   # U+F981 (compatibility 女) becomes the unified U+5973
    True
    >>> clean("  源氏\\u200b物語  ★")
    '源氏物語'
    >>> clean("태의비□")
    '태의비□'
    """
    s = unicodedata.normalize("NFC", s).translate(_CLEAN_TABLE)
    s = _WHITESPACE.sub(" ", s).strip()
    while s and _is_stray_symbol(s[-1]):
        s = s[:-1].rstrip()
    return s


# Old kana that modern spelling replaced (ゑ→え, ゐ→い); searchers type the modern forms (アトリエ for アトリヱ).
# Small ゕ/ゖ (from ヵ/ヶ) are read か/け ("霞ヶ関" = "霞ケ関").
_OLD_KANA = str.maketrans({"ゑ": "え", "ゐ": "い", "ゕ": "か", "ゖ": "け"})
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fd\u30fe\u31f0-\u31ff]")


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Search folding: compatibility width forms (NFKC: full-width ASCII → ASCII, half-width kana → full,
    Ⅱ → II), case folding, katakana → hiragana (jaconv), old kana → modern kana.

    >>> fold("Ｔｏｋｙｏ")
    'tokyo'
    >>> fold("三体Ⅱ")
    '三体ii'
    >>> fold("ﾒﾀﾌｭｼｶ") == fold("メタフュシカ") == "めたふゅしか"
    True
    """
    if s.isascii():
        return s.lower()
    s = unicodedata.normalize("NFKC", s).casefold()
    if _KATAKANA.search(s):
        s = jaconv.kata2hira(s)
    s = s.translate(_OLD_KANA)
    # Case folding can produce text that is not NFKC again (rare: e.g. U+0345); normalise once more.
    return unicodedata.normalize("NFKC", s)
