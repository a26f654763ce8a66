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


def _indexed_jconv():
    """pykakasi's kanji reader with a faster dictionary lookup and the same answers.

    pykakasi 2.3 (`pykakasi.kanji.JConv.convert`) scans every dictionary word that begins with the kanji
    (thousands for 日 or 大) to find the longest one the text starts with, and caches on the whole rest of the
    text, which never repeats: ~2.5 ms per title, most of indexing time. Trying the text's own prefixes
    longest-first gives the same word and reading (tests/cjk compare it with pykakasi's scan).
    """
    from pykakasi.kanji import JConv

    class IndexedJConv(JConv):
        def __init__(self) -> None:
            super().__init__()
            self._longest: dict[str, int] = {}

        def convert(self, itext: str, btext: str) -> tuple[str, int]:
            text = self._itaiji.convert(itext)
            if len(text) != len(itext):  # variation selectors: pykakasi's own length bookkeeping
                return super().convert(itext, btext)
            table = self._kanwa.load(text[0])
            if table is None:
                return "", 0
            longest = self._longest.get(text[0])
            if longest is None:
                longest = self._longest[text[0]] = max(map(len, table), default=0)
            for length in range(min(longest, len(text)), 0, -1):
                for yomi, context in table.get(text[:length], ()):
                    if context is None or btext in context:
                        return yomi, length
            return "", 0

    return IndexedJConv()


def _hepburn_only_iconv():
    """pykakasi's word output, computing only what `_convert` reads (orig, hira, hepburn): pykakasi also
    spells every word in katakana, Kunrei and Passport romaji, two thirds of its remaining time."""
    from pykakasi.scripts import IConv

    class HepburnOnlyIConv(IConv):
        @lru_cache(maxsize=4096)  # noqa: B019 - one instance per process, kept for its lifetime
        def convert(self, otext: str, hira: str) -> dict[str, str]:
            hira = self._k2h(hira)  # as IConv: make sure hiragana holds no katakana
            return {"orig": otext, "hira": hira, "hepburn": self._s2a(self._h2ah(hira))}

    return HepburnOnlyIConv()


@cache
def _kakasi():
    import pykakasi  # local import: loading its dictionaries takes ~0.3 s, only pay when Japanese is read

    kakasi = pykakasi.Kakasi()
    # pykakasi 2.3 internals, for speed (same readings; tests/cjk check): pin pykakasi>=2.3,<2.4.
    kakasi._jconv = _indexed_jconv()
    kakasi._iconv = _hepburn_only_iconv()
    return kakasi


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


# The particles は へ を are spelled "ha he wo" by pykakasi, but said, transcribed (NDL's ワ エ オ) and romanized
# (ALA-LC "wa e o") as pronounced: 知と情報はいかにして → "jōhō wa", 数学への第一歩 → "sūgaku e no".
_PARTICLES = {"は": "wa", "へ": "e", "を": "o"}


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def hepburn_forms(s: str) -> list[str]:
    """`hepburn`, and when the text has the particle は, へ or を (a hiragana word starting with one, right after
    a kanji or katakana word) a second form with those particles as pronounced. pykakasi cannot tell the
    particle from the syllable (日本はじめて物語 starts a word with は), so both forms are kept.

    >>> hepburn_forms("群論への第一歩")
    ['gunron heno daiippo', 'gunron eno daiippo']
    >>> hepburn_forms("源氏物語")
    ['genjimonogatari']
    """
    words: list[str] = []
    changed = False
    previous = ""
    for orig, _, roman in _convert(s):
        word = roman if roman else orig
        particle = _PARTICLES.get(orig[:1])
        if particle and previous and not _is_hiragana(previous[-1]) and not previous[-1].isspace():
            stem = {"wa": "ha", "e": "he", "o": "wo"}[particle]
            if word.startswith(stem):
                word, changed = particle + word[len(stem) :], True
        words.append(word)
        previous = orig
    plain = hepburn(s)
    if not changed:
        return [plain]
    return [plain, " ".join(" ".join(words).split()).lower()]
