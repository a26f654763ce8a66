"""Browse order: headings filed the way each script's readers file them — Latin A–Z, Chinese by pinyin,
Japanese in gojūon order (by reading: kanji are read), Korean in ganada order (hanja read in hangul).

    >>> [entry.text for entry in sorted((collation_entry(t, "zh-Hans") for t in ["佛教", "哲学", "数学", "历史"]),
    ...                                 key=lambda e: e.key)]
    ['佛教', '历史', '数学', '哲学']
    >>> collation_entry("歴史", "ja").order, collation_entry("歴史", "ja").group, collation_entry("汉语", "ja").group
    ('gojuon', 'ら', 'か')
    >>> collation_entry("한국사", "en").group, collation_entry("韓國史", "ko").group
    ('ㅎ', 'ㅎ')

Headings of ideographs only are ambiguous (佛教 is Chinese, Japanese and Korean), so they are filed as the
reader reads them: by their Japanese reading in the Japanese interface, their hangul reading in the Korean one,
and by pinyin otherwise. Kana headings always file in gojūon order, hangul ones in ganada order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tongwen.cjk.chinese import pinyin
from tongwen.cjk.japanese import reading
from tongwen.cjk.korean import hanja_to_hangul
from tongwen.cjk.scripts import detect_script
from tongwen.cjk.text import clean
from tongwen.cjk.variants import to_traditional

ORDERS = ("latin", "pinyin", "gojuon", "ganada", "other")
_GOJUON_ROWS = ("あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの", "はひふへほ", "まみむめも",
                "やゆよ", "らりるれろ", "わをん")
_ROW_OF = {kana: row[0] for row in _GOJUON_ROWS for kana in row}
_ROW_OF.update({"ぁ": "あ", "ぃ": "あ", "ぅ": "あ", "ぇ": "あ", "ぉ": "あ", "っ": "た", "ゃ": "や", "ゅ": "や",
                "ょ": "や", "ゐ": "わ", "ゑ": "わ", "ゔ": "あ"})
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_PLAIN_INITIAL = {"ㄲ": "ㄱ", "ㄸ": "ㄷ", "ㅃ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ"}  # dictionaries file ㄲ under ㄱ


@dataclass(frozen=True, slots=True)
class CollationEntry:
    text: str
    order: str  # one of ORDERS
    group: str  # the index letter: "A", "H" (pinyin), "か" (gojūon row), "ㄱ" (initial consonant)
    key: tuple  # sorts entries of one order


def _without_marks(text: str) -> str:
    """Diacritics and dakuten removed (they sort after the bare letter, not as other letters)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def collation_entry(text: str, interface: str = "en") -> CollationEntry:
    """Where ``text`` files for readers of the interface language (``en``, ``ja``, ``ko``, ``zh-Hans``...)."""
    cleaned = clean(text)
    script = detect_script(cleaned)
    if script == "Hani":
        script = {"ja": "Jpan", "ko": "Kore"}.get(interface[:2], "Hani")
    if script == "Latn" or script is None and cleaned.isascii():
        bare = _without_marks(cleaned).casefold()
        return CollationEntry(text, "latin", _group_letter(bare), (bare, cleaned))
    if script == "Hani":
        read = _without_marks(pinyin(cleaned)).casefold()
        return CollationEntry(text, "pinyin", _group_letter(read), (read, cleaned))
    if script == "Jpan":
        # Simplified characters are read through their traditional forms, which the reading dictionary has
        # (汉语 → 漢語 → かんご).
        read = reading(to_traditional(cleaned) if detect_script(cleaned) == "Hani" else cleaned)
        bare = _without_marks(read)
        return CollationEntry(text, "gojuon", _ROW_OF.get(bare[:1], "#"), (bare, read, cleaned))
    if script in ("Kore", "Hang"):
        hangul = hanja_to_hangul(cleaned)
        return CollationEntry(text, "ganada", _initial(hangul), (hangul, cleaned))
    return CollationEntry(text, "other", cleaned[:1], (cleaned.casefold(),))


def _group_letter(text: str) -> str:
    first = next((ch for ch in text if ch.isalnum()), "#")
    return first.upper() if first.isalpha() else "#"


def _initial(hangul: str) -> str:
    for ch in hangul:
        if "\uac00" <= ch <= "\ud7a3":
            initial = _INITIALS[(ord(ch) - 0xAC00) // 588]
            return _PLAIN_INITIAL.get(initial, initial)
    return "#"
