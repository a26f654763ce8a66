"""Readings of kanji runs learned from the collection's own catalogued yomi, for the records that have none.

pykakasi reads 新村出 "niimura shutsu"; Princeton catalogued the lexicographer as "Shinmura, Izuru". A record
that pairs a Japanese text with its reading (an 880 with its romanized partner, an NDL title with its
transcription, a CSV reading column) teaches how its kanji runs are read (`tongwen.cjk.yomi.align`); a record
elsewhere that writes the same run with no reading of its own is then read that way too:

    >>> lexicon = ReadingLexicon()
    >>> lexicon.learn("新村出, 1876-1967", "Shinmura, Izuru, 1876-1967")
    [('新村出', 'しんむら いずる')]
    >>> lexicon.respell("広辞苑 / 新村出編")
    ['広辞苑 / シンムラ イズル 編']

The respelled text (the learned reading in katakana, the rest as written) is romanized as usual; the index
keeps pykakasi's reading beside it (`tongwen.index.documents`). Guards, since one bad pair must not misread
a thousand records:

- only what the aligner cut in one way is learned; a run is applied where it is a run of whole pykakasi words
  or a whole kanji run between anchors (never half of a word: 出 of 出版 is not いずる);
- a reading pykakasi gives anyway is not kept (nothing to add), nor is a one-character run unless two pairs
  agree on it (吉田一 teaches 一 はじめ once; 一 alone is いち far more often) and it stands alone;
- readings that conflict are kept only with support (MIN_SUPPORT pairs each), at most MAX_READINGS;
- the lexicon is bounded (MAX_ENTRIES runs; the least supported go first).

What each source (a record) taught is kept beside the counts, so a sync takes it back exactly when the record
is updated or deleted (`forget`):

    >>> lexicon = ReadingLexicon()
    >>> _ = lexicon.learn("新村出", "Shinmura, Izuru", source="princeton:1")
    >>> lexicon.forget("princeton:1"), lexicon.respell("新村出")
    (1, [])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache

import jaconv

from tongwen.cjk.japanese import _convert, hepburn
from tongwen.cjk.romanize import roman_key
from tongwen.cjk.text import clean
from tongwen.cjk.variants import _converter
from tongwen.cjk.yomi import MAX_KANA_PER_KANJI, align, normalised_text

MIN_SUPPORT = 2
MAX_READINGS = 2
MAX_ENTRIES = 200_000
MAX_RUN = 24  # characters: a longer run (a whole title without kana) is too rare to meet again
_HAN_RUN = re.compile(r"[\u3005\u3006\u3007\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]+")


@lru_cache(maxsize=65536)
def _kana_key(kana: str) -> str:
    """The roman key of a kana reading, so readings that differ only as romanizations do (おおさか, おうさか) are
    one reading. (jaconv spells kana as pykakasi's Hepburn does, as far as the key can tell, without its
    dictionary lookups: learning is ten times faster.)"""
    return roman_key(jaconv.kana2alphabet(kana))


# A catalogued reading of a run is this many times as long as pykakasi's at most, and at least the inverse
# (一 はじめ / いち is 1.5; a reading that covers only part of the text gives a run half its length or less:
# 国会案内 点字版 / コッカイ アンナイ would cut 国会案内 こっかい, 点字版 あんない).
MAX_LENGTH_RATIO = 1.7


def _plausible(run: str, kana: str) -> bool:
    guessed = len("".join(hira for _, hira in _words(run)).replace(" ", ""))
    length = len(kana.replace(" ", ""))
    return bool(guessed) and 1 / MAX_LENGTH_RATIO <= length / guessed <= MAX_LENGTH_RATIO


@lru_cache(maxsize=65536)
def _pykakasi_key(run: str) -> str:
    return roman_key(hepburn(run))


def _words(run: str) -> list[tuple[str, str]]:
    """pykakasi's words of a kanji run, with their readings."""
    return [(orig, hira) for orig, hira, _ in _convert(run)]


def _confirmed_parts(run: str, reading: str) -> list[tuple[str, str]]:
    """The words of a run that pykakasi misreads, cut out where its other words are read as the catalogue
    reads them: 吉田一 / よしだ はじめ → 一 / はじめ (吉田 よしだ confirmed). pykakasi's words whose reading is a
    whole word of the (word-divided) catalogued reading become kana anchors, and the run is aligned again
    (`tongwen.cjk.yomi.align`, so only a cut made in one way counts); a part is kept when its stretch is
    whole words of the reading (inside a word the cut may fall in a sound change: 五十景 ごじっけい is not
    五十 ごじっ + 景 けい).

    >>> _confirmed_parts("三論名教抄", "さんろん みょうきょう しょう")
    [('名教', 'みょうきょう')]
    """
    words = _words(run)
    spoken = reading.split()
    if len(words) < 2 or len(spoken) < 2:
        return []
    keys = {_kana_key(word) for word in spoken}
    anchored: list[str] = []
    i = 0
    while i < len(words):  # the longest run of pykakasi words read as one word of the reading (三 論 さんろん)
        for j in range(len(words), i, -1):
            hira = "".join(hira for _, hira in words[i:j])
            if hira and _kana_key(hira) in keys:
                anchored.append(hira)
                break
        else:
            j = i + 1
            anchored.append(words[i][0])
        i = j
    text = "".join(anchored)
    if text == run:
        return []
    parts = align(text, reading) or []
    whole = f" {reading} "
    return [(part, kana) for part, kana in parts if part != run and f" {kana} " in whole]


class ReadingLexicon:
    """Kanji run (in `tongwen.cjk.yomi.normalised_text` form) → catalogued readings with their support."""

    def __init__(self, counts: Mapping[str, Mapping[str, int]] | None = None, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._counts: dict[str, Counter[str]] = {run: Counter(readings) for run, readings in (counts or {}).items()}
        self._kept: dict[str, tuple[str, ...]] | None = None
        self._longest: int | None = None
        # source → the (run, reading) counts it added, one entry per count: what `forget` subtracts
        self._taught: dict[str, list[tuple[str, str]]] = {}

    def __len__(self) -> int:
        return len(self.entries())

    # ---- learning ---------------------------------------------------------------------------------

    def learn(self, text: str, reading: str, source: str | None = None) -> list[tuple[str, str]]:
        """Align one pair and count what it teaches (each run once per pair); returns the runs learned. With a
        `source` (the record's id) what it counted is remembered, for `forget`."""
        aligned = align(text, reading)
        if not aligned or not all(_plausible(run, kana) for run, kana in aligned):
            return []
        learned: dict[str, str] = {}
        for run, kana in aligned:
            if len(run) <= MAX_RUN:
                learned.setdefault(run, kana)
            for part, part_kana in _confirmed_parts(run, kana):
                learned.setdefault(part, part_kana)
        for run, kana in learned.items():
            counts = self._counts.setdefault(run, Counter())
            counts[kana] += 1
            self._update_kept(run)
        if source is not None and learned:
            self._taught.setdefault(source, []).extend(learned.items())
        if len(self._counts) > self.max_entries:
            self._prune()
        return list(learned.items())

    def forget(self, source: str) -> int:
        """Take back every count `source` added (its record was updated or deleted); the number taken back."""
        taught = self._taught.pop(source, [])
        for run, kana in taught:
            counts = self._counts.get(run)
            if counts is None or counts[kana] <= 0:  # (pruned meanwhile: `_prune` drops its lessons too)
                continue
            counts[kana] -= 1
            if counts[kana] == 0:
                del counts[kana]
            if not counts:
                del self._counts[run]
            self._update_kept(run)
        return len(taught)

    def sources(self) -> dict[str, list[tuple[str, str]]]:
        """Source → the (run, reading) counts it added."""
        return {source: list(taught) for source, taught in self._taught.items()}

    def _update_kept(self, run: str) -> None:
        """The kept readings of one run, after its counts changed (a sync learns and forgets between
        documents: the other runs' guards stay as they were)."""
        if self._kept is None:
            return
        counts = self._counts.get(run)
        kept = self._guarded(run, counts) if counts else ()
        if kept:
            self._kept[run] = kept
            self._longest = max(self._longest or 0, len(run))
        else:
            self._kept.pop(run, None)

    def _prune(self) -> None:
        """Keep the best-supported nine tenths of the bound, so pruning is rare."""
        ranked = sorted(self._counts.items(), key=lambda item: -sum(item[1].values()))
        self._counts = dict(ranked[: self.max_entries * 9 // 10])
        self._kept = self._longest = None
        for source, taught in list(self._taught.items()):  # a pruned run's counts are gone: nothing to take back
            left = [(run, kana) for run, kana in taught if run in self._counts]
            if left:
                self._taught[source] = left
            else:
                del self._taught[source]

    # ---- what is kept -------------------------------------------------------------------------------

    def entries(self) -> dict[str, tuple[str, ...]]:
        """Run → the readings kept for it, best supported first (the guards of the module docstring)."""
        if self._kept is None:
            self._kept = {}
            for run, counts in self._counts.items():
                kept = self._guarded(run, counts)
                if kept:
                    self._kept[run] = kept
        return self._kept

    @staticmethod
    def _guarded(run: str, counts: Counter[str]) -> tuple[str, ...]:
        by_key: dict[str, list] = {}
        for kana, support in counts.most_common():
            if not len(run) <= len(kana.replace(" ", "")) <= MAX_KANA_PER_KANJI * len(run):
                continue
            entry = by_key.setdefault(_kana_key(kana), [kana, 0])
            entry[1] += support
        ranked = sorted(by_key.items(), key=lambda item: -item[1][1])
        needed = MIN_SUPPORT if len(ranked) > 1 or len(run) == 1 else 1
        pykakasi = _pykakasi_key(run)
        return tuple(
            kana for key, (kana, support) in ranked if support >= needed and key != pykakasi
        )[:MAX_READINGS]

    def counts(self) -> dict[str, dict[str, int]]:
        """Everything counted: run → reading → support."""
        return {run: dict(readings) for run, readings in self._counts.items()}

    def to_json(self) -> dict:
        """What is counted and what is kept (the guards ask pykakasi about every run: done once, at learning,
        not again in each process that loads the lexicon)."""
        return {"counts": self.counts(), "kept": {run: list(readings) for run, readings in self.entries().items()},
                "sources": {source: [list(pair) for pair in taught] for source, taught in self._taught.items()}}

    @classmethod
    def from_json(cls, data: Mapping) -> ReadingLexicon:
        """The lexicon `to_json` wrote.

        >>> lexicon = ReadingLexicon()
        >>> _ = lexicon.learn("新村出", "シンムラ イズル")
        >>> ReadingLexicon.from_json(lexicon.to_json()).respell("新村出")
        ['シンムラ イズル']
        """
        lexicon = cls(data.get("counts", {}))
        lexicon._kept = {run: tuple(readings) for run, readings in data.get("kept", {}).items()}
        lexicon._taught = {source: [(run, kana) for run, kana in taught]
                           for source, taught in data.get("sources", {}).items()}
        return lexicon

    # ---- applying -----------------------------------------------------------------------------------

    def _may_respell(self, modern: str) -> bool:
        """Whether some stretch of a kanji run of `modern` is a learned run (cheap: no pykakasi)."""
        entries = self.entries()
        if self._longest is None:
            self._longest = max(map(len, entries), default=0)
        for match in _HAN_RUN.finditer(modern):
            run = normalised_text(match.group(0))
            for i in range(len(run)):
                for j in range(i + 1, min(len(run), i + self._longest) + 1):
                    if run[i:j] in entries:
                        return True
        return False

    def respell(self, text: str) -> list[str]:
        """`text` with each kanji run it has learned read as learned (in katakana), one text per reading
        kept (the best first); empty when nothing in `text` was learned."""
        entries = self.entries()
        if not entries:
            return []
        modern = _converter("t2jp").convert(clean(text))
        if not self._may_respell(modern):
            return []
        words = _convert(modern)
        boundaries = {0}
        position = 0
        for orig, _, _ in words:
            position += len(orig)
            boundaries.add(position)
        if position != len(modern):  # pykakasi changed the text's length: only whole runs are safe
            boundaries = set()
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        for match in _HAN_RUN.finditer(modern):
            start, end = match.span()
            cuts = sorted({start, end} | {b for b in boundaries if start < b < end})
            i = 0
            while i < len(cuts) - 1:
                for j in range(len(cuts) - 1, i, -1):
                    run = normalised_text(modern[cuts[i] : cuts[j]])
                    readings = entries.get(run)
                    if readings and (len(run) > 1 or (cuts[i], cuts[j]) == (start, end)):
                        spans.append((cuts[i], cuts[j], readings))
                        i = j
                        break
                else:
                    i += 1
        if not spans:
            return []
        texts = []
        for choice in range(max(len(readings) for _, _, readings in spans)):
            pieces, last = [], 0
            for start, end, readings in spans:
                kana = readings[min(choice, len(readings) - 1)]
                pieces.extend((modern[last:start], " ", jaconv.hira2kata(kana), " "))
                last = end
            pieces.append(modern[last:])
            texts.append(" ".join("".join(pieces).split()))
        return texts
