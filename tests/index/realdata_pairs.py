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
- **MR**: the Korean ones among those (titles, names and imprints in McCune–Reischauer as ALA-LC applies it),
  plus the romanized alt labels of NLK's Korean persons.

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


def princeton_solr_pairs(data: Path) -> Iterator[Pair]:
    """Princeton's Solr documents: title_display / title_vern_display, and the romanized and vernacular
    values of the author and imprint display fields (Solr keeps them side by side in one list)."""
    for document in _princeton_documents(data):
        languages = [_PRINCETON_LANGS.get(name) for name in document.get("language_facet", [])]
        lang = next((code for code in languages if code), None)
        if lang is None:
            continue
        kind = "mr" if lang == "kor" else "ala-lc"
        title, vernacular = document.get("title_display", [""])[0], document.get("title_vern_display", [""])[0]
        if title and vernacular:
            yield Pair(kind, "princeton-solr", lang, "title", _nfc(vernacular), _nfc(title))
        for field, role in (("author_display", "creator"), ("pub_created_display", "imprint")):
            values = [_nfc(value) for value in document.get(field, [])]
            romanized = [value for value in values if detect_script(value) == "Latn"]
            vernacular_values = [value for value in values if _cjk(value)]
            if len(romanized) == len(vernacular_values) == 1:  # one form each: unambiguous partners
                yield Pair(kind, "princeton-solr", lang, role, vernacular_values[0], romanized[0])


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
                yield Pair("mr", "nlk-person", "kor", "creator", label, _nfc(alt))


def _letters(text: str) -> str:
    return _LETTERS.sub("", text)


def nlk_organisation_pairs(data: Path) -> Iterator[Pair]:
    """NLK corporate names: a hangul label and a hanja label of the same length (letters only), or two Han
    labels of the same length that differ (traditional / simplified): 한양대학교. 박물관 / 漢陽大學校. 博物館."""
    graph = json.loads((data / "nlk-lod-jsonld-samples" / "Organization_sample.json").read_text(encoding="utf-8"))
    for organisation in graph["@graph"]:
        alts = organisation.get("altLabel", [])
        labels = [organisation.get("prefLabel", ""), *([alts] if isinstance(alts, str) else alts)]
        labels = list(dict.fromkeys(_nfc(str(label)) for label in labels if label))
        hangul = [label for label in labels if _HANGUL.search(label) and not _HAN.search(label)]
        han = [label for label in labels if _HAN.search(label) and not _HANGUL.search(label) and "@" not in label]
        for first in hangul:
            for second in han:
                if len(_letters(first)) == len(_letters(second)):
                    yield Pair("variant", "nlk-organisation hangul/hanja", "kor", "creator", first, second)
                    yield Pair("variant", "nlk-organisation hanja/hangul", "kor", "creator", second, first)
        for i, first in enumerate(han):
            for second in han[i + 1 :]:
                if len(_letters(first)) == len(_letters(second)) and _letters(first) != _letters(second):
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


def all_pairs(data: Path, mediclassics_every: int = 1) -> list[Pair]:
    marc = [pair for source, record in _marc_records(data) for pair in marc_pairs(record, source)]
    return [
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


def measure(pairs: list[Pair], index_dir: Path) -> dict[str, dict]:
    """kind → {"found", "asked", "first", "matches", "by_source": {source: [found, asked]}, "misses": [...]}.
    One index per source (and direction): a query's own text, catalogued as the other side of its pair, is
    not among the records it competes with."""
    results: dict[str, dict] = {}
    by_source: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_source[pair.source].append(pair)
    for number, group in enumerate(by_source.values()):
        _measure_group(group, index_dir / str(number), results)
    return results


def _measure_group(pairs: list[Pair], index_dir: Path, results: dict[str, dict]) -> None:
    records, target = records_for(pairs)
    index = SearchIndex.open(index_dir)
    index.add(records)
    for pair in pairs:
        row = results.setdefault(
            pair.kind, {"found": 0, "asked": 0, "first": 0, "matches": 0, "by_source": defaultdict(lambda: [0, 0]),
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
        if not found:
            row["misses"].append(pair)
