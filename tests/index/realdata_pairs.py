"""Pairs of one text written two ways, taken from real catalogue data in ../shared/data: the cross-script
checks (`bench/cross_script.py`, `tests/index/test_cross_script.py`) index one side and search for it with the
other.

Three kinds, as issue 13.6 counts them:

- **variant/script**: the same words in two CJK scripts or variant forms, both catalogued — a hanja title and
  its hangul reading (Korean medical classics union list), a Japanese title and NDL's katakana reading of it,
  a Korean corporate name in hangul and in hanja, or in traditional and simplified Han (NLK authority
  alt labels). Each pair is asked both ways (kana finds kanji, kanji finds kana);
- **ALA-LC**: a romanized field and its 880 vernacular partner (Princeton, Stanford, Open Library MARC;
  Princeton's Solr documents), asked romanized → vernacular, by language;
- **MR**: the Korean ones among those (titles, names and imprints in McCune–Reischauer as ALA-LC applies it);
- **mr-forms**: those MR pairs asked the other way round (hangul finds the romanized-only record) and their
  names in the other syllable styles catalogues use (Kim Sang Gyŏng, Kim Sanggyŏng, Kim Sang-Gyŏng);
- **names**: the romanized alt labels of NLK's Korean persons, who romanize themselves in no one system
  ("Choi, Yeon-goo" for 최연구), reported apart.

Nothing here is filtered by what our analysis can do: a pair is kept or dropped by how the catalogue wrote it.
"""

from __future__ import annotations

import csv
import html
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pymarc

from tongwen.cjk.scripts import detect_script
from tongwen.index import SearchIndex, SearchRequest
from tongwen.model import Agent, Form, Record, Title

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_KANA = re.compile(r"[\u3041-\u30ff]")
_LETTERS = re.compile(r"[\W_\d]+")

# MARC tags whose 880 partners are paired, and the role their text plays in a record.
_TITLE_TAGS = {"245", "246", "240", "130", "440", "490", "830", "730"}
_NAME_TAGS = {"100", "110", "111", "700", "710", "711"}
_IMPRINT_TAGS = {"260", "264"}
_SUBFIELDS = {"title": "abnp", "creator": "abcq", "imprint": "ab"}


@dataclass(frozen=True, slots=True)
class Pair:
    """``query`` typed to find a record holding ``text`` (as a title, creator or imprint)."""

    kind: str  # "variant", "ala-lc", "mr"
    source: str  # where the pair comes from, for the report
    lang: str  # the record's language (ISO 639-2)
    role: str  # "title", "creator", "imprint"
    text: str  # what the record holds
    query: str  # what is typed


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", html.unescape(text)).strip()


def _lang_of(marc: pymarc.Record) -> str:
    field = marc.get("008")
    code = field.data[35:38] if field is not None and len(field.data) >= 38 else ""
    return code.strip() or "und"


def _text(field: pymarc.Field, codes: str) -> str:
    return _nfc(" ".join(sub.value for sub in field.subfields if sub.code in codes))


def marc_pairs(marc: pymarc.Record, source: str) -> Iterator[Pair]:
    """Each romanized field with its 880 partner (linked by $6 occurrence numbers)."""
    lang = _lang_of(marc)
    by_link: dict[tuple[str, str], pymarc.Field] = {}
    for field in marc.get_fields("880"):
        link = field.get("6") or ""
        match = re.match(r"(\d{3})-(\d\d)", link)
        if match and match.group(2) != "00":
            by_link[(match.group(1), match.group(2))] = field
    for field in marc.fields:
        if field.is_control_field() or field.tag == "880":
            continue
        match = re.match(r"880-(\d\d)", field.get("6") or "")
        partner = by_link.get((field.tag, match.group(1))) if match else None
        if partner is None:
            continue
        role = (
            "title" if field.tag in _TITLE_TAGS else
            "creator" if field.tag in _NAME_TAGS else
            "imprint" if field.tag in _IMPRINT_TAGS else None
        )
        if role is None:
            continue
        romanized, vernacular = _text(field, _SUBFIELDS[role]), _text(partner, _SUBFIELDS[role])
        if romanized and vernacular and detect_script(romanized) == "Latn" and _cjk(vernacular):
            kind = "mr" if lang == "kor" else "ala-lc"
            yield Pair(kind, source, lang, role, vernacular, romanized)


def _cjk(text: str) -> bool:
    return bool(_HAN.search(text) or _HANGUL.search(text) or _KANA.search(text))


def _marc_records(data: Path) -> Iterator[tuple[str, pymarc.Record]]:
    for path in sorted((data / "princeton-bibdata-alma").glob("*.xml")):
        for record in pymarc.parse_xml_to_array(str(path)):
            yield f"princeton-marc {path.name}", record
    stanford = data / "stanford-searchworks-traject-fixtures"
    for name in ("44794.json", "a7770475_source_record.json", "authorTests.jsonl"):
        lines = (stanford / name).read_text(encoding="utf-8").splitlines()
        blobs = lines if name.endswith(".jsonl") else ["\n".join(lines)]
        for blob in blobs:
            if blob.strip():
                for record in pymarc.JSONReader(blob):
                    yield f"stanford {name}", record
    for path in sorted((data / "openlibrary-marc-880" / "bin_input").glob("*.mrc")):
        with path.open("rb") as handle:
            for record in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True):
                if record is not None:
                    yield f"openlibrary {path.name}", record


_PRINCETON_LANGS = {"Chinese": "chi", "Japanese": "jpn", "Korean": "kor"}


def _princeton_documents(data: Path) -> Iterator[dict]:
    folder = data / "princeton-orangelight-solr-cjk"
    seen = set()
    for name in ("current_fixtures_cjk_subset.jsonl", "single_record_fixtures_cjk.jsonl"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            identifier = document["id"][0] if isinstance(document["id"], list) else document["id"]
            if identifier not in seen:
                seen.add(identifier)
                yield document


# Solr fields whose list holds romanized and vernacular values side by side, and the role of their text.
_SOLR_PAIRED = {
    "series_display": "title",
    "uniform_title_s": "title",
    "contains_title_index": "title",
    "author_display": "creator",
    "pub_created_display": "imprint",
}
# Lists of names (credits of a film, performers): split at commas and semicolons, paired item by item.
_SOLR_NAME_LISTS = ("participant_performer_display", "credits_notes_display")


def _values(document: dict, field: str) -> list[str]:
    value = document.get(field, [])
    return [value] if isinstance(value, str) else value  # Solr gives a lone value unlisted in some documents


def _first(document: dict, field: str) -> str:
    values = _values(document, field)
    return values[0] if values else ""


def princeton_solr_pairs(data: Path) -> Iterator[Pair]:
    """Princeton's Solr documents: title_display / title_vern_display, the romanized and vernacular values
    of series, uniform titles, authors and imprints (paired in order when the list has as many of each),
    and the names of credit lists item by item."""
    for document in _princeton_documents(data):
        yield from princeton_document_pairs(document)


def princeton_document_pairs(document: dict) -> Iterator[Pair]:
    """The pairs of one Princeton Solr document (see `princeton_solr_pairs`)."""
    languages = [_PRINCETON_LANGS.get(name) for name in document.get("language_facet", [])]
    lang = next((code for code in languages if code), None)
    if lang is None:
        return
    kind = "mr" if lang == "kor" else "ala-lc"
    title, vernacular = _first(document, "title_display"), _first(document, "title_vern_display")
    if detect_script(title) == "Latn" and vernacular:  # some give the vernacular in both
        yield Pair(kind, "princeton-solr", lang, "title", _nfc(vernacular), _nfc(title))
    for field, role in _SOLR_PAIRED.items():
        values = list(dict.fromkeys(_nfc(value) for value in _values(document, field) if "http" not in value))
        romanized = [value for value in values if detect_script(value) == "Latn"]
        vernacular_values = [value for value in values if _cjk(value)]
        if romanized and len(romanized) == len(vernacular_values):
            for latin, cjk in zip(romanized, vernacular_values):
                yield Pair(kind, "princeton-solr", lang, role, cjk, latin)
    for field in _SOLR_NAME_LISTS:
        values = [_nfc(value) for value in _values(document, field)]
        romanized = [value for value in values if detect_script(value) == "Latn"]
        vernacular_values = [value for value in values if _cjk(value)]
        if len(romanized) != 1 or len(vernacular_values) != 1:
            continue
        latin_names = [part.strip(" .") for part in re.split(r"[,;]", romanized[0])]
        cjk_names = [part.strip(" .") for part in re.split(r"[,;]", vernacular_values[0])]
        if len(latin_names) == len(cjk_names):
            for latin, cjk in zip(latin_names, cjk_names):
                if latin and _cjk(cjk):
                    yield Pair(kind, "princeton-solr names", lang, "creator", cjk, latin)


def nlk_person_pairs(data: Path) -> Iterator[Pair]:
    """NLK authority persons whose preferred label is hangul and that carry one romanized alt label of the
    same name (Korean researchers romanize themselves: "Choi, Yeon-goo" for 최연구)."""
    graph = json.loads((data / "nlk-lod-jsonld-samples" / "Person_sample.json").read_text(encoding="utf-8"))
    for person in graph["@graph"]:
        label = _nfc(str(person.get("prefLabel", "")))
        alts = person.get("altLabel", [])
        alts = [alts] if isinstance(alts, str) else alts
        if not _HANGUL.search(label) or "," in label:  # "아커, 데이비드": a foreign name in hangul
            continue
        for alt in alts:
            if detect_script(_nfc(alt)) == "Latn":
                yield Pair("names", "nlk-person", "kor", "creator", label, _nfc(alt))


def _letters(text: str) -> str:
    return _LETTERS.sub("", text)


def _reads_alike(hangul: str, hanja: str) -> bool:
    """Three quarters of the characters of a hangul label are the table reading of the hanja label's
    (initial-sound law folded away): two labels of one body, not two bodies with names of one length."""
    from tongwen.cjk.korean import _hanja_table, initial_sound_fold

    table = _hanja_table()
    first, second = _letters(hangul), _letters(hanja)
    if len(first) != len(second) or not first:
        return False
    alike = sum(
        initial_sound_fold(syllable) == initial_sound_fold(table.get(ch, ch)) for syllable, ch in zip(first, second)
    )
    return alike >= 0.75 * len(first)


def _variant_forms(first: str, second: str) -> bool:
    """Two Han labels of one body in other character forms: OpenCC makes them one, or they differ in one
    character only (the rare variants OpenCC does not know)."""
    from opencc import OpenCC

    a, b = _letters(first), _letters(second)
    if len(a) != len(b) or a == b:
        return False
    to_simplified = OpenCC("t2s")
    return to_simplified.convert(a) == to_simplified.convert(b) or sum(x != y for x, y in zip(a, b)) == 1


def nlk_organisation_pairs(data: Path) -> Iterator[Pair]:
    """NLK corporate names: a hangul and a hanja label of the body that read alike (한양대학교. 박물관 /
    漢陽大學校. 博物館), or two Han labels in other character forms (文化体育观光部 / 文化體育觀光部)."""
    graph = json.loads((data / "nlk-lod-jsonld-samples" / "Organization_sample.json").read_text(encoding="utf-8"))
    for organisation in graph["@graph"]:
        alts = organisation.get("altLabel", [])
        labels = [organisation.get("prefLabel", ""), *([alts] if isinstance(alts, str) else alts)]
        labels = list(dict.fromkeys(_nfc(str(label)) for label in labels if label))
        hangul = [label for label in labels if _HANGUL.search(label) and not _HAN.search(label)]
        han = [
            label for label in labels
            if _HAN.search(label) and not _HANGUL.search(label) and not _KANA.search(label) and "@" not in label
        ]
        for first in hangul:
            for second in han:
                if _reads_alike(first, second):
                    yield Pair("variant", "nlk-organisation hangul→hanja", "kor", "creator", second, first)
                    yield Pair("variant", "nlk-organisation hanja→hangul", "kor", "creator", first, second)
        for i, first in enumerate(han):
            for second in han[i + 1 :]:
                if _variant_forms(first, second):
                    yield Pair("variant", "nlk-organisation han variants →", "kor", "creator", first, second)
                    yield Pair("variant", "nlk-organisation han variants ←", "kor", "creator", second, first)


def mediclassics_pairs(data: Path, every: int = 1) -> Iterator[Pair]:
    """Hanja titles and their hangul readings, both ways (one pair in ``every`` kept)."""
    path = data / "mediclassics-hangul-hanja-titles" / "title_pairs.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        for position, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            hanja, hangul = _nfc(row["hanja_title"]), _nfc(row["hangul_reading"])
            if position % every or not hanja or not hangul:
                continue
            yield Pair("variant", "mediclassics hangul→hanja", "kor", "title", hanja, hangul)
            yield Pair("variant", "mediclassics hanja→hangul", "kor", "title", hangul, hanja)


def ndl_reading_pairs(data: Path) -> Iterator[Pair]:
    """NDL titles with their katakana transcriptions (DC-NDL), both ways."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from realdata_records import ndl

    for sample in ndl(data):
        for reading in sample.readings:
            yield Pair("variant", "ndl kana→kanji", "jpn", "title", sample.title, reading)
            yield Pair("variant", "ndl kanji→kana", "jpn", "title", reading, sample.title)


_GIVEN_NAME = re.compile(r"^(\S+,?) (\w+)-(\w+)(.*)$")


def mr_form_pairs(mr: list[Pair]) -> Iterator[Pair]:
    """Other ways of writing the real MR pairs, as other catalogues and searchers do:

    - the reverse: the hangul typed, the record holding only the romanized form (a record with no 880);
    - a name's given-name syllables hyphenated (ALA-LC "Kim Sang-gyŏng"), spaced with capitals (Kim Sang
      Gyŏng, as many Western catalogues and North Korean usage write them), run together (Kim Sanggyŏng) or
      hyphenated with a capital (Kim Sang-Gyŏng)."""
    for pair in mr:
        if detect_script(pair.query) != "Latn":
            continue
        yield Pair("mr-forms", f"reverse {pair.source}", pair.lang, pair.role, pair.query, pair.text)
        match = _GIVEN_NAME.match(pair.query) if pair.role == "creator" else None
        if match:
            family, first, second, rest = match.groups()
            for written in (
                f"{family} {first} {second.capitalize()}{rest}",
                f"{family} {first}{second}{rest}",
                f"{family} {first}-{second.capitalize()}{rest}",
            ):
                yield Pair("mr-forms", f"name styles {pair.source}", pair.lang, pair.role, pair.text, written)


def all_pairs(data: Path, mediclassics_every: int = 1) -> list[Pair]:
    marc = [pair for source, record in _marc_records(data) for pair in marc_pairs(record, source)]
    mr = [pair for pair in (*princeton_solr_pairs(data), *marc) if pair.kind == "mr"]
    return [
        *mr_form_pairs(mr),
        *mediclassics_pairs(data, mediclassics_every),
        *ndl_reading_pairs(data),
        *nlk_organisation_pairs(data),
        *princeton_solr_pairs(data),
        *marc,
        *nlk_person_pairs(data),
    ]


def records_for(pairs: list[Pair]) -> tuple[list[Record], dict[Pair, str]]:
    """One record per distinct (role, language, text); each pair → the id of its record."""
    ids: dict[tuple[str, str, str], str] = {}
    records = []
    for pair in pairs:
        key = (pair.role, pair.lang, pair.text)
        if key in ids:
            continue
        form = [Form(pair.text, detect_script(pair.text))]
        record = Record(
            source="pairs",
            local_id=str(len(records)),
            languages=[pair.lang],
            titles=[Title(form)] if pair.role != "creator" else [],
            agents=[Agent(form)] if pair.role == "creator" else [],
        )
        ids[key] = record.id
        records.append(record)
    return records, {pair: ids[(pair.role, pair.lang, pair.text)] for pair in pairs}


def measure(pairs: list[Pair], index_dir: Path, readings=None) -> dict[str, dict]:
    """kind → {"found", "asked", "first", "matches", "by_source": {source: [found, asked, first]}, "misses": [...]}.
    One index per source (and direction): a query's own text, catalogued as the other side of its pair, is
    not among the records it competes with. ``readings``: a learned-readings lexicon for the index (held out
    from the pairs asked: `bench/learned_readings.py`)."""
    results: dict[str, dict] = {}
    by_source: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_source[pair.source].append(pair)
    for number, group in enumerate(by_source.values()):
        _measure_group(group, index_dir / str(number), results, readings)
    return results


def _measure_group(pairs: list[Pair], index_dir: Path, results: dict[str, dict], readings=None) -> None:
    records, target = records_for(pairs)
    index = SearchIndex.open(index_dir, readings=readings)
    index.add(records)
    for pair in pairs:
        row = results.setdefault(
            pair.kind, {"found": 0, "asked": 0, "first": 0, "matches": 0, "by_source": defaultdict(lambda: [0, 0, 0]),
                        "misses": []}
        )
        top = index.search(SearchRequest(pair.query, facets=(), page_size=10))
        ids = [hit.id for hit in top.hits]
        found = target[pair] in ids
        row["asked"] += 1
        row["found"] += found
        row["first"] += bool(ids) and ids[0] == target[pair]
        row["matches"] += top.total
        label = f"{pair.source} ({pair.role}, {pair.lang})"
        row["by_source"][label][0] += found
        row["by_source"][label][1] += 1
        row["by_source"][label][2] += bool(ids) and ids[0] == target[pair]
        if not found:
            row["misses"].append(pair)
