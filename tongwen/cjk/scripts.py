"""Which script a piece of text is written in (ISO 15924), and the BCP 47 tag a browser needs to draw it.

    >>> detect_script("紅樓夢")
    'Hani'
    >>> detect_script("げんじものがたり")
    'Jpan'
    >>> detect_script("源氏物語 (げんじものがたり)")
    'Jpan'
    >>> detect_script("춘향전")
    'Kore'
    >>> detect_script("Hong lou meng")
    'Latn'
    >>> lang_tag("Hani", "chi", "红楼梦")
    'zh-Hans'
    >>> lang_tag("Latn", "jpn")
    'ja-Latn'

Han alone does not tell Chinese from Japanese or Korean: text that is only ideographs is ``Hani``; any kana
makes it ``Jpan``, any hangul ``Kore``. The record's language decides the rest (`lang_tag`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Code point ranges, checked in order. Kept as ranges (not unicodedata names) because name lookups are slow
# on hot paths and Python's unicodedata has no Script property.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),  # Latin Extended Additional (Vietnamese)
    (0xFF21, 0xFF5A, "Latn"),  # full-width Latin letters
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x052F, "Cyrl"),
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"),
    (0x1000, 0x109F, "Mymr"),
    (0xAA60, 0xAA7F, "Mymr"),
    (0x0F00, 0x0FFF, "Tibt"),
    (0x1780, 0x17FF, "Khmr"),
    (0x1800, 0x18AF, "Mong"),
    (0x19E0, 0x19FF, "Khmr"),
    (0x1100, 0x11FF, "Hang"),
    (0x3130, 0x318F, "Hang"),
    (0xA960, 0xA97F, "Hang"),
    (0xAC00, 0xD7AF, "Hang"),
    (0xD7B0, 0xD7FF, "Hang"),
    (0xFFA0, 0xFFDC, "Hang"),  # half-width hangul
    (0x3040, 0x309F, "Hira"),
    (0x30A0, 0x30FA, "Kana"),  # U+30FB (・) is punctuation shared by all CJK
    (0x30FC, 0x30FF, "Kana"),
    (0x31F0, 0x31FF, "Kana"),
    (0xFF66, 0xFF9F, "Kana"),  # half-width katakana
    (0x3400, 0x4DBF, "Hani"),  # Extension A
    (0x4E00, 0x9FFF, "Hani"),
    (0xF900, 0xFAFF, "Hani"),  # compatibility ideographs
    (0x20000, 0x323AF, "Hani"),  # Extensions B–H
    (0x3005, 0x3007, "Hani"),  # 々 〆 〇
)


# Languages whose Latin-script titles in a catalogue are romanizations (Genji monogatari, Hong lou meng), not
# translations: queries in them already reach the vernacular through romanization keys.
ROMANIZED_TITLE_LANGUAGES = frozenset({"chi", "zho", "jpn", "kor", "vie", "tha", "bur", "mya"})


@lru_cache(maxsize=65536)
def char_script(ch: str) -> str | None:
    """Script of one character, or None for digits, punctuation, spaces and symbols (ISO 'Zyyy')."""
    cp = ord(ch)
    if cp < 0x41:
        return None
    for low, high, script in _RANGES:
        if low <= cp <= high:
            if script == "Latn" and not ch.isalpha():
                return None
            return script
    if unicodedata.category(ch).startswith("L"):
        return "Zzzz"  # a letter of a script we do not name
    return None


def script_runs(text: str) -> list[tuple[str | None, str]]:
    """Split text into runs of one script; neutral characters (spaces, digits, punctuation) join the run
    they stand in.

    >>> script_runs("源氏物語 Genji")
    [('Hani', '源氏物語 '), ('Latn', 'Genji')]
    """
    runs: list[tuple[str | None, str]] = []
    current: str | None = None
    buffer: list[str] = []
    for ch in text:
        script = char_script(ch)
        if script is not None and script != current and buffer and current is not None:
            runs.append((current, "".join(buffer)))
            buffer = []
        if script is not None:
            current = script
        buffer.append(ch)
    if buffer:
        runs.append((current, "".join(buffer)))
    return runs


def detect_script(text: str | None) -> str | None:
    """The ISO 15924 code of the text as a whole; combined codes for CJK writing systems:
    ``Jpan`` (Han + kana, or kana alone), ``Kore`` (hangul, with or without Han), ``Hani`` (Han alone).
    Mixed CJK and Latin counts as the CJK script; otherwise the most frequent script wins."""
    if not text:
        return None
    counts: dict[str, int] = {}
    for ch in text:
        script = char_script(ch)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    if "Hira" in counts or "Kana" in counts:
        return "Jpan"
    if "Hang" in counts:
        return "Kore"
    if "Hani" in counts:
        return "Hani"
    return max(counts, key=counts.__getitem__)


def is_cjk_script(script: str | None) -> bool:
    return script in {"Hani", "Hans", "Hant", "Jpan", "Kore", "Hang", "Hira", "Kana"}


_LANG_BY_639 = {
    "chi": "zh", "zho": "zh", "jpn": "ja", "kor": "ko", "eng": "en", "vie": "vi", "tha": "th",
    "bur": "my", "mya": "my", "khm": "km", "lao": "lo", "may": "ms", "msa": "ms", "ind": "id",
    "fil": "fil", "tgl": "tl", "mon": "mn", "rus": "ru", "fre": "fr", "fra": "fr", "ger": "de",
    "deu": "de", "tam": "ta", "hin": "hi", "ara": "ar", "heb": "he", "spa": "es", "ita": "it", "por": "pt", "lat": "la",
}


def bcp47_language(lang639: str | None) -> str | None:
    """ISO 639-2/3 code -> the two-letter BCP 47 language ('jpn' -> 'ja'), None when we do not know it."""
    return _LANG_BY_639.get((lang639 or "").lower()[:3])


def lang_tag(script: str | None, lang639: str | None = None, text: str | None = None) -> str | None:
    """The BCP 47 tag for a piece of record text so browsers pick the right font: ``ja``, ``ko``,
    ``zh-Hans`` / ``zh-Hant``, and ``<lang>-Latn`` for romanizations of CJK."""
    base = bcp47_language(lang639)
    if script == "Jpan" or script in ("Hira", "Kana"):
        return "ja"
    if script in ("Kore", "Hang"):
        return "ko"
    if script in ("Hani", "Hans", "Hant"):
        if base in ("ja", "ko"):
            return base
        if script in ("Hans", "Hant"):
            return f"zh-{script}"
        return f"zh-{_han_variety(text)}" if text else "zh"
    if script == "Latn":
        if base in ("zh", "ja", "ko"):
            return f"{base}-Latn"
        return base
    return base


def _han_variety(text: str) -> str:
    """'Hans' or 'Hant' for Chinese text, decided by OpenCC: text that simplification changes is traditional."""
    from tongwen.cjk.variants import to_simplified  # local import: OpenCC loads its tables on first use

    return "Hant" if to_simplified(text) != text else "Hans"
