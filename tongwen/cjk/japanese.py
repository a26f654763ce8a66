"""Japanese readings (hiragana) and Hepburn romaji via pykakasi; a catalogue-supplied reading wins.

    >>> reading("源氏物語")
    'げんじものがたり'
    >>> reading("源氏物語", catalogue_reading="ゲンジ モノガタリ")
    'げんじ ものがたり'
    >>> hepburn("国立国会図書館")
    'kokuritsu kokkaitoshokan'

pykakasi is dictionary-based, offline and small; it reads most catalogue titles right but joins words and
guesses names. cutlet + fugashi (UniDic) romanize better but weigh ~260 MB, so they are not used here.
"""

from __future__ import annotations

from functools import cache, lru_cache

from tongwen.cjk.text import fold
from tongwen.cjk.variants import _converter


@cache
def _kakasi():
    import pykakasi  # local import: loading its dictionaries takes ~0.3 s, only pay when Japanese is read

    return pykakasi.kakasi()


@lru_cache(maxsize=65536)
def _convert(s: str) -> tuple[tuple[str, str, str], ...]:
    # pykakasi's dictionary is in shinjitai: old forms (解說, 東京大學) are read only after OpenCC's t2jp.
    modern = _converter("t2jp").convert(s)
    return tuple((item["orig"], item["hira"], item["hepburn"]) for item in _kakasi().convert(modern))


def reading(s: str, catalogue_reading: str | None = None) -> str:
    """Hiragana reading of Japanese text, search-folded (`tongwen.cjk.text.fold`): kanji read by pykakasi,
    katakana turned to hiragana, old kana modernised. A reading the catalogue supplies (e.g. NDL's katakana transcription) beats the guess.

    >>> reading("アトリヱ社")
    'あとりえしゃ'
    >>> reading("1Q84 村上春樹")
    '1q84 むらかみはるき'
    """
    if catalogue_reading:
        return fold(catalogue_reading)
    return fold("".join(hira if hira else orig for orig, hira, _ in _convert(s)))


def hepburn(s: str, catalogue_reading: str | None = None) -> str:
    """Hepburn romaji (pykakasi's, long vowels spelled ou/uu: "toukyou"), lower case, pykakasi's word
    groups separated by one space. With a catalogue reading, that reading is romanized instead.

    >>> hepburn("げんじものがたり")
    'genjimonogatari'
    >>> hepburn("東京", catalogue_reading="トウキョウ")
    'toukyou'
    """
    source = catalogue_reading if catalogue_reading else s
    words = (roman if roman else orig for orig, _, roman in _convert(source))
    return " ".join(" ".join(words).split()).lower()
