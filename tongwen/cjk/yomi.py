"""Catalogued yomi aligned with the text they read: which stretch of a reading belongs to which kanji run.

Catalogues pair a Japanese title or name with its reading: NDL's katakana transcription (DC-NDL
``dcndl:transcription``), a CSV reading column, or the ALA-LC romanization of an 880's partner field (a
romanized reading is a reading too, and word-divided). `align` cuts the reading at the text's anchors — the
kana the text writes itself, its Latin letters and digits — and gives each kanji run between anchors the
stretch of the reading between them:

    >>> align("伊勢の家つと", "いせのいえづと")
    [('伊勢', 'いせ'), ('家', 'いえ')]
    >>> align("新村出, 1876-1967", "Shinmura, Izuru, 1876-1967")
    [('新村出', 'しんむら いずる')]

Anchors are matched as they sound, not as they are spelt: rendaku (つ/づ), the particles は へ を said わ え お,
ぢ/じ and づ/ず, and the prolonged-sound mark for the vowel it lengthens. A pair that cannot be cut in exactly one
way gives nothing — a guessed reading would teach the index a wrong one:

    >>> align("山の上の家", "やまのうえのいえ")
    [('山', 'やま'), ('上', 'うえ'), ('家', 'いえ')]
    >>> align("子の子", "このこのこ") is None   # こ|のこの|こ or この|の|こ? not said
    True
    >>> align("源氏物語", "Tale of Genji") is None   # a translation, not a reading: "tale" is not Hepburn
    True

Readings are hiragana; a romanized reading is first turned into kana (`romaji_to_kana`, strict Hepburn as
ALA-LC writes it: macrons, n', m before b/p). Word spaces of the reading are kept inside a run's reading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tongwen.cjk.text import clean, fold
from tongwen.cjk.variants import _converter

# A kanji run's reading has at least one kana per character and at most this many (承 うけたまわ is 5): a
# stretch outside the bounds is a mis-cut, a translation or a reading of something else.
MAX_KANA_PER_KANJI = 6

_HAN = "\u3005\u3006\u3007\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_KANA_CHAR = re.compile(r"[\u3041-\u3096\u30fc]")  # hiragana (after `fold`) and the prolonged-sound mark ー
_LATIN_CHAR = re.compile(r"[a-z0-9]")
_SEGMENT = re.compile(f"(?P<han>[{_HAN}]+)|(?P<kana>[\u3041-\u3096\u30fc]+)|(?P<latin>[a-z0-9]+)")

# ---------------------------------------------------------------------------------------------- romaji

_VOWELS = "aiueo"
# Hepburn syllables as ALA-LC writes them (a blank: no such syllable, e.g. "si", "ti", "hu" are not Hepburn).
_ROWS = {
    "": "あ い う え お",
    "k": "か き く け こ",
    "g": "が ぎ ぐ げ ご",
    "s": "さ _ す せ そ",
    "z": "ざ _ ず ぜ ぞ",
    "t": "た _ _ て と",
    "d": "だ _ _ で ど",
    "n": "な に ぬ ね の",
    "h": "は ひ _ へ ほ",
    "f": "ふぁ ふぃ ふ ふぇ ふぉ",
    "b": "ば び ぶ べ ぼ",
    "p": "ぱ ぴ ぷ ぺ ぽ",
    "m": "ま み む め も",
    "y": "や _ ゆ _ よ",
    "r": "ら り る れ ろ",
    "w": "わ _ _ _ を",
    "sh": "しゃ し しゅ しぇ しょ",
    "ch": "ちゃ ち ちゅ ちぇ ちょ",
    "j": "じゃ じ じゅ じぇ じょ",
    "ts": "_ _ つ _ _",
    **{c + "y": f"{kana}ゃ _ {kana}ゅ _ {kana}ょ" for c, kana in zip("kgnhbpmr", "きぎにひびぴみり", strict=True)},
}
_SYLLABLES = {
    onset + vowel: kana
    for onset, row in _ROWS.items()
    for vowel, kana in zip(_VOWELS, row.split(), strict=True)
    if kana != "_"
}
_LONG_VOWELS = str.maketrans(
    {"ā": "aa", "ī": "ii", "ū": "uu", "ē": "ee", "ō": "ou", "â": "aa", "î": "ii", "û": "uu", "ê": "ee", "ô": "ou"}
)
_APOSTROPHES = "'’ʼʹ`"
_WORD = re.compile(rf"[a-zāīūēōâîûêô{_APOSTROPHES}]+|[0-9]+")


def _word_to_kana(word: str) -> str | None:
    """One romanized word in kana, or None when it is not Hepburn (an English or a misspelt word)."""
    word = word.translate(_LONG_VOWELS)
    out: list[str] = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch in _APOSTROPHES:  # only after n (n'a: ん + あ, not な)
            if not out or out[-1] != "ん":
                return None
            i += 1
            continue
        following = word[i + 1 : i + 2]
        if ch in "nm" and (not following or following in _APOSTROPHES or following not in _VOWELS + "y"):
            if ch == "m" and following not in ("b", "p", "m", ""):  # old Hepburn: shimbun, Sanrom myōkyō
                return None
            out.append("ん")
            i += 1
            continue
        if ch not in _VOWELS and (following == ch or (ch == "t" and word[i + 1 : i + 3] == "ch")):
            out.append("っ")  # gemination: kk, ss, tt, pp, tch
            i += 1
            continue
        for length in (3, 2, 1):
            kana = _SYLLABLES.get(word[i : i + length])
            if kana:
                out.append(kana)
                i += length
                break
        else:
            return None
    return "".join(out)


@lru_cache(maxsize=16384)
def romaji_to_kana(text: str, keep: frozenset[str] = frozenset()) -> str:
    """A romanized reading in hiragana, word by word; words that are not Hepburn stay as written (lower case),
    punctuation stays. Words in `keep` (Latin the vernacular text writes too) stay Latin.

    >>> romaji_to_kana("Tōkyō Daigaku Shiryō Hensanjo")
    'とうきょう だいがく しりょう へんさんじょ'
    >>> romaji_to_kana("Shin'yōsha"), romaji_to_kana("Shimbun"), romaji_to_kana("Kitte to matcha")
    ('しんようしゃ', 'しんぶん', 'きって と まっちゃ')
    >>> romaji_to_kana("Inside Macintosh : Nihongoban")
    'inside macintosh : にほんごばん'
    """

    def word(match: re.Match[str]) -> str:
        text = match.group(0)
        kana = None if text.isdigit() or text in keep else _word_to_kana(text)
        return kana or text.strip(_APOSTROPHES)

    return " ".join(_WORD.sub(word, unicodedata.normalize("NFC", text).lower()).split())


# ---------------------------------------------------------------------------------------------- alignment

_PARTICLES = str.maketrans({"は": "わ", "へ": "え", "を": "お", "ゐ": "い", "ゑ": "え"})


def _devoiced(ch: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch).replace("\u3099", ""))


@lru_cache(maxsize=4096)
def _sounds(ch: str) -> frozenset[str]:
    """The classes an anchor kana is matched by: the particles は へ を as said, voicing removed (rendaku
    voices the first kana of a word's second part: 家つと いえづと), and じ ず also as ぢ づ (Hepburn and
    NDL write both ji, zu: ヂ is transcribed ジ)."""
    sound = _devoiced(ch.translate(_PARTICLES))
    return frozenset({sound, {"し": "ち", "す": "つ"}[sound]}) if ch in "じず" else frozenset({sound})


def _same(anchor: str, letter: str) -> bool:
    if anchor == letter:
        return True
    if anchor == "ー" or letter == "ー":  # the prolonged-sound mark stands for a vowel (データ, でえた)
        other = letter if anchor == "ー" else anchor
        return other in "あいうえおー"
    return not _sounds(anchor).isdisjoint(_sounds(letter))


def normalised_text(text: str) -> str:
    """The text as alignment and the learned-reading lexicon see it: cleaned, search-folded (katakana as
    hiragana, Latin lower case) and in shinjitai (東京大學 is 東京大学), the form pykakasi reads."""
    return _converter("t2jp").convert(fold(clean(text)))


# Punctuation that divides a title's parts (title : subtitle / responsibility): where a reading has one, the
# text has a separator too, and no kanji run is read across it. Commas, periods, hyphens and middle dots are
# word spaces only (ALA-LC writes "Shinmura, Izuru" for 新村出; NDL drops the ・ of アルベール・カミュ).
_PART_DIVIDERS = frozenset(":;/=()[]{}「」『』【】〔〕《》〈〉")
_LETTER = re.compile(r"[\u3041-\u3096\u30fca-z0-9]")
WEAK, STRONG = 1, 2


@dataclass(slots=True)
class _Reading:
    letters: list[str]  # kana and Latin letters, what anchors and runs consume
    before: list[int]  # for each letter position (and the end): 0, or the boundary before it (WEAK, STRONG)
    positions: list[int]  # each letter's position in `spaced`
    spaced: str  # the reading as kana, one space between words


def _reading(reading: str, latin_words: frozenset[str]) -> _Reading:
    text = fold(clean(reading))
    if re.search("[a-z]", text) and not _KANA_CHAR.search(text):
        text = romaji_to_kana(text, latin_words)
    letters: list[str] = []
    before: list[int] = []
    positions: list[int] = []
    spaced: list[str] = []
    pending = 0
    for ch in text:
        if _LETTER.match(ch):
            if pending and letters:
                spaced.append(" ")
            before.append(pending)
            letters.append(ch)
            positions.append(len(spaced))
            spaced.append(ch)
            pending = 0
        else:
            pending = max(pending, STRONG if ch in _PART_DIVIDERS else WEAK)
    before.append(pending or WEAK)  # the end is a boundary
    if before:
        before[0] = max(before[0], WEAK)  # and so is the start
    return _Reading(letters, before, positions, "".join(spaced))


def _segments(text: str) -> list[tuple[str, str]]:
    """The text's kanji runs, kana runs, Latin/digit runs, and "sep" between them where it has a separator."""
    segments: list[tuple[str, str]] = []
    last = 0
    for match in _SEGMENT.finditer(text):
        if segments and text[last : match.start()].strip(" ") != "" or (segments and match.start() > last):
            segments.append(("sep", text[last : match.start()]))
        segments.append((match.lastgroup or "", match.group(0)))
        last = match.end()
    return segments


def _align(segments: list[tuple[str, str]], reading: _Reading) -> list[tuple[int, int]] | None:
    """For each kanji segment the (start, end) of its letters, when the whole text meets the whole reading in
    exactly one way; else None."""
    letters, before = reading.letters, reading.before
    memo: dict[tuple[int, int], int] = {}

    def ways(i: int, p: int) -> int:  # number of alignments of segments[i:] with letters[p:], capped at 2
        key = (i, p)
        if key in memo:
            return memo[key]
        if i == len(segments):
            count = int(p == len(letters))
        else:
            kind, text = segments[i]
            if kind == "han":
                count = 0
                for end in _run_ends(text, reading, p):
                    count = min(2, count + ways(i + 1, end))
                    if count == 2:
                        break
            elif kind == "sep":  # a separator in the text stands where the reading has a word boundary
                count = ways(i + 1, p) if before[p] else 0
            else:
                end = p + len(text)
                fits = end <= len(letters) and STRONG not in before[p + 1 : end] and all(
                    (_same(a, b) if kind == "kana" else a == b) for a, b in zip(text, letters[p:end])
                )
                count = ways(i + 1, end) if fits else 0
                if count and before[end] == STRONG and i + 1 < len(segments) and segments[i + 1][0] != "sep":
                    count = 0  # a part divider of the reading is not inside the text's words
        memo[key] = count
        return count

    if ways(0, 0) != 1:
        return None
    spans = []
    p = 0
    for i, (kind, text) in enumerate(segments):
        if kind == "han":
            end = next(end for end in _run_ends(text, reading, p) if ways(i + 1, end))
            spans.append((p, end))
            p = end
        elif kind != "sep":
            p += len(text)
    return spans


def _run_ends(run: str, reading: _Reading, start: int) -> range:
    """Where a kanji run's stretch of kana may end: one to MAX_KANA_PER_KANJI kana a character, never past a
    Latin letter (a kanji run is not read in Latin) or a part divider."""
    letters, before = reading.letters, reading.before
    limit = min(len(letters), start + MAX_KANA_PER_KANJI * len(run))
    stop = start
    while stop < limit and _KANA_CHAR.match(letters[stop]) and (stop == start or before[stop] != STRONG):
        stop += 1
    return range(start + len(run), stop + 1)


def align(text: str, reading: str) -> list[tuple[str, str]] | None:
    """The kanji runs of `text` with the stretch of `reading` each one reads (hiragana, word spaces kept),
    when the reading covers the text and can be cut in one way only; None otherwise. The text is compared
    in its `normalised_text` form, and if the plain spelling does not meet the reading, its kana are tried in
    modern spelling (premodern titles write あゆひせう for あゆいしょう). A separator in the text (space,
    punctuation) meets a word boundary of the reading; a part divider of the reading (: / ; =) meets one of the
    text's separators.

    >>> align("脚結抄", "あゆいしょう")
    [('脚結抄', 'あゆいしょう')]
    >>> align("思ひ出の記", "おもいでのき")
    [('思', 'おも'), ('出', 'で'), ('記', 'き')]
    >>> align("日本の茶書", "Nihon no chasho")
    [('日本', 'にほん'), ('茶書', 'ちゃしょ')]
    >>> align("東京 : 吉川弘文館, 昭和30-32", "Tōkyō : Yoshikawa Kōbunkan, Shōwa 30-32")
    [('東京', 'とうきょう'), ('吉川弘文館', 'よしかわ こうぶんかん'), ('昭和', 'しょうわ')]
    """
    from tongwen.cjk.japanese import modern_kana_spelling  # (japanese imports nothing from here)

    plain = normalised_text(text)
    latin_words = frozenset(re.findall("[a-z]+", plain))
    parsed = _reading(reading, latin_words)
    if not parsed.letters:
        return None
    for candidate in dict.fromkeys((plain, normalised_text(modern_kana_spelling(plain)))):
        segments = _segments(candidate)
        if not any(kind == "han" for kind, _ in segments):
            return None
        spans = _align(segments, parsed)
        if spans is not None:
            runs = [text for kind, text in segments if kind == "han"]
            return [
                (run, parsed.spaced[parsed.positions[start] : parsed.positions[end - 1] + 1])
                for run, (start, end) in zip(runs, spans, strict=True)
            ]
    return None
