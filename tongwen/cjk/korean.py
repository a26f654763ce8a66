"""Korean: hanja → hangul readings, and hangul → Revised Romanization and McCune–Reischauer (ALA-LC).

    >>> hanja_to_hangul("大韓民國")
    '대한민국'
    >>> romanize_rr("국립중앙도서관")
    'gungnipjungangdoseogwan'
    >>> romanize_mr("춘향전")
    "ch'unhyangjŏn"

Why hand-written: the readings come from the `hanja` package's data, shipped as ``data/hanja_hangul.tsv`` (see
``data/build_hanja_table.py``: the package itself pins pyyaml==6.0.1 and drags pytest/coveralls into every
install). For romanization, korean-romanizer skips the sound changes RR requires (국립 → gukrip instead of
gungnip) and no maintained library does ALA-LC McCune–Reischauer, which library catalogues use. Both systems
share one small phonology pass here (liaison, nasalisation, ㄹ-assimilation, ㅎ-aspiration, palatalisation),
then differ only in letters: MR voices ㄱ ㄷ ㅂ ㅈ between voiced sounds and marks aspiration with an apostrophe.
Word division is taken from spaces only; MR as catalogued depends on word division ("Ch'unhyang chŏn"), which
`tongwen.cjk.romanize.roman_key` makes irrelevant for matching.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources
from itertools import pairwise

_SBASE, _SCOUNT = 0xAC00, 11172
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_FINALS = (
    "",
    "ㄱ",
    "ㄲ",
    "ㄳ",
    "ㄴ",
    "ㄵ",
    "ㄶ",
    "ㄷ",
    "ㄹ",
    "ㄺ",
    "ㄻ",
    "ㄼ",
    "ㄽ",
    "ㄾ",
    "ㄿ",
    "ㅀ",
    "ㅁ",
    "ㅂ",
    "ㅄ",
    "ㅅ",
    "ㅆ",
    "ㅇ",
    "ㅈ",
    "ㅊ",
    "ㅋ",
    "ㅌ",
    "ㅍ",
    "ㅎ",
)
_VOWELS_RR = (
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
)
_VOWELS_MR = (
    "a",
    "ae",
    "ya",
    "yae",
    "ŏ",
    "e",
    "yŏ",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wŏ",
    "we",
    "wi",
    "yu",
    "ŭ",
    "ŭi",
    "i",
)
_V_I, _V_WI = 20, 16


def is_hangul_syllable(ch: str) -> bool:
    return 0 <= ord(ch) - _SBASE < _SCOUNT


# (initial, vowel index, final) of every syllable, by code point - _SBASE: the split is asked for at every
# syllable of every reading and romanization.
_SYLLABLE_PARTS = [
    (_INITIALS[index // 588], (index % 588) // 28, _FINALS[index % 28]) for index in range(_SCOUNT)
]


def _split(ch: str) -> tuple[str, int, str]:
    return _SYLLABLE_PARTS[ord(ch) - _SBASE]


def _join(initial: str, vowel: int, final: str) -> str:
    return chr(_SBASE + _INITIALS.index(initial) * 588 + vowel * 28 + _FINALS.index(final))


# ---------------------------------------------------------------------------------------------------------------
# hanja → hangul


@cache
def _hanja_table() -> dict[str, str]:
    text = resources.files("tongwen.cjk").joinpath("data/hanja_hangul.tsv").read_text(encoding="utf-8")
    return dict(line.split("\t", 1) for line in text.splitlines() if line and not line.startswith("#"))


@cache
def _compound_table() -> dict[str, str]:
    """Compounds whose reading differs from their characters' everyday ones (data/hanja_compound_readings.tsv)."""
    text = resources.files("tongwen.cjk").joinpath("data/hanja_compound_readings.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {row[0]: row[1] for row in rows}


@cache
def _longest_compound() -> int:
    return max(map(len, _compound_table()), default=0)


@cache
def _alternate_table() -> dict[str, tuple[str, ...]]:
    """Other readings of polyphonic hanja (data/hanja_alternate_readings.tsv, from Unihan): 識 → (지,)."""
    text = resources.files("tongwen.cjk").joinpath("data/hanja_alternate_readings.tsv").read_text(encoding="utf-8")
    table: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            hanja, readings, _source = line.split("\t", 2)
            table[hanja] = tuple(dict.fromkeys((*table.get(hanja, ()), *readings.split())))  # built + hand rows
    return table


def _readings(s: str) -> list[str | None]:
    """The reading of each character of `s` (None: not a hanja): compounds first, longest match, then the
    character table."""
    return [choices[0] if choices else None for choices in _reading_choices(s)]


def _reading_choices(s: str, in_compounds: bool = False) -> list[tuple[str, ...]]:
    """Every reading of each character of `s`, the everyday one first (empty: not a hanja). A character read
    inside a compound of data/hanja_compound_readings.tsv has that one reading only — unless ``in_compounds``,
    where its own readings follow (a compound may be two words: 活人 參同 in 擬進活人參同餘議, not 人參 삼)."""
    table, compounds, alternates = _hanja_table(), _compound_table(), _alternate_table()
    choices: list[tuple[str, ...]] = []
    i = 0
    while i < len(s):
        for size in range(min(_longest_compound(), len(s) - i), 1, -1):
            reading = compounds.get(s[i : i + size])
            if reading is not None:
                for ch, syllable in zip(s[i : i + size], reading):
                    own = (table[ch], *alternates.get(ch, ())) if in_compounds and ch in table else ()
                    choices.append(tuple(dict.fromkeys((syllable, *own))))
                i += size
                break
        else:
            reading = table.get(s[i])
            choices.append((reading, *alternates.get(s[i], ())) if reading is not None else ())
            i += 1
    return choices


# The initial-sound law (두음법칙): at the start of a word 녀뇨뉴니 → 여요유이, 랴려례료류리 → 야여예요유이,
# 라래로뢰루르 → 나내노뇌누느. Vowel indices: ㅑ2 ㅕ6 ㅖ7 ㅛ12 ㅠ17 ㅣ20; ㅏ0 ㅐ1 ㅗ8 ㅚ11 ㅜ13 ㅡ18.
_N_TO_SILENT = {6, 12, 17, 20}
_R_TO_SILENT = {2, 6, 7, 12, 17, 20}
_R_TO_N = {0, 1, 8, 11, 13, 18}


def _initial_sound_law(syllable: str) -> str:
    initial, vowel, final = _split(syllable)
    if (initial == "ㄴ" and vowel in _N_TO_SILENT) or (initial == "ㄹ" and vowel in _R_TO_SILENT):
        return _join("ㅇ", vowel, final)
    if initial == "ㄹ" and vowel in _R_TO_N:
        return _join("ㄴ", vowel, final)
    return syllable


def _is_letter(ch: str) -> bool:
    return is_hangul_syllable(ch) or ch in _hanja_table() or ch.isalpha()


@lru_cache(maxsize=65536)
def hanja_to_hangul(s: str) -> str:
    """Hangul reading of every hanja in `s` (other characters kept; compounds whose reading differs from their
    characters', like 簡易 간이 beside 易經 역경, from data/hanja_compound_readings.tsv), with the initial-sound law
    at the start of each word, 렬/률 → 열/율 after a vowel or ㄴ, and 不 → 부 before ㄷ/ㅈ. Callers should NFC first
    (`tongwen.cjk.text.clean`): compatibility ideographs are not in the table.

    >>> hanja_to_hangul("雷公"), hanja_to_hangul("李舜臣"), hanja_to_hangul("羅列")
    ('뇌공', '이순신', '나열')
    >>> hanja_to_hangul("不動産"), hanja_to_hangul("韓國經濟 연구")
    ('부동산', '한국경제 연구')
    """
    return _spell_readings(s, _readings(s))


def _spell_readings(s: str, readings: list[str | None], everyday: bool = True) -> str:
    """`s` with its hanja replaced by `readings` (None: kept), the initial-sound law at word starts, 렬/률 after
    a vowel or ㄴ; ``everyday``: also 不 불 → 부 before ㄷ/ㅈ (an alternative reading keeps the 불 it was given:
    catalogues read 不可不知 불가불지)."""
    table = _hanja_table()
    out: list[str] = []
    for i, (ch, reading) in enumerate(zip(s, readings)):
        if reading is None:
            out.append(ch)
            continue
        previous = out[-1] if out else ""
        if not previous or not _is_letter(previous):
            reading = _initial_sound_law(reading)
        elif reading in ("렬", "률") and is_hangul_syllable(previous) and _split(previous)[2] in ("", "ㄴ"):
            reading = "열" if reading == "렬" else "율"
        if everyday and ch == "不" and reading == "불" and i + 1 < len(s):
            following = table.get(s[i + 1], s[i + 1])
            if is_hangul_syllable(following[0]) and _split(following[0])[0] in ("ㄷ", "ㅈ"):
                reading = "부"
        out.append(reading)
    return "".join(out)


MAX_ALTERNATE_READINGS = 3


@lru_cache(maxsize=65536)
def alternate_hanja_readings(s: str) -> tuple[str, ...]:
    """Other hangul readings of `s` where its hanja are polyphones (data/hanja_alternate_readings.tsv, from
    Unihan's kHangul and kKorean): the n-th reading takes every polyphone's n-th other reading (n up to
    `MAX_ALTERNATE_READINGS`), so a title read one way by one catalogue and another way by another meets
    both. Not a spelling: which reading a title takes depends on the word, and only the compound table knows.

    >>> alternate_hanja_readings("槌法"), alternate_hanja_readings("十劑表")
    (('추법',), ('십자표',))
    >>> alternate_hanja_readings("韓國")
    ()
    """
    choices = _reading_choices(s)
    readings: list[str] = []
    # n = 0: the everyday readings without the 不 → 부 rule (不執 불집 as catalogues also read it).
    for n in range(min(MAX_ALTERNATE_READINGS, max((len(c) - 1 for c in choices), default=0)) + 1):
        picked = [(c[n] if len(c) > n else c[0]) if c else None for c in choices]
        reading = _spell_readings(s, picked, everyday=False)
        if reading not in readings:
            readings.append(reading)
    first = hanja_to_hangul(s)
    return tuple(reading for reading in readings if reading != first)


MAX_READING_COMBINATIONS = 8


@lru_cache(maxsize=8192)
def hanja_reading_combinations(s: str) -> tuple[str, ...]:
    """Every hangul reading of `s` its polyphones allow, the everyday one first, for a hanja query looking
    for a record written in hangul — all combinations while there are at most `MAX_READING_COMBINATIONS`,
    else the everyday reading and `alternate_hanja_readings`.

    >>> hanja_reading_combinations("不可不知")[:3]
    ('불가부지', '불가불지', '부가불지')
    >>> hanja_reading_combinations("韓國")
    ('한국',)
    """
    choices = _reading_choices(s, in_compounds=True)
    total = 1
    for options in choices:
        total *= max(len(options), 1)
    if total > MAX_READING_COMBINATIONS:
        return (hanja_to_hangul(s), *alternate_hanja_readings(s))
    combinations: list[list[str | None]] = [[]]
    for options in choices:
        combinations = [[*done, option] for done in combinations for option in (options or (None,))]
    readings = [hanja_to_hangul(s)]
    readings += [_spell_readings(s, picked, everyday=False) for picked in combinations]
    return tuple(dict.fromkeys(readings))


# Older orthography wrote a y-glide after ㅈ ㅉ ㅊ that modern Korean neither writes nor pronounces (쵸 초, 져 저,
# 쥬 주: 馬經抄集諺解 is 마경쵸집언해 in the 1682 print, 마경초집언해 in the union list): ㅑㅒㅕㅖㅛㅠ → ㅏㅐㅓㅔㅗㅜ.
_PALATAL_GLIDE = {2: 0, 3: 1, 6: 4, 7: 5, 12: 8, 17: 13}


def _drop_palatal_glide(syllable: str) -> str:
    initial, vowel, final = _split(syllable)
    if initial in ("ㅈ", "ㅉ", "ㅊ") and vowel in _PALATAL_GLIDE:
        return _join(initial, _PALATAL_GLIDE[vowel], final)
    return syllable


@cache
def _initial_sound_fold_table() -> dict[int, str]:
    table = {}
    for cp in range(_SBASE, _SBASE + _SCOUNT):
        folded = _drop_palatal_glide(_initial_sound_law(chr(cp)))
        if folded != chr(cp):
            table[cp] = folded
    return table


def initial_sound_fold(s: str) -> str:
    """Apply the initial-sound law to every syllable, wherever it stands: a search key, not a spelling.
    Catalogues apply it at word starts inside compounds (增補雷公 → 증보뇌공) that no space marks, so a
    hanja reading and the hangul text agree only once both are folded this way.

    >>> initial_sound_fold("증보뢰공") == initial_sound_fold("증보뇌공")
    True

    A y-glide after ㅈ ㅉ ㅊ, which older spelling writes and modern Korean does not, is dropped the same way:

    >>> initial_sound_fold("마경쵸집") == initial_sound_fold("마경초집")
    True
    """
    return s.translate(_initial_sound_fold_table())


def initial_sound_fold_table() -> dict[int, str]:
    """The `str.translate` table behind `initial_sound_fold`, for callers that merge it with others."""
    return _initial_sound_fold_table()


# ---------------------------------------------------------------------------------------------------------------
# Phonology shared by RR and MR

# Splitting a final before a vowel (liaison): (stays, moves to the next syllable). ㅎ is silent before a vowel.
_LIAISON = {
    "ㄱ": ("", "ㄱ"),
    "ㄲ": ("", "ㄲ"),
    "ㄴ": ("", "ㄴ"),
    "ㄷ": ("", "ㄷ"),
    "ㄹ": ("", "ㄹ"),
    "ㅁ": ("", "ㅁ"),
    "ㅂ": ("", "ㅂ"),
    "ㅅ": ("", "ㅅ"),
    "ㅆ": ("", "ㅆ"),
    "ㅈ": ("", "ㅈ"),
    "ㅊ": ("", "ㅊ"),
    "ㅋ": ("", "ㅋ"),
    "ㅌ": ("", "ㅌ"),
    "ㅍ": ("", "ㅍ"),
    "ㅎ": ("", ""),
    "ㄳ": ("ㄱ", "ㅅ"),
    "ㄵ": ("ㄴ", "ㅈ"),
    "ㄶ": ("", "ㄴ"),
    "ㄺ": ("ㄹ", "ㄱ"),
    "ㄻ": ("ㄹ", "ㅁ"),
    "ㄼ": ("ㄹ", "ㅂ"),
    "ㄽ": ("ㄹ", "ㅅ"),
    "ㄾ": ("ㄹ", "ㅌ"),
    "ㄿ": ("ㄹ", "ㅍ"),
    "ㅀ": ("", "ㄹ"),
    "ㅄ": ("ㅂ", "ㅅ"),
}
# A final before a consonant is pronounced as one of seven sounds.
_NEUTRAL = {
    "": "",
    "ㄱ": "ㄱ",
    "ㄲ": "ㄱ",
    "ㄳ": "ㄱ",
    "ㄺ": "ㄱ",
    "ㅋ": "ㄱ",
    "ㄴ": "ㄴ",
    "ㄵ": "ㄴ",
    "ㄶ": "ㄴ",
    "ㄷ": "ㄷ",
    "ㅅ": "ㄷ",
    "ㅆ": "ㄷ",
    "ㅈ": "ㄷ",
    "ㅊ": "ㄷ",
    "ㅌ": "ㄷ",
    "ㅎ": "ㄷ",
    "ㄹ": "ㄹ",
    "ㄼ": "ㄹ",
    "ㄽ": "ㄹ",
    "ㄾ": "ㄹ",
    "ㅀ": "ㄹ",
    "ㅁ": "ㅁ",
    "ㄻ": "ㅁ",
    "ㅂ": "ㅂ",
    "ㅍ": "ㅂ",
    "ㅄ": "ㅂ",
    "ㄿ": "ㅂ",
    "ㅇ": "ㅇ",
}
# Nouns ending in ㄺ keep ㄱ before ㄱ as everywhere else (닭고기 [닥꼬기] takkogi, 흙과 hŭkkwa).
_RK_NOUNS = frozenset("닭흙칡삵")
_ASPIRATE = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅈ": "ㅊ", "ㅂ": "ㅍ"}
_NASAL = {"ㄱ": "ㅇ", "ㄷ": "ㄴ", "ㅂ": "ㅁ"}


def _sound_changes(word: str) -> list[list]:
    """[initial, vowel, final] per syllable of one hangul word after the sound changes RR and ALA-LC MR spell;
    finals come out as one of ㄱ ㄴ ㄷ ㄹ ㅁ ㅂ ㅇ or ''."""
    syllables = [list(_split(ch)) for ch in word]
    for current, following in pairwise(syllables):
        final, initial = current[2], following[0]
        if initial == "ㅇ" and final not in ("", "ㅇ"):  # liaison: 같이 → 가티 → 가치 (palatalised)
            stays, moves = _LIAISON[final]
            if moves in ("ㄷ", "ㅌ") and following[1] == _V_I:
                moves = "ㅈ" if moves == "ㄷ" else "ㅊ"
            current[2], following[0] = stays, moves or "ㅇ"
            final, initial = current[2], following[0]
        elif final in ("ㅎ", "ㄶ", "ㅀ") and initial in _ASPIRATE:  # 좋고 → 조코
            current[2], following[0] = {"ㅎ": "", "ㄶ": "ㄴ", "ㅀ": "ㄹ"}[final], _ASPIRATE[initial]
            final, initial = current[2], following[0]
        if final == "ㄺ" and initial == "ㄱ" and _join(*current[:2], "ㄺ") not in _RK_NOUNS:
            final = "ㄹ"  # a verb stem's ㄺ keeps ㄹ before ㄱ: 맑게 [말께] malge, 읽기 [일끼] ilgi
        elif final == "ㄼ" and current[0] == "ㅂ" and current[1] == 0:  # 밟다 [밥따] papta: ㄼ is ㄹ elsewhere
            final = "ㅂ"
        final = _NEUTRAL[final]
        if initial == "ㄹ":
            if final == "ㄴ":  # 신라 → 실라
                final = "ㄹ"
            elif final in ("ㅁ", "ㅇ", "ㄱ", "ㄷ", "ㅂ"):  # 종로 → 종노, 국립 → 국닙 (→ 궁닙 below)
                initial = "ㄴ"
        elif initial == "ㄴ" and final == "ㄹ":  # 설날 → 설랄
            initial = "ㄹ"
        if initial in ("ㄴ", "ㅁ") and final in _NASAL:  # 국닙 → 궁닙, 입니다 → 임니다
            final = _NASAL[final]
        current[2], following[0] = final, initial
    if syllables:
        syllables[-1][2] = _NEUTRAL[syllables[-1][2]]
    return syllables


_HANGUL_WORD = re.compile("[\uac00-\ud7a3]+")


def _romanize(text: str, render_word) -> str:
    """`text` with each run of hangul syllables (a word: the sound changes work inside it) rendered."""
    return _HANGUL_WORD.sub(lambda match: render_word(match.group(0)), text)


# Words recur far more than the titles they make up (한국, 연구, 역사): each is romanized once per system.
@lru_cache(maxsize=65536)
def _rr_word(word: str) -> str:
    return _render_rr(_sound_changes(word))


@lru_cache(maxsize=65536)
def _mr_word(word: str) -> str:
    return _render_mr(_sound_changes(word))


_RR_INITIAL = {
    "ㄱ": "g",
    "ㄲ": "kk",
    "ㄴ": "n",
    "ㄷ": "d",
    "ㄸ": "tt",
    "ㄹ": "r",
    "ㅁ": "m",
    "ㅂ": "b",
    "ㅃ": "pp",
    "ㅅ": "s",
    "ㅆ": "ss",
    "ㅇ": "",
    "ㅈ": "j",
    "ㅉ": "jj",
    "ㅊ": "ch",
    "ㅋ": "k",
    "ㅌ": "t",
    "ㅍ": "p",
    "ㅎ": "h",
}
_FINAL_LETTERS = {"": "", "ㄱ": "k", "ㄴ": "n", "ㄷ": "t", "ㄹ": "l", "ㅁ": "m", "ㅂ": "p", "ㅇ": "ng"}


def _render_rr(syllables: list[list]) -> str:
    out = []
    previous_final = None
    for initial, vowel, final in syllables:
        letters = "l" if initial == "ㄹ" and previous_final == "ㄹ" else _RR_INITIAL[initial]
        out.append(letters + _VOWELS_RR[vowel] + _FINAL_LETTERS[final])
        previous_final = final
    return "".join(out)


@lru_cache(maxsize=65536)
def romanize_rr(hangul: str) -> str:
    """Revised Romanization of Korean (2000), lower case, with the sound changes it spells; non-hangul text is
    kept. Aspiration after ㄱ ㄷ ㅂ before ㅎ is not spelled, as RR prescribes for nouns (묵호 Mukho).

    >>> romanize_rr("춘향전"), romanize_rr("신라"), romanize_rr("종로"), romanize_rr("같이"), romanize_rr("좋고")
    ('chunhyangjeon', 'silla', 'jongno', 'gachi', 'joko')
    >>> romanize_rr("한국 경제 2024")
    'hanguk gyeongje 2024'
    """
    return _romanize(hangul, _rr_word)


_MR_INITIAL = {
    "ㄱ": "k",
    "ㄲ": "kk",
    "ㄴ": "n",
    "ㄷ": "t",
    "ㄸ": "tt",
    "ㄹ": "r",
    "ㅁ": "m",
    "ㅂ": "p",
    "ㅃ": "pp",
    "ㅅ": "s",
    "ㅆ": "ss",
    "ㅇ": "",
    "ㅈ": "ch",
    "ㅉ": "tch",
    "ㅊ": "ch'",
    "ㅋ": "k'",
    "ㅌ": "t'",
    "ㅍ": "p'",
    "ㅎ": "h",
}
_MR_VOICED = {"ㄱ": "g", "ㄷ": "d", "ㅂ": "b", "ㅈ": "j"}


def _render_mr(syllables: list[list]) -> str:
    out = []
    previous_final = None  # None: word start
    for position, (initial, vowel, final) in enumerate(syllables):
        following = syllables[position + 1][0] if position + 1 < len(syllables) else None
        voiced_context = previous_final is not None and previous_final in ("", "ㄴ", "ㄹ", "ㅁ", "ㅇ")
        if initial in _MR_VOICED and voiced_context:
            letters = _MR_VOICED[initial]
            if initial == "ㄱ" and previous_final == "ㄴ":
                letters = "'g"  # ALA-LC separates n'g from ng: 한국 Han'guk
        elif initial == "ㄹ" and previous_final == "ㄹ":
            letters = "l"
        elif initial == "ㅅ" and vowel == _V_WI:
            letters = "sh"  # ALA-LC: 쉬 shwi
        else:
            letters = _MR_INITIAL[initial]
        final_letters = "r" if final == "ㄹ" and following == "ㅎ" else _FINAL_LETTERS[final]  # 철학 ch'ŏrhak
        out.append(letters + _VOWELS_MR[vowel] + final_letters)
        previous_final = final
    return "".join(out)


@lru_cache(maxsize=65536)
def romanize_mr(hangul: str) -> str:
    """McCune–Reischauer as ALA-LC applies it (breves, ASCII apostrophe for aspiration, n'g), lower case;
    ㄱ ㄷ ㅂ ㅈ are voiced (g d b j) inside a word after a vowel or ㄴ ㄹ ㅁ ㅇ.

    >>> romanize_mr("사카이 마사노스케"), romanize_mr("묵자"), romanize_mr("옮김"), romanize_mr("한국")
    ("sak'ai masanosŭk'e", 'mukcha', 'omgim', "han'guk")
    >>> romanize_mr("독립군"), romanize_mr("빌려"), romanize_mr("못했던")
    ('tongnipkun', 'pillyŏ', 'mothaettŏn')
    """
    return _romanize(hangul, _mr_word)


# ---------------------------------------------------------------------------------------------------------------
# Other spellings a catalogue may have used: North Korean usage, syllable-by-syllable names

# The initial-sound law read backwards: the ㄹ a South Korean word-initial syllable may have lost. North Korean
# usage keeps it (로동 Rodong for 노동 Nodong, 리 Ri for 이 Yi, 류 Ryu, 림 Rim, 력사 ryŏksa), and so do catalogues
# of North Korean books; the ㄴ of 녀/뇨/뉴/니 is rarer in names and titles than ㄹ and is not restored.
_SILENT_FROM_R = _R_TO_SILENT
_N_FROM_R = _R_TO_N


def _restore_initial_r(syllable: str) -> str:
    initial, vowel, final = _split(syllable)
    if (initial == "ㅇ" and vowel in _SILENT_FROM_R) or (initial == "ㄴ" and vowel in _N_FROM_R):
        return _join("ㄹ", vowel, final)
    return syllable


def _at_word_starts(hangul: str, change) -> str:
    out = []
    previous = " "
    for ch in hangul:
        out.append(change(ch) if is_hangul_syllable(ch) and not is_hangul_syllable(previous) else ch)
        previous = ch
    return "".join(out)


def south_korean_spelling(hangul: str) -> str:
    """The initial-sound law at every word start (North Korean 로동신문 → 노동신문; South Korean text unchanged).

    >>> south_korean_spelling("로동신문 리설주"), south_korean_spelling("노동신문")
    ('노동신문 이설주', '노동신문')
    """
    return _at_word_starts(hangul, _initial_sound_law)


@lru_cache(maxsize=65536)
def other_spellings(hangul: str) -> tuple[str, ...]:
    """The hangul text as the other Korean orthography writes its word starts: South Korean (the
    initial-sound law applied: 로동신문 → 노동신문, 리승만 → 이승만) and North Korean (ㄹ kept: 노동 → 로동,
    이 창식 → 리 창식). Only the forms that differ from `hangul`; a search key, not a spelling rule — the North
    Korean form is a guess at which 이 was 리, harmless in a romanized field where a query must match all of
    its letters.

    >>> other_spellings("로동신문"), other_spellings("노동의 새벽"), other_spellings("서울")
    (('노동신문',), ('로동의 새벽',), ())
    """
    south = south_korean_spelling(hangul)
    north = _at_word_starts(hangul, _restore_initial_r)
    return tuple(form for form in dict.fromkeys((south, north)) if form != hangul)


@lru_cache(maxsize=65536)
def as_personal_name(reading: str) -> str:
    """A syllable-by-syllable reading of a Korean name as catalogues write the person: the surname (the first
    syllable) apart from the given name, whose syllables stay hyphenated.

    >>> as_personal_name("pak-no-hae"), as_personal_name("kim il-sŏng")
    ('pak no-hae', 'kim il-sŏng')
    """
    surname, hyphen, given = reading.partition("-")
    return f"{surname} {given}" if hyphen and " " not in surname else reading


def romanize_mr_by_syllable(hangul: str) -> str:
    """McCune–Reischauer of each syllable on its own, as ALA-LC romanizes Korean given names (syllables
    hyphenated, no sound change across the hyphen: 박노해 Pak No-hae, not Pangnohae), syllables joined by
    hyphens within a word.

    >>> romanize_mr_by_syllable("박노해"), romanize_mr_by_syllable("김 일성")
    ('pak-no-hae', 'kim il-sŏng')
    """
    out: list[str] = []
    previous = " "
    for ch in hangul:
        if is_hangul_syllable(ch):
            if is_hangul_syllable(previous):
                out.append("-")
            out.append(_mr_word(ch))
        else:
            out.append(ch)
        previous = ch
    return "".join(out)
