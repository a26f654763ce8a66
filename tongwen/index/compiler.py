"""From a parsed query to an engine plan: analysis of each word, field boosts, phrase and exact-title boosts.

Ranking rules, in the order they weigh:

1. **Known item.** A query that is exactly a title (after folding: simplified = traditional = shinjitai…)
   meets that title's key; a vernacular (CJK) exact match weighs most, a romanized one next.
2. **Phrase.** The whole query's words in order inside one title form.
3. **Fields.** title > creator > subject > publisher > other; romanized forms a little under their
   vernacular field, since romanization merges homophones.

Each word must match somewhere (words are ANDed; in a run of four or more words side by side, three quarters
of them are enough — Solr's "minimum should match" — while a written AND stays strict); a CJK word matches a field when enough of its characters
are there (all of them for words up to three characters, three quarters for longer ones — one character
catalogued in an unfolded variant form should not lose a long title) and its bigrams decide the score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tongwen.cjk.scripts import detect_script, is_cjk_script
from tongwen.index.analysis import TextAnalysis
from tongwen.index.documents import normalise_identifier, title_key
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
}
# Which index fields a `field:` prefix searches, split by how the field's tokens were made.
VERNACULAR_FIELDS = {
    None: ("title", "creator", "subject", "publisher", "other"),
    "title": ("title",),
    "creator": ("creator",),
    "subject": ("subject",),
    "publisher": ("publisher",),
}
ROMAN_FIELDS = {
    None: ("title_roman", "creator_roman"),
    "title": ("title_roman",),
    "creator": ("creator_roman",),
    "subject": (),
    "publisher": (),
}
EXACT_VERNACULAR_BOOST = 24.0  # the known-item boost: the title typed in its own script
EXACT_ROMAN_BOOST = 10.0
PHRASE_BOOST = 3.0
MIN_CHARACTER_SHARE = 0.75
LOOSE_RUN_LENGTH = 4  # runs of this many words or more need only MIN_WORD_SHARE of them
MIN_WORD_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    plan: Plan
    highlight_tokens: frozenset[str]  # analysed tokens of the positive words, for snippets
    highlight_roman: frozenset[str]


class QueryCompiler:
    def __init__(self, analysis: TextAnalysis) -> None:
        self.analysis = analysis

    def compile(self, node: Node | None) -> CompiledQuery:
        """``node`` None means "everything" (a browse by facets)."""
        if node is None:
            return CompiledQuery(MatchAll(), frozenset(), frozenset())
        core = self._node(node)
        if core is _IGNORED:
            core = MatchNone()
        boosts = self._whole_query_boosts(node)
        plan = Bool(must=(core,), should=tuple(boosts)) if boosts else core
        vern: set[str] = set()
        roman: set[str] = set()
        for text in _positive_texts(node):
            if text.field in (None, "title", "creator"):
                vern.update(self.analysis.analyze(text.value, None))
                roman.update(self.analysis.query_roman_tokens(text.value, None))
        return CompiledQuery(plan, frozenset(vern), frozenset(roman))

    # ---- the tree -----------------------------------------------------------------------------------

    def _node(self, node: Node) -> Plan:
        if isinstance(node, Text):
            return self._text(node)
        if isinstance(node, YearRange):
            return Unscored(YearBetween(node.low, node.high))
        if isinstance(node, Not):
            return Bool(must_not=(self._node(node.child),))
        if isinstance(node, And):
            must, words, must_not = [], [], []
            for child in node.children:
                if isinstance(child, Not):
                    must_not.append(self._node(child.child))
                    continue
                plan = self._node(child)
                if plan is _IGNORED:
                    continue
                (words if isinstance(child, Text) and not node.explicit else must).append(plan)
            if len(words) >= LOOSE_RUN_LENGTH:
                # A long run of words (a whole title with its statement of responsibility, pasted) may
                # miss a few: a romanization that spells one name differently should not lose the record.
                needed = math.ceil(len(words) * MIN_WORD_SHARE)
                must.append(Bool(should=tuple(words), min_should=needed))
            else:
                must.extend(words)
            if not must and not must_not:
                return MatchNone()
            return Bool(must=tuple(must), must_not=tuple(must_not))
        if isinstance(node, Or):
            should = [plan for plan in (self._node(child) for child in node.children) if plan is not _IGNORED]
            return Bool(should=tuple(should), min_should=1) if should else MatchNone()
        raise TypeError(f"not a query node: {node!r}")

    def _text(self, text: Text) -> Plan:
        if text.field == "isbn":
            return Term("isbn", normalise_identifier(text.value))
        vernacular = self.analysis.analyze(text.value, None)
        roman = self.analysis.query_roman_tokens(text.value, None)
        if not vernacular and not roman:
            return _IGNORED  # punctuation only: nothing to look for, and nothing to hold against a record
        cjk = is_cjk_script(detect_script(text.value))
        alternatives: list[Plan] = []
        for field in VERNACULAR_FIELDS[text.field]:
            if vernacular:
                alternatives.append(Boost(_match(field, vernacular, text.phrase, cjk), FIELD_BOOSTS[field]))
        for field in ROMAN_FIELDS[text.field]:
            if roman:
                alternatives.append(Boost(_match(field, roman, text.phrase, False), FIELD_BOOSTS[field]))
        if not alternatives:
            return MatchNone()
        return alternatives[0] if len(alternatives) == 1 else Bool(should=tuple(alternatives), min_should=1)

    def _whole_query_boosts(self, node: Node) -> list[Plan]:
        """Phrase and exact-title boosts for a query that is a plain run of words (or one title: field)."""
        words = _plain_words(node)
        if not words:
            return []
        text = " ".join(words)
        vernacular = self.analysis.analyze(text, None)
        roman = self.analysis.query_roman_tokens(text, None)
        boosts: list[Plan] = []
        key = title_key(vernacular)
        if key:
            cjk = is_cjk_script(detect_script(text))
            boosts.append(Boost(Term("title_key", key), EXACT_VERNACULAR_BOOST if cjk else EXACT_ROMAN_BOOST))
        roman_key = title_key(roman)
        if roman_key and roman_key != key:
            boosts.append(Boost(Term("title_key", roman_key), EXACT_ROMAN_BOOST))
        if len(words) > 1:
            if len(vernacular) > 1:
                boosts.append(Boost(Phrase("title", tuple(vernacular)), PHRASE_BOOST))
            if len(roman) > 1:
                boosts.append(Boost(Phrase("title_roman", tuple(roman)), PHRASE_BOOST))
        return boosts


class _Ignored:
    def __repr__(self) -> str:
        return "IGNORED"


_IGNORED = _Ignored()


def _match(field: str, tokens: list[str], phrase: bool, cjk: bool) -> Plan:
    """The tokens of one word (or quoted phrase) inside one field."""
    if len(tokens) == 1:
        return Term(field, tokens[0])
    if phrase and not cjk:
        return Phrase(field, tuple(tokens))
    if not cjk:
        return Bool(must=tuple(Term(field, token) for token in dict.fromkeys(tokens)))
    # CJK: characters (unigrams) decide whether it matches, bigrams how well. A quoted CJK phrase needs
    # every character and every bigram: the bigrams chain the characters in order.
    unique = list(dict.fromkeys(tokens))
    characters = [token for token in unique if len(token) == 1]
    grams = [token for token in unique if len(token) > 1]
    if phrase or len(characters) <= 3:
        required = tuple(Term(field, token) for token in (unique if phrase else characters))
        optional = () if phrase else tuple(Term(field, token) for token in grams)
        return Bool(must=required, should=optional) if required else Bool(should=optional, min_should=1)
    needed = math.ceil(len(characters) * MIN_CHARACTER_SHARE)
    return Bool(
        must=(Bool(should=tuple(Term(field, token) for token in characters), min_should=needed),),
        should=tuple(Term(field, token) for token in grams),
    )


def _positive_texts(node: Node) -> list[Text]:
    if isinstance(node, Text):
        return [node]
    if isinstance(node, (And, Or)):
        return [text for child in node.children for text in _positive_texts(child)]
    return []


def _plain_words(node: Node) -> list[str]:
    """The words of a query made only of unfielded (or title:) words ANDed together, else []."""
    if isinstance(node, Text):
        return [node.value] if node.field in (None, "title") else []
    if isinstance(node, And) and all(isinstance(c, Text) and c.field in (None, "title") for c in node.children):
        return [child.value for child in node.children]  # type: ignore[union-attr]
    return []
