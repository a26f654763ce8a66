"""From a parsed query to an engine plan: analysis of the words, field boosts, phrase and exact-title boosts.

Two ways for words to match, either is enough:

- **word by word** in the full-text fields (title, creator, subject, publisher, other): each word must match
  somewhere — except that in a run of four or more words side by side three quarters are enough (Solr's
  "minimum should match"; a written AND stays strict). A CJK word matches a field when its characters
  are there (for words over three characters, all but one segment of them: one character catalogued in an
  unfolded form does not lose a long title, see `_tolerant_all`); its bigrams decide the score;
- **as one romanized string** in the romanized fields: the whole run of words is romanized (a Latin query is
  its own romanization, kana and hangul are read) and matched by roman-key trigrams, so "Honglou meng",
  "hong lou meng" and こうろうむ meet the record 紅樓夢 (ideographs alone take the hangul reading instead, see
  `QueryCompiler._hangul_reading`). Short keys need every trigram; longer
  ones all but one segment of them, so one letter spelt another way (MR "Yi" for 이) does not lose a long
  title.

Ranking, strongest first: the **known-item** boost (the query is exactly a title once folded; typed in the
vernacular it weighs most), then the whole query as a **phrase** in one title form, then the **field**
boosts title > creator > subject > publisher > other, the romanized fields a little under their vernacular
ones since romanization merges homophones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tongwen.cjk.japanese import dictionary_hepburn, hepburn, readable_variant
from tongwen.cjk.scripts import detect_script, is_cjk_script
from tongwen.cjk.variants import to_traditional
from tongwen.index.analysis import TextAnalysis
from tongwen.index.documents import normalise_identifier, roman_title_key, title_key
from tongwen.index.fulltext import TEXT_FIELD, index_text
from tongwen.index.plan import Bool, Boost, MatchAll, MatchNone, Phrase, Plan, Term, Unscored, YearBetween
from tongwen.index.query import And, Node, Not, Or, Text, YearRange

FIELD_BOOSTS = {
    "title": 4.0,
    "title_roman": 3.0,
    "creator": 2.5,
    "creator_roman": 2.0,
    "subject": 1.5,
    "publisher": 1.0,
    "other": 0.7,
    "text": 0.6,  # the pages of digitised items: a passing mention weighs less than a title word
}
# Which index fields a `field:` prefix searches, split by how the field's tokens were made.
VERNACULAR_FIELDS: dict[str | None, tuple[str, ...]] = {
    None: ("title", "creator", "subject", "publisher", "other", TEXT_FIELD),
    "text": (TEXT_FIELD,),
    "title": ("title",),
    "creator": ("creator",),
    "subject": ("subject",),
    "publisher": ("publisher",),
}
ROMAN_FIELDS: dict[str | None, tuple[str, ...]] = {
    None: ("title_roman", "creator_roman"),
    "title": ("title_roman",),
    "creator": ("creator_roman",),
    "subject": (),
    "publisher": (),
    "text": (),
}
EXACT_VERNACULAR_BOOST = 24.0  # the known-item boost: the title typed in its own script
EXACT_ROMAN_BOOST = 10.0
PHRASE_BOOST = 3.0
LOOSE_RUN_LENGTH = 4  # runs of this many words or more need only MIN_WORD_SHARE of them
MIN_WORD_SHARE = 0.75
STRICT_CHARACTERS = 4  # CJK words with up to this many characters need all of them
STRICT_GRAMS = 6  # romanized keys with up to this many trigrams need all of them (see _tolerant_all)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")
# A learned reading is the catalogue's, not a guess, but learned from other records: a little under the
# fields' own weights, as the hangul reading of ideographs is.
LEARNED_READING_WEIGHT = 0.8
# A bare Han query also looks for its Hepburn (pykakasi's) in the romanized fields (`_hepburn_reading`); as
# trigrams only when the reading has this many:
HEPBURN_MIN_GRAMS = 8  # (a key of ten letters: 林屋辰三郎 hayashiyatatsusaburō, not 疲労 hirō)


class Respeller(Protocol):
    """What the compiler asks of learned readings (`tongwen.cjk.learned_readings.ReadingLexicon`)."""

    def respell(self, text: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    plan: Plan
    highlight_tokens: frozenset[str]  # full-text tokens of the positive words, for snippets
    highlight_roman_keys: tuple[str, ...]  # roman keys of the positive words and runs
    text_plan: Plan | None = None  # the positive words over the full-text field: which pages matched
    text_words: tuple[str, ...] = ()  # those words as typed, for the page snippets


class QueryCompiler:
    def __init__(self, analysis: TextAnalysis, readings: Callable[[], Respeller | None] | None = None) -> None:
        self.analysis = analysis
        # The index generation's learned readings (`tongwen.index.readings`), asked for at each query: a sync
        # or a rebuild replaces them.
        self.readings = readings

    def compile(self, node: Node | None) -> CompiledQuery:
        """``node`` None means "everything" (browsing by facets)."""
        if node is None:
            return CompiledQuery(MatchAll(), frozenset(), ())
        core = self._node(node)
        if core is None:
            core = MatchNone()
        boosts = self._whole_query_boosts(node)
        plan = Bool(must=(core,), should=tuple(boosts)) if boosts else core
        tokens: set[str] = set()
        keys: dict[str, None] = {}
        texts = _positive_texts(node)
        for text in texts:
            if text.field in (None, "title", "creator"):
                tokens.update(self.analysis.analyze(text.value, None))
                keys.update(dict.fromkeys(self.analysis.roman_keys(text.value, None, ())))
        run = " ".join(t.value for t in texts if t.field in (None, "title"))
        keys.update(dict.fromkeys(self.analysis.roman_keys(run, None, ()) if run else ()))
        words = [text for text in texts if text.field in (None, TEXT_FIELD)]
        in_text = [plan for plan in map(self._in_text, words) if plan is not None]
        text_plan = None
        if in_text:
            text_plan = in_text[0] if len(in_text) == 1 else Bool(should=tuple(in_text), min_should=1)
        return CompiledQuery(plan, frozenset(tokens), tuple(keys), text_plan, tuple(t.value for t in words))

    # ---- the tree -----------------------------------------------------------------------------------

    def _node(self, node: Node) -> Plan | None:
        """The plan for a node, or None for words with nothing to search (punctuation)."""
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, YearRange):
            return Unscored(YearBetween(node.low, node.high))
        if isinstance(node, Not):
            child = self._node(node.child)
            return Bool(must_not=(child,)) if child is not None else None
        if isinstance(node, And):
            return self._and(node)
        if isinstance(node, Or):
            should = [plan for plan in map(self._node, node.children) if plan is not None]
            return Bool(should=tuple(should), min_should=1) if should else None
        raise TypeError(f"not a query node: {node!r}")

    def _and(self, node: And) -> Plan | None:
        must: list[Plan] = []
        must_not: list[Plan] = []
        run: list[Text] = []  # unfielded words side by side
        for child in node.children:
            if isinstance(child, Not):
                plan = self._node(child.child)
                if plan is not None:
                    must_not.append(plan)
            elif isinstance(child, Text) and child.field is None and not child.phrase and not node.explicit:
                run.append(child)
            else:
                plan = self._node(child)
                if plan is not None:
                    must.append(plan)
        if run:
            plan = self._run(run)
            if plan is not None:
                must.append(plan)
        if not must and not must_not:
            return None
        if len(must) == 1 and not must_not:
            return must[0]
        return Bool(must=tuple(must), must_not=tuple(must_not))

    def _run(self, words: list[Text]) -> Plan | None:
        """Words side by side: word by word in the full-text fields, or all together romanized."""
        plans = [plan for plan in (self._text(word, romanized=False) for word in words) if plan is not None]
        if len(plans) >= LOOSE_RUN_LENGTH:
            word_by_word: Plan | None = Bool(
                should=tuple(plans), min_should=math.ceil(len(plans) * MIN_WORD_SHARE)
            )
        elif plans:
            word_by_word = plans[0] if len(plans) == 1 else Bool(must=tuple(plans))
        else:
            word_by_word = None
        romanized = self._romanized(" ".join(word.value for word in words), None, strict=False)
        options = [plan for plan in (word_by_word, romanized) if plan is not None]
        if not options:
            return None
        return options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1)

    def _text(self, text: Text, *, romanized: bool = True) -> Plan | None:
        if text.field == "isbn":
            return Term("isbn", normalise_identifier(text.value))
        tokens = self.analysis.analyze(text.value, None)
        cjk = is_cjk_script(detect_script(text.value))
        options: list[Plan] = []
        for field in VERNACULAR_FIELDS[text.field]:
            match = self._in_text(text) if field == TEXT_FIELD else (
                _full_text_match(
                    field, tokens, text.phrase, cjk, self._phrases(text.value, tokens) if text.phrase else None,
                    self.analysis.alternate_mark,
                )
                if tokens
                else None
            )
            if match is not None:
                options.append(Boost(match, FIELD_BOOSTS[field]))
        if romanized:
            roman = self._romanized(text.value, text.field, strict=text.phrase)
            if roman is not None:
                options.append(roman)
        if not options:
            return None if not tokens else MatchNone()
        return options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1)

    def _in_text(self, text: Text) -> Plan | None:
        """A word in the pages of digitised items. CJK words are always phrases there: a book's pages hold
        most characters somewhere, so only the characters side by side mean a match. Punctuation and line
        breaks between CJK characters are dropped first, as they were from the pages (`index_text`)."""
        value = index_text(text.value)
        tokens = self.analysis.analyze(value, None)
        if not tokens:
            return None
        cjk = is_cjk_script(detect_script(text.value))
        phrase = text.phrase or cjk
        return _full_text_match(TEXT_FIELD, tokens, phrase, cjk, self._phrases(value, tokens) if phrase else None)

    def _phrases(self, value: str, tokens: list[str]) -> list[list[str]]:
        """The token sequences, any one of which is `value` as a phrase (hanja and hangul mixed: as written,
        or read; see `tongwen.cjk.analysis.analyze_phrases`)."""
        if self.analysis.analyze_phrases is None:
            return [tokens]
        return [sequence for sequence in self.analysis.analyze_phrases(value, None) if sequence] or [tokens]

    def _romanized(self, text: str, field: str | None, *, strict: bool) -> Plan | None:
        """The text romanized each way it can be read, in the romanized fields (one reading is enough)."""
        if field == TEXT_FIELD:
            return None  # page text is matched as written (folded), never by its reading
        learned = self._learned_readings(text, field, strict=strict)
        if detect_script(text) == "Hani":
            readings = [plan for plan in (self._hangul_reading(text, field), self._kana_reading(text, field),
                                          self._hepburn_reading(text, field)) if plan]
            readings.extend(learned)
            if not readings:
                return None
            return readings[0] if len(readings) == 1 else Bool(should=tuple(readings), min_should=1)
        readings = self.analysis.query_roman_tokens(text, None)
        options: list[Plan] = list(learned)
        if _HAN.search(text) and self.analysis.hangul_readings is not None:
            hangul = self._hangul_reading(text, field)  # hanja among kana or hangul (種痘の理論, 맥訣理玄)
            if hangul is not None:
                options.append(hangul)
        # Windows (`_tolerant_all`) for Latin and kana only: hangul queries keep the plain segments.
        windows = not _HANGUL.search(text) and not _HAN.search(text)
        for target in ROMAN_FIELDS[field]:
            for grams in readings:
                unique = list(dict.fromkeys(grams))
                if not unique:
                    continue
                terms = tuple(Term(target, gram) for gram in unique)
                match = (
                    terms[0]
                    if len(terms) == 1
                    else _tolerant_all(terms, strict or len(terms) <= STRICT_GRAMS, windows=windows)
                )
                options.append(Boost(match, FIELD_BOOSTS[target]))
        if not options:
            return None
        return options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1)

    def _learned_readings(self, text: str, field: str | None, *, strict: bool) -> list[Plan]:
        """Kanji the index has learned a reading of (`tongwen.cjk.learned_readings`: 新村出 しんむら いずる, from
        records pairing it with "Shinmura, Izuru") also look for that reading: romanized in the romanized fields,
        for records catalogued with the romanization only, and in kana in the title and creator fields, for
        records written in kana only. pykakasi's guess (niimura shutsu) would find neither."""
        lexicon = self.readings() if self.readings is not None else None
        if lexicon is None or detect_script(text) not in ("Hani", "Jpan"):
            return []
        options: list[Plan] = []
        for respelled in lexicon.respell(text):
            for target in ROMAN_FIELDS[field]:
                for grams in self.analysis.query_roman_tokens(respelled, "jpn"):
                    terms = tuple(Term(target, gram) for gram in dict.fromkeys(grams))
                    if terms:
                        loose = not strict and len(terms) > STRICT_GRAMS
                        match = terms[0] if len(terms) == 1 else _tolerant_all(terms, not loose)
                        options.append(Boost(match, FIELD_BOOSTS[target] * LEARNED_READING_WEIGHT))
            tokens = list(dict.fromkeys(self.analysis.analyze(respelled, "jpn")))
            if tokens:
                options.extend(
                    Boost(Bool(must=tuple(Term(target, token) for token in tokens)),
                          FIELD_BOOSTS[target] * LEARNED_READING_WEIGHT)
                    for target in VERNACULAR_FIELDS[field][:2]
                )
        return options

    def _hepburn_reading(self, text: str, field: str | None) -> Plan | None:
        """Ideographs alone also look for their Hepburn, for records catalogued with the romanization only (an
        LC record without 880s: 東洋文庫 finds "Tōyō bunko"): pykakasi's reading, and UniDic's where pykakasi
        is unsure (`tongwen.cjk.japanese.dictionary_hepburn`: 言林 Genrin, not Gen hayashi) — only the Japanese
        one of the four readings a bare Han string has (see `_hangul_reading`), since records in Chinese and
        Korean carry their pinyin and hangul, which the vernacular fields already match.

        A guessed reading of a short Han string is a homophone of many (疲労 hirō, 化学 kagaku), and its
        trigrams are found in any order in thousands of longer titles: so a reading matches as a whole title
        (the title key) and, only when it is long (HEPBURN_MIN_GRAMS), as trigrams in the romanized fields.
        A reading that leaves a character unread (剡, not in pykakasi's dictionary) is no reading."""
        options: list[Plan] = []
        if detect_script(hepburn(text)) != "Latn":  # simplified forms pykakasi cannot read (尚书): read 尚書
            text = to_traditional(text)  # (only then: OpenCC would make Japanese 岩波書店 巖波書店)
            # Then a kanji no reader knows, through a variant form (櫸 as 欅 keyaki), as documents are read.
            text = readable_variant(text) or text
        for form in dict.fromkeys(filter(None, (hepburn(text), dictionary_hepburn(text)))):
            if detect_script(form) != "Latn":
                continue
            for key in self.analysis.roman_keys(form, None, ()):
                options.append(Boost(Term("title_key", roman_title_key(key) or ""), EXACT_ROMAN_BOOST * 0.6))
            for grams in self.analysis.query_roman_tokens(form, None)[:1]:
                grams = list(dict.fromkeys(grams))
                if len(grams) < HEPBURN_MIN_GRAMS:
                    continue
                options.extend(
                    Boost(_tolerant_all(tuple(Term(target, gram) for gram in grams), len(grams) <= STRICT_GRAMS),
                          FIELD_BOOSTS[target] * 0.6)
                    for target in ROMAN_FIELDS[field]
                )
        if not options:
            return None
        return options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1)

    def _hangul_reading(self, text: str, field: str | None) -> Plan | None:
        """Ideographs alone are not romanized at query time: a bare Han string has four readings (pinyin,
        Hepburn, RR, MR) and matching them all against trigrams costs more than the rest of the query, while
        vernacular records already match in the full-text fields. What would be lost is the Korean reading
        (春香傳 finding the hangul-only 춘향전), which the full-text analysis gives directly: the grams of the
        hangul reading alone must match — of any one reading, since a polyphone may be read otherwise (十劑表
        십제표 or 십자표, `TextAnalysis.hangul_readings`). Hanja mixed with kana or hangul (種痘の理論, 맥訣) are
        read the same way, the rest kept as typed."""
        if self.analysis.hangul_readings is not None:
            readings = [
                list(dict.fromkeys(tokens))
                for tokens in self.analysis.hangul_readings(text)
                if any(_HANGUL.search(token) for token in tokens)
            ]
        else:
            tokens = self.analysis.analyze(to_traditional(text), "kor")
            readings = [[token for token in dict.fromkeys(tokens) if _HANGUL.search(token)]]
        readings = [reading for reading in readings if reading]
        if not readings:
            return None
        # One reading scores a record: the first it matches (a record matching several readings — its own
        # hanja read each way — does not outrank one matching the everyday reading).
        options: list[Plan] = []
        for target in VERNACULAR_FIELDS[field][:2]:
            earlier: list[Plan] = []
            for reading in readings:
                match = _hangul_match(target, reading, FIELD_BOOSTS[target] * 0.8)
                options.append(Bool(must=(match,), must_not=tuple(earlier)) if earlier else match)
                earlier.append(match)
        return options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1)

    def _kana_reading(self, text: str, field: str | None) -> Plan | None:
        """Ideographs alone also look for their Japanese kana reading written in kana (天地明察 → てんちめいさつ
        finds a record titled テンチ メイサツ only): every gram of the reading, in the title and creator fields,
        a little under the hangul reading since the reading is pykakasi's guess."""
        if self.analysis.kana_reading is None:
            return None
        tokens = list(dict.fromkeys(self.analysis.kana_reading(text)))
        if len(tokens) < 2:
            return None
        options = [
            Boost(Bool(must=tuple(Term(target, token) for token in tokens)), FIELD_BOOSTS[target] * 0.6)
            for target in VERNACULAR_FIELDS[field][:2]
        ]
        return options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1)

    def _whole_query_boosts(self, node: Node) -> list[Plan]:
        """Known-item and phrase boosts for a query that is a plain run of words (or of title: words)."""
        words = _plain_words(node)
        if not words:
            return []
        text = " ".join(words)
        tokens = self.analysis.analyze(text, None)
        boosts: list[Plan] = []
        key = title_key(tokens)
        if key:
            cjk = is_cjk_script(detect_script(text))
            boosts.append(Boost(Term("title_key", key), EXACT_VERNACULAR_BOOST if cjk else EXACT_ROMAN_BOOST))
        if (
            detect_script(text) != "Hani"
        ):  # bare ideographs are not romanized at query time (see _hangul_reading)
            for roman_key in self.analysis.roman_keys(text, None, ()):
                boosts.append(Boost(Term("title_key", roman_title_key(roman_key) or ""), EXACT_ROMAN_BOOST))
        if len(words) > 1 and len(tokens) > 1:
            boosts.append(Boost(_phrase("title", self._phrases(text, tokens)), PHRASE_BOOST))
        return boosts


def _phrase(field: str, sequences: list[list[str]]) -> Plan:
    """Any one of the token sequences side by side in the field."""
    plans = [Phrase(field, tuple(tokens)) if len(tokens) > 1 else Term(field, tokens[0]) for tokens in sequences]
    return plans[0] if len(plans) == 1 else Bool(should=tuple(plans), min_should=1)


def _full_text_match(
    field: str,
    tokens: list[str],
    phrase: bool,
    cjk: bool,
    phrases: list[list[str]] | None = None,
    alternate_mark: str | None = None,
) -> Plan:
    """The full-text tokens of one word (or quoted phrase) inside one field; ``phrases``: the sequences that
    make it a phrase (default: ``tokens``, see `QueryCompiler._phrases`). With ``alternate_mark``, a hangul
    syllable of a word of several characters also matches a record's hanja read that way otherwise (殺車槌法
    has "~차" and "~추" beside 거 and 퇴, for 살차추법; `TextAnalysis.alternate_mark`)."""
    if len(tokens) == 1:
        return Term(field, tokens[0])
    if phrase:
        # Tokens come in reading order (CJK: a, ab, b, bc, c), so a phrase query is an exact substring match.
        return _phrase(field, phrases or [tokens])
    unique = list(dict.fromkeys(tokens))
    if not cjk:
        return Bool(must=tuple(Term(field, token) for token in unique))
    def term(token: str) -> Plan:  # a hangul gram, or the same gram of a record's other hanja reading
        if alternate_mark and _HANGUL.match(token):
            return Bool(should=(Term(field, token), Term(field, alternate_mark + token)), min_should=1)
        return Term(field, token)

    characters = tuple(term(token) for token in unique if len(token) == 1)
    grams = tuple(term(token) for token in unique if len(token) > 1)
    if not characters:
        return Bool(should=grams, min_should=1)
    return Bool(must=(_tolerant_all(characters, len(characters) <= STRICT_CHARACTERS),), should=grams)


def _hangul_match(field: str, tokens: list[str], boost: float) -> Plan:
    """The hangul reading of a hanja query in one field: every gram — or, for a long reading and at a fifth of
    the weight, all grams of every segment but one (`_tolerant_all`), since the hangul record may write its
    words apart where the hanja run them together (慶尙北道農業技術院 against 경상북도. 농업기술원 has no 도농) or
    read one polyphone otherwise (易 역/이). The low weight keeps such near matches under the exact ones."""
    terms = tuple(Term(field, token) for token in tokens)
    strict = Boost(Bool(must=terms), boost)
    if sum(len(token) == 1 for token in tokens) <= STRICT_CHARACTERS:
        return strict
    return Bool(should=(strict, Boost(_tolerant_all(terms, False), boost * 0.2)), min_should=1)


def _tolerant_all(terms: tuple[Plan, ...], strict: bool, *, windows: bool = False) -> Plan:
    """All the terms, or — for long words — all of every segment but one: the terms are cut into three
    segments (four beyond 12 terms) and all but one segment must match in full. One character or letter
    that differs (an unfolded variant, a romanization spelt another way) spoils only its own segment.

    With ``windows`` (romanized trigrams of a Latin or kana query) the one stretch that differs may also lie
    across two segments (Ishihara for Ishizuka, 石塚, at a segment's end): a window as long as a segment,
    straddling a boundary of two segments, may be left out instead. A window-only option scores only
    where no segment option matched, so the full and near matches rank as before. (Not for CJK characters
    and hangul: windows there cost NLK's hangul↔hanja names P@1 0.954 → 0.942.)

    A union of conjunctions rather than "any 80 % of the terms": conjunctions are posting-list
    intersections, while a minimum-should-match over many terms walks every posting list, which for common
    characters (の, 의) and trigrams (ang, ari) is most of the index."""
    if strict:
        return Bool(must=terms)
    count = 3 if len(terms) <= 12 else 4
    size = math.ceil(len(terms) / count)
    segments = [terms[i : i + size] for i in range(0, len(terms), size)]
    # Each option leaves one segment out.
    options = tuple(
        Bool(must=tuple(term for j, segment in enumerate(segments) if j != skipped for term in segment))
        for skipped in range(len(segments))
    )
    tolerant = Bool(should=options, min_should=1)
    if not windows or len(segments) < 2:
        return tolerant
    # Windows a third and a half of a segment across each boundary: with the segments themselves, any stretch
    # up to two thirds of a segment long lies inside one of them (the IT of ITパスポート, read アイティ, is 7
    # trigrams of 9 across a boundary in NDL's イラスト デ ゴウカク アイティ パスポート …; the dates 1898-1987
    # of "Yamawaki, Iwao" against 山脇巖, 1898-, 4 of 5).
    starts = dict.fromkeys(
        boundary - shift
        for boundary in range(size, len(terms), size)
        for shift in (size - size // 3, size // 2, size // 3)
        if 0 < shift < size
    )
    straddling = tuple(Bool(must=terms[:start] + terms[start + size :]) for start in starts)
    return Bool(
        should=(tolerant, Bool(must=(Bool(should=straddling, min_should=1),), must_not=(tolerant,))),
        min_should=1,
    )


def _positive_texts(node: Node) -> list[Text]:
    if isinstance(node, Text):
        return [node]
    if isinstance(node, (And, Or)):
        return [text for child in node.children for text in _positive_texts(child)]
    return []


def _plain_words(node: Node) -> list[str]:
    """The words of a query made only of unfielded (or title:) words side by side, else []."""
    if isinstance(node, Text):
        return [node.value] if node.field in (None, "title") else []
    if isinstance(node, And) and all(
        isinstance(c, Text) and c.field in (None, "title") for c in node.children
    ):
        return [child.value for child in node.children]  # type: ignore[union-attr]
    return []
