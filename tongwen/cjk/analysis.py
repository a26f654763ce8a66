"""What the search index calls, for documents and queries alike: one analysis, so the two always agree.

Two token streams:

**Full text** (`analyze`). The text is cleaned and folded (`tongwen.cjk.text`), then split at punctuation:

- CJK runs (Han, kana, hangul; spaces inside a run are dropped, so spacing never matters) are variant-folded
  (`tongwen.cjk.variants`: 紅樓夢 = 红楼梦, 國會 = 国会, 佛 = 仏), katakana are already hiragana, hangul
  syllables get the initial-sound law everywhere (녀 → 여, 뢰 → 뇌). Each run gives its unigrams **and**
  bigrams, interleaved in reading order (a, ab, b, bc, c), so one-character queries and two-character words
  both hit.
- In Korean text (``lang="kor"``, or any hangul in the string) hanja runs also give the unigrams and bigrams
  of their hangul reading: 韓國經濟 adds 한, 한국, 국, 국경 …, which a 한국경제 query matches.
- Other words are lower-cased and stripped of Latin diacritics (Trăm Năm → tram nam); apostrophes vanish.

**Romanized** (`roman_tokens`, `query_roman_tokens`). Every romanized form of the text (catalogue-supplied
readings first, then pinyin / Hepburn / RR / MR as `tongwen.cjk.romanize.romanizations` decides) is reduced to
its `roman_key` — no spaces, punctuation, diacritics or RR/MR/Hepburn spelling differences — and emitted as
overlapping character trigrams of that key (plus every bigram once, for two-letter query words). Keys have no
spaces, so word division vanishes ("Honglou meng" = "hong lou meng"); trigrams are substring-closed, so a query
that is any part of a form has all its grams among the document's, however it was split into words. A query
matches when the document has all of `query_roman_tokens` (or all of one list of `query_roman_alternatives`).

    >>> analyze("紅樓夢") == analyze("红楼梦")
    True
    >>> analyze("红楼梦")
    ['红', '红楼', '楼', '楼梦', '梦']
    >>> set(query_roman_tokens("Ch'unhyang chŏn")) <= set(roman_tokens("춘향전"))
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

from tongwen.cjk.japanese import reading as japanese_reading
from tongwen.cjk.korean import (
    alternate_hanja_readings,
    hanja_reading_combinations,
    hanja_to_hangul,
    initial_sound_fold_table,
    romanize_mr,
    south_korean_spelling,
)
from tongwen.cjk.romanize import roman_grams, roman_key, romanizations
from tongwen.cjk.scripts import detect_script
from tongwen.cjk.text import clean, fold
from tongwen.cjk.variants import _fold_table, to_traditional

_CJK_CLASS = (
    "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"  # hangul
    "\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"  # kana (not ・ U+30FB, ゠ U+30A0)
    "\u3005-\u3007\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"  # Han, 々 〆 〇 〻
)
# A CJK run may contain plain spaces (dropped: spacing is irrelevant in CJK); anything else ends a word.
_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK_CLASS}](?:[{_CJK_CLASS}]| +(?=[{_CJK_CLASS}]))*)|(?P<word>[^\s{_CJK_CLASS}]+)"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HIRAGANA = re.compile(r"[\u3041-\u309f]+")
# Marks a syllable of an alternative hangul reading of hanja among full-text tokens ("~차" for 車 read 차 beside 거).
ALTERNATE_READING_MARK = "~"
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4"


@cache
def _separator_table() -> dict[int, str | None]:
    """Punctuation and symbols end a run ("\\n"), separators become spaces, apostrophes vanish (sorcerer's →
    sorcerers, ch'unhyang → chunhyang). Built once over the BMP and the emoji planes (~0.1 s)."""
    table: dict[int, str | None] = {}
    for cp in (*range(0x10000), *range(0x1F000, 0x1FB00)):
        category = unicodedata.category(chr(cp))
        if category[0] in "PS":
            table[cp] = "\n"
        elif category[0] == "Z" or category == "Cc":
            table[cp] = " "
    table.update({ord(ch): None for ch in _APOSTROPHES})
    return table


@cache
def _cjk_fold_table() -> dict[int, str]:
    """Variant folding and the hangul initial-sound fold in one translate table (their domains are disjoint)."""
    return {**_fold_table(), **initial_sound_fold_table()}


_LATIN_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})
_COMBINING = re.compile(r"[\u0300-\u036f]")


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """Strip Latin/Greek/Cyrillic diacritics (combining marks U+0300–U+036F only: Thai, Devanagari … marks are
    letters of their words and stay)."""
    if word.isascii():
        return word
    stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", word.translate(_LATIN_LETTERS)))
    return unicodedata.normalize("NFC", stripped)


def _grams(run: str, out: list[str]) -> None:
    for i, ch in enumerate(run):
        out.append(ch)
        if i + 1 < len(run):
            out.append(run[i : i + 2])


def _is_korean(text: str, lang: str | None) -> bool:
    return (lang or "").lower()[:3] == "kor" or _HANGUL.search(text) is not None


@lru_cache(maxsize=32768)
def _analyze(s: str, lang: str | None) -> tuple[str, ...]:
    return _tokens(s, lang, cached=True)


def _tokens(s: str, lang: str | None, *, cached: bool) -> tuple[str, ...]:
    """`analyze`'s tokens; ``cached=False`` for running text, which must not fill the caches with pages."""
    if cached:
        text, run_tokens = fold(clean(s)), _run_tokens
    else:
        text, run_tokens = fold.__wrapped__(clean.__wrapped__(s)), _run_tokens.__wrapped__
    text = text.translate(_separator_table())
    korean = _is_korean(text, lang)
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        run = match.group("cjk")
        if run is None:
            tokens.append(_fold_word(match.group("word")))
        else:
            tokens.extend(run_tokens(run, korean))
    return tuple(tokens)


@lru_cache(maxsize=65536)
def _run_tokens(run: str, korean: bool) -> tuple[str, ...]:
    """The grams of one CJK run (with its hangul reading in Korean text). Cached apart from `_analyze`: whole
    titles are mostly unique, their runs (a title before its subtitle, a subtitle, a name) recur."""
    cjk_table = _cjk_fold_table()
    tokens: list[str] = []
    run = run.replace(" ", "")
    _grams(run.translate(cjk_table), tokens)
    if korean and _HAN.search(run):
        _grams(hanja_to_hangul(run).translate(cjk_table), tokens)
        # Polyphones read otherwise (識 지, 車 차, 劑 자): each gram the everyday reading lacks, once, marked
        # (`ALTERNATE_READING_MARK`), so that it counts for a word of several syllables (살차추법: its syllables
        # to match, its bigrams to rank) but a one-syllable query (차) is not matched by every title that could
        # be read with it.
        seen = set(tokens)
        for reading in alternate_hanja_readings(run):
            grams: list[str] = []
            _grams(reading.translate(cjk_table), grams)
            for gram in grams:
                if gram not in seen:
                    seen.add(gram)
                    tokens.append(ALTERNATE_READING_MARK + gram)
    return tuple(tokens)


def analyze(s: str | None, lang: str | None = None) -> list[str]:
    """Tokens for the full-text field, the same for a document's text and for a query (see module docstring).
    `lang` is the record's ISO 639-2 language ("chi", "jpn", "kor"…), or None.

    >>> analyze("仏教") == analyze("佛教")
    True
    >>> analyze("Trăm Năm Cô Đơn")
    ['tram', 'nam', 'co', 'don']
    >>> analyze("国立 国会")
    ['国', '国立', '立', '立国', '国', '国会', '会']
    >>> analyze("韓國", lang="kor")
    ['韩', '韩国', '国', '한', '한국', '국']
    >>> analyze("ダイアローグ／柄谷行人")[:3]
    ['だ', 'だい', 'い']
    """
    if not s:
        return []
    return list(_analyze(s, lang))


def analyze_phrases(s: str | None, lang: str | None = None) -> list[list[str]]:
    """The token sequences that, side by side in a field, make `s` a phrase there: one per way of writing it.

    `analyze` puts a Korean run's hangul-reading grams after the grams of the run as written, so a phrase
    mixing hanja and hangul (人類平等의大義) is not one sequence of `analyze`'s tokens in any document: a
    document has the run as written (…人類平等의大義를…) and, after the whole run, its reading (…인류평등의대의
    를…). The phrase is either sequence: the grams as written (a document in mixed script, as typed), or the
    reading (a document in hangul, or the reading stream of one in mixed script). Without hanja in Korean
    context there is one sequence, `analyze`'s own.

    >>> analyze_phrases("人類平等의大義")[1][:5]  # (with the initial-sound fold, as everywhere: 류 → 유)
    ['인', '인유', '유', '유평', '평']
    >>> analyze_phrases("紅樓夢") == [analyze("紅樓夢")]
    True
    """
    if not s:
        return []
    text = fold(clean(s)).translate(_separator_table())
    korean = _is_korean(text, lang)
    cjk_table = _cjk_fold_table()
    written: list[str] = []
    read: list[str] = []
    for match in _TOKEN.finditer(text):
        run = match.group("cjk")
        if run is None:
            word = _fold_word(match.group("word"))
            written.append(word)
            read.append(word)
            continue
        run = run.replace(" ", "")
        _grams(run.translate(cjk_table), written)
        _grams((hanja_to_hangul(run) if korean and _HAN.search(run) else run).translate(cjk_table), read)
    return [written, read] if read != written else [written]


def hangul_reading_alternatives(s: str | None) -> list[list[str]]:
    """Full-text tokens of each hangul reading of the hanja in `s`, for a query with hanja to find a Korean
    record written in hangul: one list per reading, any one enough. The readings are those of the text as
    typed and of its traditional form (春香传 → 春香傳 → 춘향전; 霉 and 台, which OpenCC would make 黴 and 臺,
    keep their own reading 매, 태), each with the readings its polyphones allow
    (`tongwen.cjk.korean.hanja_reading_combinations`: 十劑表 십제표 or 십자표). Kana and hangul stay as typed
    (種痘の理論 → 종두の이론). Empty when `s` has no hanja.

    >>> [''.join(t for t in tokens if len(t) == 1) for tokens in hangul_reading_alternatives("十劑表")]
    ['십제표', '십자표']
    >>> hangul_reading_alternatives("天地") == [analyze("천지")]
    True
    """
    if not s or not _HAN.search(s):
        return []
    cjk_table = _cjk_fold_table()
    lists: list[list[str]] = []
    texts = [s, to_traditional(s)]
    hiragana = len(_HIRAGANA.findall(s))
    if hiragana and len(_HAN.findall(s)) >= 3 * hiragana:
        # Particles among many hanja (「海東文獻總錄」中の醫書): the hangul reading of a Japanese title may leave
        # them out (「해동문헌총록」중_의서), so the hanja are also read without them.
        texts += [_HIRAGANA.sub(" ", text) for text in texts]
    for text in dict.fromkeys(texts):
        pieces: list[tuple[bool, tuple[str, ...]]] = []  # (a CJK run?, its readings)
        # Words of the query are read apart (藥方 醫方 needs no 방의: the record may be 약방(의방)).
        for match in _TOKEN.finditer(fold(clean(text)).translate(_separator_table()).replace(" ", "\n")):
            run = match.group("cjk")
            if run is None:
                pieces.append((False, (_fold_word(match.group("word")),)))
            else:
                run = run.replace(" ", "")
                pieces.append((True, hanja_reading_combinations(run) if _HAN.search(run) else (run,)))
        for n in range(max((len(readings) for _, readings in pieces), default=0)):
            tokens: list[str] = []
            for cjk, readings in pieces:
                reading = readings[n] if n < len(readings) else readings[0]
                if cjk:
                    _grams(reading.translate(cjk_table), tokens)
                else:
                    tokens.append(reading)
            if tokens not in lists:
                lists.append(tokens)
    # The reading that leaves fewest ideographs unread first (a simplified query is read in its traditional form).
    return sorted(lists, key=lambda tokens: sum(bool(_HAN.search(token)) for token in tokens))


def kana_reading_tokens(s: str | None) -> list[str]:
    """Full-text tokens of the Japanese kana reading of ideographs (`tongwen.cjk.japanese.reading`), for a
    bare Han query to find records that write the title only in kana (NDL's transcriptions: 天地明察 finds テンチ
    メイサツ). Records written in kanji have no kana tokens, so these match kana text only.

    >>> kana_reading_tokens("化学")
    ['か', 'かが', 'が', 'がく', 'く']
    """
    if not s or not _HAN.search(s):
        return []
    return analyze(japanese_reading(s))


def analyze_running_text(s: str | None, lang: str | None = None) -> list[str]:
    """`analyze` for long running text (the pages of a digitised item): the same tokens, not cached — each
    page is analysed once, and caching pages would keep them all in memory.

    >>> analyze_running_text("學而時習之") == analyze("学而时习之")
    True
    """
    if not s:
        return []
    return list(_tokens(s, lang, cached=False))


def _forms(s: str, lang: str | None, readings: Iterable[str] = ()) -> list[str]:
    forms: list[str] = []
    for supplied in readings:
        forms.extend(romanizations(supplied, lang, spellings=True))  # Latin stays as is; kana/hangul romanized
    # Catalogue readings first: with one at hand, pykakasi's guess at the kanji (slow, often wrong for names)
    # is not needed; pinyin, RR and MR of the ideographs still are (other systems than the catalogue's).
    forms.extend(romanizations(s, lang, guess_hepburn=not forms, spellings=True))
    return forms


def roman_tokens(s: str | None, lang: str | None = None, readings: Iterable[str] = ()) -> list[str]:
    """Tokens for the romanized field of a document: for each distinct roman key among `readings`
    (catalogue-supplied romanizations or kana readings: an 880's romanized partner, NDL's katakana
    transcription) and the romanizations of `s`, its trigrams in order (so phrase queries line up); then,
    once each, every bigram of those keys, so two-letter query words ("lou", "an") match too.

    >>> roman_tokens("红楼梦", "chi")
    ['hon', 'ong', 'ngl', 'glo', 'lom', 'ome', 'men', 'eng', 'ho', 'on', 'ng', 'gl', 'lo', 'om', 'me', 'en']
    >>> roman_tokens("源氏物語", "jpn", readings=["Genji monogatari"])[:3]
    ['ken', 'enc', 'nch']
    """
    return tokens_of_roman_keys(roman_keys(s, lang, readings))


def roman_keys(s: str | None, lang: str | None = None, readings: Iterable[str] = ()) -> list[str]:
    """The distinct roman keys of `readings` and of the romanizations of `s`, catalogue readings first: what
    `roman_tokens` cuts into grams (callers needing both compute the keys once).

    >>> roman_keys("源氏物語", "jpn", readings=["Genji monogatari"])
    ['kenchimonokatari', 'yuanshiwuyu']
    """
    return list(dict.fromkeys(key for key in map(roman_key, _forms(s or "", lang, readings)) if key))


def tokens_of_roman_keys(keys: Iterable[str]) -> list[str]:
    """The romanized-field tokens of some roman keys (see `roman_tokens`): each key's trigrams in order,
    then every bigram of them once.

    >>> tokens_of_roman_keys(["anan"])
    ['ana', 'nan', 'an', 'na']
    """
    keys = list(keys)
    tokens: list[str] = []
    bigrams: dict[str, None] = {}
    for key in keys:
        tokens.extend(roman_grams(key))
        bigrams.update(dict.fromkeys([key[i : i + 2] for i in range(len(key) - 1)]))  # (lists: faster here)
    tokens.extend(bigrams)
    return tokens


def query_roman_alternatives(q: str | None, lang: str | None = None) -> list[list[str]]:
    """Gram lists for a query against the romanized field, one per way of romanizing it (a Latin query has
    one; a bare Han query may have pinyin, Hepburn and Korean readings). A document matches when it has every
    gram of at least one list. Keys of one or two letters give themselves (documents carry every bigram);
    one letter gives nothing.

    >>> query_roman_alternatives("春香傳")[-1]
    ['chu', 'hun', 'unh', 'nhy', 'hya', 'yan', 'ang', 'ngc', 'gch', 'cho', 'hon']
    """
    lists: list[list[str]] = []
    forms = romanizations(q or "", lang)
    south = south_korean_spelling(q or "")
    if south != (q or "") and detect_script(south) == "Kore":
        # Hangul typed in North Korean usage (로동신문) also reads as the South writes it (Nodong sinmun),
        # for records catalogued with the romanization only. (Records carry both forms: `_forms`.)
        forms.append(romanize_mr(south))
    for form in forms:
        key = roman_key(form)
        grams = roman_grams(key) if len(key) > 1 else []
        if grams and grams not in lists:
            lists.append(grams)
    return lists


def query_roman_tokens(q: str | None, lang: str | None = None) -> list[str]:
    """Tokens of a query for the romanized field, all of which a matching document has: the grams of the
    query's first romanization (`query_roman_alternatives` has them all). For Latin, kana and hangul queries
    that is the whole story (RR and MR share a key); a bare Han query with no `lang` gets its pinyin.

    >>> query_roman_tokens("Honglou meng") == query_roman_tokens("hong lou meng")
    True
    >>> query_roman_tokens("lou")
    ['lo']
    >>> set(query_roman_tokens("げんじものがたり")) <= set(roman_tokens("源氏物語", "jpn"))
    True
    >>> set(query_roman_tokens("Ch'unhyang chŏn")) <= set(roman_tokens("춘향전"))
    True
    """
    alternatives = query_roman_alternatives(q, lang)
    return alternatives[0] if alternatives else []


__all__ = [
    "ALTERNATE_READING_MARK",
    "analyze",
    "analyze_phrases",
    "hangul_reading_alternatives",
    "kana_reading_tokens",
    "query_roman_alternatives",
    "query_roman_tokens",
    "roman_keys",
    "roman_tokens",
    "tokens_of_roman_keys",
]
