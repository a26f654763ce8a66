"""What one naming of an agent (a *mention*: one agent field of one record, or one authority record) brings to
the matching: its name keys in every script, normalised identifiers, life years, kind, and its record's title.

    >>> from tongwen.model import Agent, Form, Record, Title
    >>> record = Record("lc", "1", languages=["jpn"], titles=[Title([Form("Kokoro")])], agents=[
    ...     Agent([Form("Yoshida, Hajime", "Latn"), Form("吉田, 一", "Hani")], dates="1892-1956",
    ...           identifiers=["(DLC)n  80012345"])])
    >>> mention = mentions(record)[0]
    >>> sorted(mention.keys), sorted(mention.identifiers), mention.birth
    (['h:吉田一', 'r:hachimeyoshita'], ['lcnaf:n80012345'], 1892)

Key kinds: ``h:`` Han/kana (`han_name_key`), ``k:`` hangul (`hangul_name_key`; hanja of a Korean record read
as hangul), ``r:`` a romanized heading as catalogued (`roman_name_key`), ``g:`` *our* romanization of a
vernacular name (pinyin of 沈从文, RR of 심종문) — good for finding candidates, never evidence on its own, since
Japanese names cannot be read from their kanji (吉田一 is Yoshida Hajime, not "Yoshida Ichi").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tongwen.cjk.personal_names import (
    han_name_key,
    hangul_name_key,
    initials_only,
    is_distinct_han,
    is_distinct_roman,
    life_years,
    roman_name_key,
)
from tongwen.cjk.korean import as_personal_name
from tongwen.cjk.romanize import roman_key, romanizations
from tongwen.cjk.scripts import detect_script
from tongwen.model import Agent, Form, Record

_CJK_SCRIPTS = ("Hani", "Hans", "Hant", "Jpan", "Hira", "Kana")
_HANGUL_SCRIPTS = ("Hang", "Kore")
# Authority identifiers: (pattern on the catalogued string, scheme). MARC $0 carries "(code)value"; $1 and
# linked-data sources carry URIs.
_URI_SCHEMES = (
    (re.compile(r"viaf\.org/viaf/(\d+)"), "viaf"),
    (re.compile(r"isni(?:\.org|-url\.oclc\.org)/(?:isni/)?([\dX ]{16,19})", re.IGNORECASE), "isni"),
    (re.compile(r"id\.loc\.gov/authorities/names/([a-z]+\d+)"), "lcnaf"),
    (re.compile(r"id\.ndl\.go\.jp/auth/(?:entity|ndlna)/(\w+)"), "ndl"),
    (re.compile(r"(?:lod\.nl\.go\.kr/(?:resource|page)/|^nlk:)(K[A-Z]{2}\d+)"), "nlk"),
    (re.compile(r"wikidata\.org/(?:entity|wiki)/(Q\d+)"), "wikidata"),
    (re.compile(r"ci\.nii\.ac\.jp/author/(DA\d+)"), "cinii"),
)
_MARC_SOURCES = {"dlc": "lcnaf", "jtndl": "ndl", "viaf": "viaf", "isni": "isni", "kosend": "nlk", "nlk": "nlk",
                 "ocolc": "oclc", "uri": "uri"}
_MARC_CONTROL = re.compile(r"^\((?P<code>[^)]+)\)\s*(?P<value>.+)$")
IDENTIFIER_LINKS = {
    "viaf": "https://viaf.org/viaf/{}",
    "isni": "https://isni.org/isni/{}",
    "lcnaf": "https://id.loc.gov/authorities/names/{}.html",
    "ndl": "https://id.ndl.go.jp/auth/ndlna/{}",
    "nlk": "https://lod.nl.go.kr/page/{}",
    "wikidata": "https://www.wikidata.org/wiki/{}",
    "cinii": "https://ci.nii.ac.jp/author/{}",
}
# Schemes where one agent has one value: two different values are two agents.
EXCLUSIVE_SCHEMES = ("viaf", "isni", "lcnaf", "ndl", "nlk", "wikidata", "cinii")


def agent_identifier(text: str) -> str | None:
    """``scheme:value`` of a catalogued authority identifier, or None when it names nothing we know.

    >>> agent_identifier("(DLC)n  79021164"), agent_identifier("http://viaf.org/viaf/37004329")
    ('lcnaf:n79021164', 'viaf:37004329')
    >>> agent_identifier("http://id.ndl.go.jp/auth/entity/00054222"), agent_identifier("nlk:KAC199600018")
    ('ndl:00054222', 'nlk:KAC199600018')
    >>> agent_identifier("https://isni.org/isni/0000000122783868"), agent_identifier("(JTNDL)00054222")
    ('isni:0000000122783868', 'ndl:00054222')
    """
    value = text.strip()
    for pattern, scheme in _URI_SCHEMES:
        match = pattern.search(value)
        if match:
            return f"{scheme}:{match.group(1).replace(' ', '')}"
    match = _MARC_CONTROL.match(value)
    if match:
        code = match.group("code").strip().lower()
        scheme = _MARC_SOURCES.get(code, code)
        return f"{scheme}:{match.group('value').replace(' ', '')}"
    if "://" in value:
        return f"uri:{value}"
    return None


def identifier_link(identifier: str) -> str | None:
    """Where people can look an identifier up: VIAF, ISNI, LC, Web NDL Authorities, NLK LOD, Wikidata."""
    scheme, _, value = identifier.partition(":")
    if scheme == "uri":
        return value
    template = IDENTIFIER_LINKS.get(scheme)
    return template.format(value) if template else None


def name_keys(form: Form, record_lang: str | None) -> tuple[list[str], list[str]]:
    """(evidence keys, candidate-only ``g:`` keys) of one name form."""
    text = form.text
    script = form.script or detect_script(text)
    lang = form.lang or record_lang
    keys: list[str] = []
    guessed: list[str] = []
    if script in _CJK_SCRIPTS or script in _HANGUL_SCRIPTS:
        if script in _CJK_SCRIPTS:
            key = han_name_key(text)
            if key:
                keys.append(f"h:{key}")
        if script in _HANGUL_SCRIPTS or lang == "kor":
            key = hangul_name_key(text)
            if key:
                keys.append(f"k:{key}")
        # spellings: also the forms other catalogues write (Rodong / Nodong, Pak No-hae syllable by syllable)
        for reading in romanizations(text, lang, guess_hepburn=False, spellings=True):
            for spelled in dict.fromkeys((reading, as_personal_name(reading))):
                key = roman_name_key(spelled)
                if key:
                    guessed.append(f"g:{key}")
    else:
        key = roman_name_key(text)
        if key and not key.isdigit():
            keys.append(f"r:{key}")
    return keys, guessed


def romanized_as_guessed(keys: Iterable[str]) -> frozenset[str]:
    """The ``g:`` key of each romanized-name (``r:``) key: where our own romanizations of vernacular names are
    filed, so that "Shen, Congwen" (``r:congwenshen``) meets 沈从文 (``g:congwenshen``)."""
    return frozenset(f"g:{key[2:]}" for key in keys if key.startswith("r:"))


@dataclass(slots=True)
class Mention:
    """One naming of an agent. ``mention_id`` is ``record_id#position`` (``authority:…#0`` for authority data)."""

    mention_id: str
    record_id: str
    kind: str = "person"
    role: str = "creator"
    forms: list[dict] = field(default_factory=list)  # {"text", "script", "lang"} as catalogued
    keys: frozenset[str] = frozenset()
    guessed: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()
    birth: int | None = None
    death: int | None = None
    dates: str | None = None
    titles: frozenset[str] = frozenset()  # the record's main-title keys (co-occurring titles are evidence)
    institution: str | None = None
    initials: bool = False  # every romanized form has only initials for the given name
    authority: bool = False

    def comparable_keys(self) -> frozenset[str]:
        """Name keys, with romanized names also under ``g:`` (`romanized_as_guessed`), as `Agents.find` looks
        them up."""
        return self.keys | self.guessed | romanized_as_guessed(self.keys)

    def blocking_keys(self) -> list[str]:
        return sorted(self.comparable_keys() | {f"id:{i}" for i in self.identifiers})

    def distinct_keys(self) -> frozenset[str]:
        """Keys specific enough to name one agent when nothing speaks against it."""
        if self.kind != "person":
            return frozenset(k for k in self.keys if len(k) > 4)
        found = set()
        for key in self.keys:
            text = key[2:]
            if key[0] == "r" and (self.initials or not is_distinct_roman(text)):
                continue
            if key[0] in "hk" and not is_distinct_han(text):
                continue
            found.add(key)
        return frozenset(found)

    def to_json(self) -> str:
        data = {name: getattr(self, name) for name in self.__slots__}
        for name in ("keys", "guessed", "identifiers", "titles"):
            data[name] = sorted(data[name])
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Mention:
        data = json.loads(text)
        for name in ("keys", "guessed", "identifiers", "titles"):
            data[name] = frozenset(data[name])
        return cls(**data)


_EVIDENCE_TITLE_ROLES = ("main", "parallel", "uniform", "variant")


def _title_keys(record: Record) -> frozenset[str]:
    from tongwen.works.keys import han_key, work_title  # the works layer's title proper and folding

    found = set()
    # Not series titles: one series holds many authors' books. Uniform and variant titles count: a translation
    # catalogued under its English title names the original (Border town, 240/246 边城) as its author's does.
    forms = [form for title in record.titles if title.role in _EVIDENCE_TITLE_ROLES for form in title.forms]
    for form in forms:
        title = work_title(form.text)
        key = han_key(title) if (form.script or detect_script(title)) in _CJK_SCRIPTS else roman_key(title)
        if len(key) >= 2:
            found.add(key)
    return frozenset(found)


def mention_of(agent: Agent, mention_id: str, record_id: str, record_lang: str | None, *,
               titles: frozenset[str] = frozenset(), institution: str | None = None,
               authority: bool = False) -> Mention | None:
    keys: list[str] = []
    guessed: list[str] = []
    for form in agent.forms:
        found, candidates = name_keys(form, record_lang)
        keys.extend(found)
        guessed.extend(candidates)
    latin = [f.text for f in agent.forms if (f.script or detect_script(f.text)) in ("Latn", None)]
    if not keys and not agent.identifiers:
        return None
    birth, death = life_years(agent.dates)
    identifiers = frozenset(i for i in (agent_identifier(x) for x in agent.identifiers) if i)
    return Mention(
        mention_id, record_id, agent.kind, agent.role,
        [{"text": f.text, "script": f.script or detect_script(f.text), "lang": f.lang or record_lang}
         for f in agent.forms],
        frozenset(keys), frozenset(guessed) - romanized_as_guessed(keys), identifiers,
        birth, death, agent.dates, titles, institution,
        bool(latin) and all(initials_only(t) for t in latin), authority,
    )


def mentions(record: Record) -> list[Mention]:
    """Every agent of `record` that can be matched (a name or an identifier), in record order."""
    lang = record.languages[0] if record.languages else None
    titles = _title_keys(record)
    found = []
    for position, agent in enumerate(record.agents):
        mention = mention_of(agent, f"{record.id}#{position}", record.id, lang, titles=titles,
                             institution=record.institution)
        if mention is not None:
            found.append(mention)
    return found
