"""Match keys: what two catalogue records of one work or edition have in common, whatever script, romanization
or library they come from. Pure functions of a `Record`; `features` gathers them into one small `Features`.

    >>> from tongwen.model import Form, Record, Title
    >>> nlc = Record("nlc", "1", titles=[Title([Form("红楼梦", "Hans", "chi")])], languages=["chi"])
    >>> rom = Record("lc", "2", titles=[Title([Form("Hong lou meng", "Latn", "chi")])], languages=["chi"])
    >>> sorted(set(title_keys(nlc)) & set(title_keys(rom)))
    ['r:honglomeng']

Key kinds (a prefix on every key, so kinds never collide):

- ``h:`` Han/kana text, variant-folded (紅樓夢 = 红楼梦 = 紅楼夢), search-folded (kana, width), no punctuation;
- ``k:`` hangul reading: hangul text as is, hanja read as hangul for Korean records (春香傳 → 춘향전);
- ``r:`` `tongwen.cjk.romanize.roman_key` of every romanized form: the record's own romanization, or, when a
  title has none, the readings `romanizations()` gives for its vernacular (pinyin, Hepburn, RR, MR);
- identifiers: ``isbn:`` ``lccn:`` ``oclc:`` ``ncid:`` (one manifestation), ``issn:`` (one serial).

Titles are reduced to the title proper before keying (`work_title`): subtitle (`` : ``), parallel title
(`` = ``), statement of responsibility (`` / ``) and a trailing part (``. Vol. 1``, ``. 卷上``) are dropped, and so
are leading English articles. Uniform titles (MARC 130/240) also lose their language/date qualifiers
(``Pride and prejudice. French. 1982`` → ``Pride and prejudice``): that is what lets a translation meet its
original — only with such evidence, or a shared original-title form (a variant title), or a shared creator.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from tongwen.cjk import clear_caches as clear_cjk_caches
from tongwen.cjk.korean import hanja_to_hangul
from tongwen.cjk.romanize import roman_key, romanizations
from tongwen.cjk.text import clean, fold
from tongwen.cjk.variants import fold_variants
from tongwen.ingest.common_rules import normalize_isbn
from tongwen.model import Record

MAIN, VARIANT = "m", "v"  # how a title key was found: main/uniform title, or a variant/parallel one
LATIN = "l"  # appended when an r: key comes from text catalogued in Latin script, not from our romanization
EDITION_SCHEMES = ("isbn", "lccn", "oclc", "ncid")  # numbers that name one manifestation
SERIAL_SCHEMES = ("issn",)  # a number that names a serial as a whole (its work, in our two levels)

# Content types grouped into formats: a printed book and a manuscript copy of a novel are one work; a sound
# recording or a film of it is not (the issue: never merge across formats). Editions need the exact type.
FORMAT_FAMILIES = {
    "book": "text", "manuscript": "text", "mixed": "text",
    "serial": "serial", "article": "article",
    "map": "map", "music": "music", "score": "music", "sound": "sound", "video": "video", "image": "image",
    "dataset": "dataset", "software": "software",
}

_NOT_WORD = re.compile(r"[\W_]+")
# ISBD: " : " subtitle, " = " parallel title, " / " statement of responsibility. Not " ; ": it joins the titles
# of a compilation ("Pride and prejudice ; Sense and sensibility"), which must not key as its first work.
_SUBTITLE = re.compile(r"\s+[:=/]\s+|\s*[：＝／]\s*|\s+[:=/]$")
COMPILATION_VARIANTS = 4  # this many variant titles are a compilation's contents (MARC 740), not its names
_PART = re.compile(r"(?<=\S{3})\.\s+(?=(?:vol|v\.|pt|part|book|bk|no|juan|[0-9卷上下中第]))", re.IGNORECASE)
_UNIFORM_QUALIFIER = re.compile(r"\.\s+.*$")  # "Pride and prejudice. French. 1982" → "Pride and prejudice"
_LEADING_ARTICLE = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)
# "&" is read as the record's own word for "and" ("Pride & prejudice" = "Pride and prejudice", "Järki & tunteet"
# = "Järki ja tunteet"); roman_key would otherwise drop it and the two spellings of one title would never meet.
_AMPERSAND = re.compile(r"\s*&\s*")
_AND_WORDS = {
    "eng": "and", "fre": "et", "ger": "und", "swe": "och", "dan": "og", "nor": "og", "fin": "ja", "spa": "y",
    "ita": "e", "por": "e", "dut": "en", "rus": "i", "pol": "i", "scr": "i", "hrv": "i", "srp": "i", "cze": "a",
    "ind": "dan", "may": "dan", "vie": "và",
}
# A conventional collective title (AACR2 25.10, RDA 6.2.2.10): "The complete novels of Jane Austen" and
# "Collected novels" name the collective work its uniform title calls "Novels". The "of <name>" tail only
# counts when it is the record's own first creator, so "The works of the Mongol emperors" is left alone.
_COLLECTIVE = re.compile(
    r"^(?:(?:the|complete|collected|penguin|illustrated)\s+)*"
    r"(works|novels|poems|plays|writings|stories|short stories|letters|essays)(?:\s+of\s+(.+))?$",
    re.IGNORECASE,
)
_NAME_DATES = re.compile(r",?\s*(?:\d{3,4}\??-?(?:\d{3,4})?\??|b\.\s*\d+|d\.\s*\d+|fl\.\s*\d+.*)\.?$")


# Character classes as regexes: one C-level scan instead of a Python loop per character (the hot path of a
# rebuild). The ranges are those `char_script` reports as Hani/Hira/Kana, and the hangul syllable block.
_CJK_CHARS = re.compile(
    "[\u3005-\u3007\u3040-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U000323af]"
)
_HANGUL_CHARS = re.compile("[\uac00-\ud7a3]")


def clear_key_caches() -> None:
    """Empty the bounded caches (`functools.lru_cache` with a maxsize) of this module and of `tongwen.cjk`: keying
    a collection fills some thirty of them, 65,536 titles and names each, ~1 KB a record keyed until they are
    full (~300 MB, measured: a rebuild's peak 380 MB at 50k records, 650 MB at 1M). A rebuild empties them
    every `_CLEAR_EVERY` records (`Works._apply_changes`) so its memory stays what one stretch of records
    needs. Unbounded caches (`functools.cache`: the loaded dictionaries) are kept; loading them is slow."""
    for value in list(globals().values()):
        info = getattr(value, "cache_info", None)
        if callable(info) and getattr(value, "__module__", None) == __name__ and info().maxsize is not None:
            value.cache_clear()
    clear_cjk_caches()


def _is_cjk(text: str) -> bool:
    return _CJK_CHARS.search(text) is not None


def _has_hangul(text: str) -> bool:
    return _HANGUL_CHARS.search(text) is not None


@lru_cache(maxsize=65536)
def work_title(text: str, uniform: bool = False) -> str:
    """The title proper of a catalogued title: subtitle, parallel title, statement of responsibility, part and
    leading English article removed; for a uniform title also its language/version qualifiers.

    >>> work_title("The story of the stone. Vol. 1, The golden days")
    'story of the stone'
    >>> work_title("Ao man yu pian jian = Pride & prejudice"), work_title("中国哲学史大纲. 卷上")
    ('Ao man yu pian jian', '中国哲学史大纲')
    >>> work_title("Pride and prejudice. Chinese & English", uniform=True)
    'Pride and prejudice'
    """
    text = clean(text)
    text = _SUBTITLE.split(text, maxsplit=1)[0]
    text = _PART.split(text, maxsplit=1)[0]
    if uniform:
        text = _UNIFORM_QUALIFIER.sub("", text)
    text = text.strip(" .,;:/=[]")
    return _LEADING_ARTICLE.sub("", text) if text.isascii() else text


@lru_cache(maxsize=65536)
def han_key(text: str) -> str:
    """Variant- and search-folded CJK text without spaces or punctuation.

    >>> han_key("紅樓夢") == han_key("红楼梦") == han_key("紅楼夢")
    True
    >>> han_key("般若心経・金剛般若経")
    '般若心经金刚般若经'
    """
    return _NOT_WORD.sub("", fold_variants(fold(text)))


@lru_cache(maxsize=65536)
def hangul_key(text: str) -> str:
    """Hangul reading without spaces or punctuation, hanja read as hangul (`hanja_to_hangul`).

    >>> hangul_key("春香傳") == hangul_key("춘향전")
    True
    """
    return _NOT_WORD.sub("", hanja_to_hangul(unicodedata.normalize("NFC", text)))


@lru_cache(maxsize=65536)
def _romanized_keys(text: str, lang: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in (roman_key(r) for r in romanizations(text, lang)) if k))


def spell_ampersand(text: str, lang: str | None) -> str:
    """Latin-script `text` with "&" written as the word for "and" in `lang` (English when unknown or not listed).

    >>> spell_ampersand("Pride & prejudice", "eng"), spell_ampersand("Järki & tunteet", "fin")
    ('Pride and prejudice', 'Järki ja tunteet')
    """
    if "&" not in text:
        return text
    return _AMPERSAND.sub(f" {_AND_WORDS.get(lang or 'eng', 'and')} ", text).strip()


def text_keys(text: str, lang: str | None, *, romanize: bool, korean: bool) -> list[str]:
    """Keys of one written form. `romanize`: add the romanizations of CJK text (when the title has no
    romanized form of its own); `korean`: read hanja as hangul (a Korean record).

    >>> text_keys("Hong lou meng", "chi", romanize=True, korean=False)
    ['r:honglomeng']
    >>> text_keys("春香傳", "kor", romanize=False, korean=True)
    ['h:春香传', 'k:춘향전']
    """
    if not text:
        return []
    keys: list[str] = []
    if _is_cjk(text):
        han = han_key(text)
        if han:
            keys.append(f"h:{han}")
    if _has_hangul(text) or (korean and _is_cjk(text)):
        hangul = hangul_key(text)
        if hangul:
            keys.append(f"k:{hangul}")
    if _is_cjk(text) or _has_hangul(text):
        if romanize:
            keys.extend(f"r:{key}" for key in _romanized_keys(text, lang))
    else:
        key = roman_key(text)
        if key and not key.isdigit():
            keys.append(f"r:{key}")
    return keys


def collective_title(text: str, creator_names: frozenset[str]) -> str | None:
    """The conventional collective title a Latin-script title stands for, or None. `creator_names`: roman keys
    of the record's first creator in both name orders (`_creator_name_keys`).

    >>> names = frozenset({"austenchane", "chaneausten"})
    >>> collective_title("complete novels of Jane Austen", names), collective_title("Collected novels", names)
    ('novels', 'novels')
    >>> collective_title("works of the Mongol emperors", names), collective_title("Novels and tales", names)
    (None, None)
    """
    match = _COLLECTIVE.match(text)
    if match is None or match.group(2) and roman_key(match.group(2)) not in creator_names:
        return None
    return match.group(1).casefold()


def _creator_name_keys(record: Record) -> frozenset[str]:
    """Roman keys of the first creator's Latin-script name forms, family name first and last."""
    keys: set[str] = set()
    for agent in [a for a in record.agents if a.role in ("creator", "author")][:1]:
        for form in agent.forms:
            for name in _name_forms(form.text):
                words = name.split()
                keys.update(roman_key(" ".join(order)) for order in (words, [*words[1:], *words[:1]]))
    keys.discard("")
    return frozenset(keys)


def title_keys(record: Record) -> dict[str, str]:
    """Every title key of `record` → ``"m"`` (main or uniform title) or ``"v"`` (variant, parallel), with ``"l"``
    appended to romanized keys read from Latin-script text as catalogued. Series titles are left out, and so
    are the contents of a compilation (two uniform titles; `COMPILATION_VARIANTS` or more variant titles).

    >>> from tongwen.model import Form, Record, Title
    >>> r = Record("nlb", "16", languages=["eng"], titles=[Title([Form("The tale of Genji")]),
    ...     Title([Form("源氏物語", "Hani")], role="variant")])
    >>> title_keys(r)["r:talofkenchi"], title_keys(r)["h:源氏物语"]
    ('ml', 'v')
    """
    record_lang = record.languages[0] if record.languages else None
    korean = record_lang == "kor"
    keys: dict[str, str] = {}
    roles = [title.role for title in record.titles]
    # A compilation names the works it contains (two uniform titles, or a list of contents): those titles are
    # not names of the compilation, and keying them would chain every contained work into one cluster.
    skip = {"series"}
    if roles.count("uniform") > 1 or any(
        t.role == "uniform" and "selections" in t.text.casefold() for t in record.titles
    ):
        skip.add("uniform")  # "Novels. Selections": a selection is not the collective work
    if roles.count("variant") >= COMPILATION_VARIANTS:
        skip.add("variant")
    creator_names: frozenset[str] | None = None  # computed when a title looks collective
    for title in record.titles:
        if title.role in skip:
            continue
        strength = MAIN if title.role in ("main", "uniform") else VARIANT
        has_latin = any(not _is_cjk(f.text) and not _has_hangul(f.text) for f in title.forms if f.text)
        korean_title = korean or any(_has_hangul(f.text) for f in title.forms)
        for form in title.forms:
            text = work_title(form.text, uniform=title.role == "uniform")
            latin = not _is_cjk(text) and not _has_hangul(text)
            if latin:
                text = spell_ampersand(text, form.lang or record_lang)
            form_keys = text_keys(text, form.lang or record_lang, romanize=not has_latin, korean=korean_title)
            if latin and _COLLECTIVE.match(text):
                if creator_names is None:
                    creator_names = _creator_name_keys(record)
                collective = collective_title(text, creator_names)
                if collective:
                    form_keys.append(f"r:{roman_key(collective)}")
            for key in form_keys:
                tagged = strength + LATIN if latin and key.startswith("r:") else strength
                if keys.get(key) is None or tagged < keys[key]:  # "m" < "ml" < "v" < "vl": keep the strongest
                    keys[key] = tagged
    return keys


def _name_forms(text: str) -> list[str]:
    """A personal name family-name-first: "Austen, Jane" stays; "Jane Austen" also gives "Austen Jane"."""
    text = _NAME_DATES.sub("", clean(text)).strip(" ,.")
    if "," in text:
        family, _, given = text.partition(",")
        given = given.split(",")[0]  # drop titles/dates after a second comma
        return [f"{family} {given}".strip()]
    words = text.split()
    if len(words) > 1 and text.isascii():
        return [text, " ".join([words[-1], *words[:-1]])]
    return [text]


def creator_keys(record: Record) -> frozenset[str]:
    """Keys of the record's first creator (role ``creator``): Han, hangul and romanized forms, family name first.

    >>> from tongwen.model import Agent, Form, Record
    >>> a = Record("x", "1", agents=[Agent([Form("Cao, Xueqin", "Latn")])])
    >>> b = Record("y", "2", languages=["chi"], agents=[Agent([Form("曹雪芹", "Hani")])])
    >>> sorted(creator_keys(a) & creator_keys(b))
    ['r:caoxueqin']
    """
    record_lang = record.languages[0] if record.languages else None
    keys: set[str] = set()
    # Only the first creator (the main entry, MARC 1XX): a retelling lists the original author after its own
    # author, and must not agree with the original on that.
    for agent in [a for a in record.agents if a.role in ("creator", "author")][:1]:
        has_latin = any(f.text and not _is_cjk(f.text) and not _has_hangul(f.text) for f in agent.forms)
        for form in agent.forms:
            for name in _name_forms(form.text):
                keys.update(
                    text_keys(name, form.lang or record_lang, romanize=not has_latin, korean=record_lang == "kor")
                )
    return frozenset(keys)


def identifier_keys(record: Record) -> frozenset[str]:
    """Normalised standard numbers: ``isbn:`` (ISBN-13), ``lccn:``, ``oclc:``, ``ncid:``, ``issn:``.

    >>> from tongwen.model import Identifier, Record
    >>> sorted(identifier_keys(Record("x", "1", identifiers=[Identifier("isbn", "0-14-143951-3"),
    ...     Identifier("oclc", "(OCoLC)ocm12345"), Identifier("local", "b1")])))
    ['isbn:9780141439518', 'oclc:12345']
    """
    keys: set[str] = set()
    for identifier in record.identifiers:
        value = identifier.value.strip()
        if identifier.scheme == "isbn":
            value = normalize_isbn(value) or ""
        elif identifier.scheme == "oclc":
            value = re.sub(r"^\D+", "", value)
        elif identifier.scheme in ("lccn", "ncid", "issn"):
            value = re.sub(r"\s+", "", value).lower()
        else:
            continue
        if value:
            keys.add(f"{identifier.scheme}:{value}")
    return frozenset(keys)


def format_family(content_type: str | None) -> str | None:
    """The format a content type belongs to for work clustering (``None``: unknown, compatible with all).

    >>> format_family("manuscript"), format_family("sound"), format_family(None)
    ('text', 'sound', None)
    """
    if content_type is None:
        return None
    return FORMAT_FAMILIES.get(content_type, content_type)


def publisher_key(record: Record) -> str | None:
    """A key of the first publisher as transcribed: romanized forms give ``r:``, vernacular ones ``h:``."""
    for publication in record.publications:
        for form in publication.forms:
            if form.publisher:
                keys = text_keys(work_title(form.publisher), None, romanize=False, korean=False)
                if keys:
                    return keys[0]
    return None


@dataclass(slots=True)
class Features:
    """What clustering needs of one record, small enough to keep in the works tables as JSON."""

    record_id: str
    titles: dict[str, str] = field(default_factory=dict)
    creators: frozenset[str] = frozenset()
    identifiers: frozenset[str] = frozenset()
    year: int | None = None
    content_type: str | None = None
    languages: tuple[str, ...] = ()
    publisher: str | None = None
    institution: str | None = None

    @property
    def family(self) -> str | None:
        return format_family(self.content_type)

    @property
    def main_keys(self) -> list[str]:
        return [key for key, strength in self.titles.items() if strength.startswith(MAIN)]

    def work_evidence(self) -> tuple:
        """What work matching reads of this record (`cluster.work_score`, the guards, the neighbourhood order):
        all but the year, publisher and institution, which only edition matching reads. A record changed
        elsewhere only keeps its work, and `Works.update` recomputes just its editions."""
        return (self.titles, self.creators, self.identifiers, self.content_type, self.languages)

    def blocking_keys(self) -> set[str]:
        """The keys under which this record meets candidates: titles and identifiers."""
        return set(self.titles) | set(self.identifiers)

    def to_json(self) -> str:
        return json.dumps(
            [self.record_id, self.titles, sorted(self.creators), sorted(self.identifiers), self.year,
             self.content_type, list(self.languages), self.publisher, self.institution],
            ensure_ascii=False, separators=(",", ":"),
        )

    def to_dict(self) -> dict:
        """The keys as `/api/search?match_keys=true` gives them, so another node can match them (federated
        search groups copies of one work across portals with `cluster.work_score` on these)."""
        return {"titles": self.titles, "creators": sorted(self.creators), "identifiers": sorted(self.identifiers),
                "year": self.year, "type": self.content_type, "languages": list(self.languages),
                "publisher": self.publisher, "institution": self.institution}

    @classmethod
    def from_dict(cls, record_id: str, keys: dict) -> Features:
        """The inverse of `to_dict`, for a record `record_id` of another node (values already type-checked)."""
        return cls(record_id, dict(keys["titles"]), frozenset(keys["creators"]), frozenset(keys["identifiers"]),
                   keys["year"], keys["type"], tuple(keys["languages"]), keys["publisher"], keys["institution"])

    @classmethod
    def from_json(cls, text: str) -> Features:
        rid, titles, creators, identifiers, year, ctype, langs, publisher, institution = json.loads(text)
        return cls(rid, titles, frozenset(creators), frozenset(identifiers), year, ctype, tuple(langs),
                   publisher, institution)


def features(record: Record) -> Features:
    """All match keys of `record` in one object.

    >>> from tongwen.model import Form, Record, Title
    >>> f = features(Record("ndl", "19", content_type="book", year_from=1972, languages=["jpn"],
    ...     titles=[Title([Form("Kōrōmu", "Latn"), Form("紅楼夢", "Hani")])]))
    >>> f.titles, f.family
    ({'r:koromu': 'ml', 'h:红楼梦': 'm'}, 'text')
    """
    return Features(
        record_id=record.id,
        titles=title_keys(record),
        creators=creator_keys(record),
        identifiers=identifier_keys(record),
        year=record.year_from,
        content_type=record.content_type,
        languages=tuple(record.languages),
        publisher=publisher_key(record),
        institution=record.institution,
    )
