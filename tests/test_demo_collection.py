"""The demo collection (tongwen/demo_collection/): every file is well formed, complete and up to date with tongwen/demo_collection/facts.py.

These tests read the files with lxml and the csv module directly, not through Tongwen's importers, so they
describe the files themselves; the importer tests load the same files through the readers.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field

import pytest
from lxml import etree
from opencc import OpenCC

from tongwen.demo import DEMO_DIR as DEMO

MARC = "{http://www.loc.gov/MARC21/slim}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MODEL_KEYS = {
    "id",
    "title",
    "title_reading",
    "title_romanized",
    "title_variant",
    "creator",
    "creator_romanized",
    "contributor",
    "publisher",
    "place",
    "date",
    "language",
    "isbn",
    "issn",
    "identifier",
    "subject",
    "genre",
    "type",
    "extent",
    "notes",
    "url",
    "iiif_manifest",
    "thumbnail",
    "rights",
    "license",
    "institution",
}
REQUIRED_INSTITUTIONS = {"NLC", "NDL", "NLK", "NLB", "NLV", "NLT"}
REQUIRED_LANGUAGES = {"chi", "jpn", "kor", "eng", "vie", "tha", "may", "tam"}
ERA_DATE = re.compile(
    r"明治|大正|昭和|寛永|慶長|延宝|安永|享和|文化|民國|民国|乾隆|康熙|光武|建陽|萬曆|正統|天順|嘉靖|正德|พ\.ศ\."
)
LINK_PATTERNS = (
    re.compile(r"https://www\.aozora\.gr\.jp/cards/\d{6}/card\d+\.html"),
    re.compile(r"https://www\.gutenberg\.org/ebooks/\d+"),
)
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
TO_SIMPLIFIED = OpenCC("t2s")


@dataclass
class DemoRecord:
    """What the tests need from one record, whatever its file format."""

    source: str
    institution: str
    local_id: str
    language: str
    titles: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    publishers: list[str] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def manifest() -> list[dict]:
    return tomllib.loads((DEMO / "manifest.toml").read_text(encoding="utf-8"))["collection"]


def subfields(datafield: etree._Element, code: str) -> list[str]:
    return [sf.text or "" for sf in datafield.findall(f"{MARC}subfield[@code='{code}']")]


def marc_records(entry: dict) -> list[DemoRecord]:
    root = etree.parse(str(DEMO / entry["file"]), SAFE_PARSER).getroot()
    records = []
    for record in root.iter(f"{MARC}record"):
        f008 = record.findtext(f"{MARC}controlfield[@tag='008']")
        rec = DemoRecord(
            entry["source"],
            entry["institution"],
            record.findtext(f"{MARC}controlfield[@tag='001']"),
            f008[35:38],
        )
        for datafield in record.iter(f"{MARC}datafield"):
            tag = datafield.get("tag")
            linked = (subfields(datafield, "6") or [""])[0][:3]
            if tag in ("245", "246") or linked in ("245", "246"):
                rec.titles += subfields(datafield, "a")
            if tag == "264" or linked == "264":
                rec.dates += subfields(datafield, "c")
                rec.publishers += subfields(datafield, "b")
            if tag == "020":
                rec.isbns += subfields(datafield, "a")
            if tag == "856":
                rec.links += subfields(datafield, "u")
        records.append(rec)
    return records


def dc_elements(entry: dict) -> list[etree._Element]:
    root = etree.parse(str(DEMO / entry["file"]), SAFE_PARSER).getroot()
    return list(root.iter(f"{OAI_DC}dc"))


def dc_records(entry: dict) -> list[DemoRecord]:
    records = []
    for dc in dc_elements(entry):

        def texts(name: str, dc: etree._Element = dc) -> list[str]:
            return [element.text or "" for element in dc.findall(f"{DC}{name}")]

        identifiers = texts("identifier")
        records.append(
            DemoRecord(
                entry["source"],
                entry["institution"],
                identifiers[0],
                texts("language")[0],
                titles=texts("title"),
                dates=texts("date"),
                publishers=texts("publisher"),
                isbns=[i.removeprefix("urn:isbn:") for i in identifiers if i.startswith("urn:isbn:")],
                links=texts("relation"),
            )
        )
    return records


def csv_mapping(entry: dict) -> dict[str, str]:
    return tomllib.loads((DEMO / entry["columns"]).read_text(encoding="utf-8"))["columns"]


def csv_records(entry: dict) -> list[DemoRecord]:
    columns = csv_mapping(entry)
    with (DEMO / entry["file"]).open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))

    def cell(row: dict, key: str) -> list[str]:
        value = row.get(columns.get(key, ""), "") or ""
        return [part for part in value.split("|") if part]

    return [
        DemoRecord(
            entry["source"],
            (cell(row, "institution") or [entry["institution"]])[0],
            row[columns["id"]],
            row[columns["language"]],
            titles=cell(row, "title") + cell(row, "title_variant"),
            dates=cell(row, "date"),
            publishers=cell(row, "publisher"),
            isbns=cell(row, "isbn"),
            links=cell(row, "url"),
        )
        for row in rows
    ]


READERS = {"marcxml": marc_records, "dc": dc_records, "csv": csv_records}


@pytest.fixture(scope="module")
def records() -> list[DemoRecord]:
    """The catalogue records (the digitised items' TEI files are checked in tests/test_demo_digitised.py)."""
    return [rec for entry in manifest() if entry["format"] in READERS for rec in READERS[entry["format"]](entry)]


def entries(fmt: str) -> list[dict]:
    return [entry for entry in manifest() if entry["format"] == fmt]


# ----------------------------------------------------------------------------------------------- manifest
def test_manifest_lists_existing_files_each_as_its_own_source():
    collection = manifest()
    assert {entry["format"] for entry in collection} == {"marcxml", "dc", "csv", "tei"}
    assert len({entry["source"] for entry in collection}) == len(collection)
    for entry in collection:
        assert {"file", "source", "institution", "format", "description"} <= entry.keys(), entry
        assert (DEMO / entry["file"]).is_file(), entry["file"]
        if entry["format"] == "csv":
            assert (DEMO / entry["columns"]).is_file(), entry["columns"]


# ------------------------------------------------------------------------------------------------ MARCXML
@pytest.mark.parametrize("entry", entries("marcxml"), ids=lambda e: e["file"])
def test_marcxml_every_880_has_its_partner_and_back(entry):
    root = etree.parse(str(DEMO / entry["file"]), SAFE_PARSER).getroot()
    assert root.tag == f"{MARC}collection"
    for record in root.iter(f"{MARC}record"):
        local_id = record.findtext(f"{MARC}controlfield[@tag='001']")
        assert record.findtext(f"{MARC}leader")[9] == "a", f"{local_id}: leader/09 must say Unicode"
        links, vernacular = {}, {}
        for datafield in record.iter(f"{MARC}datafield"):
            for link in subfields(datafield, "6"):
                if datafield.get("tag") == "880":
                    tag, occurrence = link.split("/")[0].split("-")
                    vernacular[occurrence] = tag
                else:
                    assert link.startswith("880-"), f"{local_id} {datafield.get('tag')}: $6 {link}"
                    links[link[4:6]] = datafield.get("tag")
        assert links == vernacular, f"{local_id}: unpaired 880 links {links} vs {vernacular}"
        assert "245" in links.values() or record.find(f"{MARC}datafield[@tag='245']") is not None


@pytest.mark.parametrize("entry", entries("marcxml"), ids=lambda e: e["file"])
def test_marcxml_008_carries_the_gregorian_year_and_language(entry):
    root = etree.parse(str(DEMO / entry["file"]), SAFE_PARSER).getroot()
    for record in root.iter(f"{MARC}record"):
        local_id = record.findtext(f"{MARC}controlfield[@tag='001']")
        f008 = record.findtext(f"{MARC}controlfield[@tag='008']")
        assert len(f008) == 40, local_id
        f041 = record.find(f"{MARC}datafield[@tag='041']")
        assert f008[35:38] == subfields(f041, "a")[0], f"{local_id}: 008/35-37 and 041 $a disagree"
        dates = [c for df in record.findall(f"{MARC}datafield[@tag='264']") for c in subfields(df, "c")]
        if dates and f008[6] in "smcd":  # single, multiple, serial; "q" (a century) has no year to compare
            years = re.findall(r"\[(\d{4})", dates[0]) or re.findall(r"^(\d{4})", dates[0])
            assert years and f008[7:11] == years[0], (
                f"{local_id}: 008 date1 {f008[7:11]} vs 264 $c {dates[0]}"
            )


# ----------------------------------------------------------------------------------------- Dublin Core
@pytest.mark.parametrize("entry", entries("dc"), ids=lambda e: e["file"])
def test_dc_records_have_local_id_and_language_tagged_titles(entry):
    root = etree.parse(str(DEMO / entry["file"]), SAFE_PARSER).getroot()
    if root.tag == f"{OAI}OAI-PMH":
        headers = [h.findtext(f"{OAI}identifier") for h in root.iter(f"{OAI}header")]
        ids = [dc.findtext(f"{DC}identifier") for dc in dc_elements(entry)]
        assert [h.rsplit(":", 1)[1] for h in headers] == ids
    for dc in dc_elements(entry):
        titles = dc.findall(f"{DC}title")
        assert titles and all(t.get(XML_LANG) for t in titles), dc.findtext(f"{DC}identifier")


def test_dc_romanized_titles_sit_beside_the_vernacular():
    tags = Counter(
        t.get(XML_LANG)
        for entry in entries("dc")
        for dc in dc_elements(entry)
        for t in dc.findall(f"{DC}title")
    )
    assert tags["ja"] and tags["ja-Latn"] and tags["zh-Hans"] and tags["zh-Latn"] and tags["vi-Hani"]


# ------------------------------------------------------------------------------------------------------ CSV
@pytest.mark.parametrize("entry", entries("csv"), ids=lambda e: e["file"])
def test_csv_rows_have_every_declared_column(entry):
    columns = csv_mapping(entry)
    assert set(columns) <= MODEL_KEYS, set(columns) - MODEL_KEYS
    assert {"id", "title"} <= set(columns)
    with (DEMO / entry["file"]).open(encoding="utf-8", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    assert set(columns.values()) <= set(header)
    for number, row in enumerate(rows, start=2):
        assert len(row) == len(header), f"{entry['file']} line {number}"
        assert row[header.index(columns["id"])] and row[header.index(columns["title"])]


# ------------------------------------------------------------------------------------------ the whole
def test_ids_are_unique_per_source(records):
    per_source = Counter((rec.source, rec.local_id) for rec in records)
    assert [key for key, n in per_source.items() if n > 1] == []


def test_size_institutions_and_languages(records):
    assert len(records) >= 180
    assert {rec.institution for rec in records} >= REQUIRED_INSTITUTIONS
    languages = Counter(rec.language for rec in records)
    assert set(languages) >= REQUIRED_LANGUAGES
    assert languages["vie"] >= 15 and languages["tha"] >= 15  # two ASEAN languages well represented


def test_scripts_simplified_traditional_kana_hangul_hanja_thai(records):
    titles = [title for rec in records for title in rec.titles]
    han = [t for t in titles if re.fullmatch(r"[\u4e00-\u9fff]+", t)]
    assert any(TO_SIMPLIFIED.convert(t) != t for t in han), "no traditional Chinese title"
    assert any(TO_SIMPLIFIED.convert(t) == t and OpenCC("s2t").convert(t) != t for t in han), "no simplified"
    assert any(re.search(r"[\u3040-\u30ff]", t) for t in titles)
    korean = [title for rec in records if rec.institution == "NLK" for title in rec.titles]
    assert any(re.search(r"[\uac00-\ud7af]", t) for t in korean) and any(
        re.fullmatch(r"[\u4e00-\u9fff ]+", t) for t in korean
    )
    assert any(re.search(r"[\u0e00-\u0e7f]", t) for t in titles)
    assert any(re.search(r"[ăâđêôơư]", t) for t in titles)  # Vietnamese


def test_era_name_dates_are_transcribed(records):
    era_dated = [rec for rec in records if any(ERA_DATE.search(d) for d in rec.dates)]
    assert len(era_dated) >= 15
    assert {rec.institution for rec in era_dated} >= {"NDL", "NLK", "NLC", "NLT"}


def test_cross_script_words_for_search(records):
    def titles_of(institution: str) -> str:
        return " ".join(t for rec in records if rec.institution == institution for t in rec.titles)

    assert "仏教" in titles_of("NDL") and "佛教" in titles_of("NLC") and "佛敎" in titles_of("NLK")
    assert "韓國經濟" in titles_of("NLK") and "한국경제" in titles_of("NLK")
    assert any("国立国会図書館" in p for rec in records if rec.institution == "NDL" for p in rec.publishers)


def test_isbns_have_valid_check_digits(records):
    isbns = [isbn for rec in records for isbn in rec.isbns]
    assert isbns
    for isbn in isbns:
        digits = [int(ch) for ch in isbn]
        assert len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0, (
            isbn
        )


def test_links_only_to_known_stable_patterns(records):
    links = [link for rec in records for link in rec.links]
    assert links
    assert all(any(p.fullmatch(link) for p in LINK_PATTERNS) for link in links), links
    every_file = " ".join((DEMO / e["file"]).read_text(encoding="utf-8") for e in manifest())
    assert "example.org" not in every_file and "iiif" not in every_file.lower()


# ---------------------------------------------------------------------------------- generated from facts
@pytest.fixture(scope="module")
def build_module():
    spec = importlib.util.spec_from_file_location("demo_build", DEMO / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_many_works_are_held_by_three_or_more_libraries(build_module):
    shared = build_module.shared_works(min_institutions=3)
    assert len(shared) >= 15
    assert {"hongloumeng", "genji", "chunhyang", "kieu", "old-man-sea"} <= shared.keys()


def test_committed_files_are_what_build_py_generates(build_module, tmp_path):
    build_module.build(tmp_path)
    stale = [
        name
        for name in build_module.generated_names()
        if (tmp_path / name).read_bytes() != (DEMO / name).read_bytes()
    ]
    assert stale == [], f"rerun `.venv/bin/python tongwen/demo_collection/build.py`: {stale} differ from tongwen/demo_collection/facts.py"
