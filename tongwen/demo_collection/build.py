"""Generate the demo collection's files from the fact table in `facts.py`.

Run from the project root (re-runnable; the output is deterministic, so a second run changes nothing):

    .venv/bin/python tongwen/demo_collection/build.py

which writes *.marcxml, *.dc.xml, *.csv, manifest.toml and README.md beside it.

Each source is one file in one format: MARCXML (MARC 21 slim, 880 vernacular fields linked to their romanized
partners by $6, as LC/ALA-LC catalogues do), Dublin Core (an OAI-PMH ListRecords response, or oai_dc records in a
wrapper element), and CSV with a column-mapping TOML. XML is written with lxml, CSV with the csv module.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree
from opencc import OpenCC

sys.path.insert(0, str(Path(__file__).resolve().parent))
import digitised
import facts
from facts import Fact

DEMO_DIR = Path(__file__).resolve().parent
MARC_NS = "http://www.loc.gov/MARC21/slim"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATESTAMP = "2026-01-01"  # fixed, so that rebuilding produces identical files
DATE_ENTERED = "260101"  # MARC 008/00-05
SCRIPT_CJK = "$1"  # MARC 880 $6 script identification code for CJK (used for hangul too)
_TO_SIMPLIFIED = OpenCC("t2s")

# name, file, source, institution, format, facts, description
SOURCES: list[dict] = [
    {
        "file": "ndl.marcxml",
        "source": "ndl-demo",
        "institution": "NDL",
        "format": "marcxml",
        "facts": facts.NDL_MARC,
        "description": "NDL-like holdings: Japanese classics, modern fiction, translations of Chinese and Korean "
        "works; 245 in Hepburn romanization with 880 kanji/kana partners.",
    },
    {
        "file": "ndl-digital.dc.xml",
        "source": "ndl-digital-demo",
        "institution": "NDL",
        "format": "dc",
        "facts": facts.NDL_DC,
        "kind": "oai",
        "rom_tag": "ja-Latn",
        "description": "NDL Digital Collections-like early printed books (Edo to Meiji) as an OAI-PMH oai_dc "
        "ListRecords response; era-name dates, ja + ja-Latn titles.",
    },
    {
        "file": "nlk.marcxml",
        "source": "nlk-demo",
        "institution": "NLK",
        "format": "marcxml",
        "facts": facts.NLK_MARC,
        "description": "NLK-like holdings: Korean classics, early newspapers, modern literature and translations; "
        "245 in McCune-Reischauer with 880 hangul / hanja partners.",
    },
    {
        "file": "nlc.dc.xml",
        "source": "nlc-demo",
        "institution": "NLC",
        "format": "dc",
        "facts": facts.NLC_DC,
        "kind": "oai",
        "rom_tag": "zh-Latn",
        "description": "NLC-like holdings as an OAI-PMH oai_dc ListRecords response: simplified Chinese "
        "cataloguing (traditional for pre-1912 books), pinyin titles, Republican-era dates.",
    },
    {
        "file": "nlv.dc.xml",
        "source": "nlv-demo",
        "institution": "NLV",
        "format": "dc",
        "facts": facts.NLV_DC,
        "kind": "wrapper",
        "rom_tag": None,
        "description": "NLV-like holdings as oai_dc records in a wrapper element: Vietnamese literature and "
        "history with Hán-Nôm titles (vi-Hani).",
    },
    {
        "file": "nlb.csv",
        "source": "nlb-demo",
        "institution": "NLB",
        "format": "csv",
        "facts": facts.NLB_CSV,
        "columns": "nlb.columns.toml",
        "description": "NLB-like holdings as CSV: English translations of East Asian classics, Singapore "
        "titles, Chinese, Malay and Tamil books.",
    },
    {
        "file": "nlt.csv",
        "source": "nlt-demo",
        "institution": "NLT",
        "format": "csv",
        "facts": facts.NLT_CSV,
        "columns": "nlt.columns.toml",
        "description": "NLT-like holdings as CSV with Thai column headers: Thai literature and Buddhist texts, "
        "Buddhist Era dates (พ.ศ.) as transcribed.",
    },
]

# CSV headers, per file: model key -> the header in that file.
CSV_COLUMNS: dict[str, dict[str, str]] = {
    "nlb.csv": {
        "id": "Record ID",
        "title": "Title",
        "title_romanized": "Title (romanized)",
        "title_variant": "Other titles",
        "creator": "Author",
        "contributor": "Other contributors",
        "publisher": "Publisher",
        "place": "Place of publication",
        "date": "Date",
        "language": "Language",
        "isbn": "ISBN",
        "subject": "Subjects",
        "extent": "Physical description",
        "notes": "Notes",
        "url": "Online",
        "institution": "Library",
    },
    "nlt.csv": {
        "id": "เลขระเบียน",
        "title": "ชื่อเรื่อง",
        "title_romanized": "ชื่อเรื่อง (อักษรโรมัน)",
        "title_variant": "ชื่อเรื่องอื่น",
        "creator": "ผู้แต่ง",
        "creator_romanized": "ผู้แต่ง (อักษรโรมัน)",
        "contributor": "ผู้แต่งร่วม",
        "publisher": "สำนักพิมพ์",
        "place": "สถานที่พิมพ์",
        "date": "ปีที่พิมพ์",
        "language": "ภาษา",
        "subject": "หัวเรื่อง",
        "extent": "จำนวนหน้า",
        "notes": "หมายเหตุ",
    },
}

# MARC 008/15-17 place of publication, from the transcribed place; else the holding country.
COUNTRY_BY_PLACE = {
    "東京": "ja ",
    "京都": "ja ",
    "京城": "ko ",
    "서울": "ko ",
    "파주": "ko ",
    "全州": "ko ",
    "慶州": "ko ",
}
COUNTRY_BY_INSTITUTION = {"NDL": "ja ", "NLK": "ko "}


def is_latin(text: str) -> bool:
    return all(
        ord(ch) < 0x2E80 and not "\u0e00" <= ch <= "\u0e7f" and not "\u0b80" <= ch <= "\u0bff" for ch in text
    )


# ------------------------------------------------------------------------------------------------ MARCXML
class MarcRecordWriter:
    """Builds one MARCXML <record>, pairing each romanized field with its 880 vernacular field."""

    def __init__(self, parent: etree._Element):
        self.record = etree.SubElement(parent, f"{{{MARC_NS}}}record")
        self.vernacular: list[tuple[str, str, str, list[tuple[str, str]]]] = []

    def control(self, tag: str, value: str) -> None:
        if tag == "leader":
            etree.SubElement(self.record, f"{{{MARC_NS}}}leader").text = value
        else:
            etree.SubElement(self.record, f"{{{MARC_NS}}}controlfield", tag=tag).text = value

    def field(self, tag: str, ind: str, subfields: list[tuple[str, str]]) -> None:
        datafield = etree.SubElement(
            self.record, f"{{{MARC_NS}}}datafield", tag=tag, ind1=ind[0], ind2=ind[1]
        )
        for code, value in subfields:
            etree.SubElement(datafield, f"{{{MARC_NS}}}subfield", code=code).text = value

    def paired(self, tag: str, ind: str, romanized: list[tuple[str, str]], vernacular: list[tuple[str, str]]):
        """A field with its 880 partner; unpaired when the vernacular is the same as the romanized text."""
        if romanized == vernacular:
            self.field(tag, ind, romanized)
            return
        occurrence = f"{len(self.vernacular) + 1:02d}"
        self.field(tag, ind, [("6", f"880-{occurrence}"), *romanized])
        self.vernacular.append((tag, ind, occurrence, vernacular))

    def finish(self) -> None:
        for tag, ind, occurrence, subfields in self.vernacular:
            self.field("880", ind, [("6", f"{tag}-{occurrence}/{SCRIPT_CJK}"), *subfields])


def name_indicator(romanized: str) -> str:
    return "1 " if "," in romanized else "0 "


def field_008(fact: Fact, institution: str) -> str:
    first, last = fact.year_range
    if fact.typ == "serial":
        kind = "u" if first is None else ("c" if last is None else "d")
        date1, date2 = (str(first) if first else "uuuu"), ("9999" if last is None else str(last))
        if first is None:
            date2 = "uuuu"
    elif first is None:
        kind, date1, date2 = "n", "uuuu", "uuuu"
    else:
        kind = fact.extra.get("dtype", "s" if last is None else "m")
        date1, date2 = str(first), ("    " if last is None else str(last))
    place_text, _, publisher, _ = fact.imp or (None, None, None, None)
    if place_text or publisher:  # a transcribed imprint: its place, else the holding library's country
        place = COUNTRY_BY_PLACE.get(place_text or "") or COUNTRY_BY_INSTITUTION.get(institution, "xx ")
    else:
        place = "xx "  # nothing transcribed: unknown
    value = f"{DATE_ENTERED}{kind}{date1}{date2}{place}{' ' * 17}{fact.lang} d"
    assert len(value) == 40, value
    return value


def marc_record(parent: etree._Element, fact: Fact, institution: str) -> None:
    w = MarcRecordWriter(parent)
    type_of_record = "t" if fact.typ == "manuscript" else "a"
    level = "s" if fact.typ == "serial" else "m"
    w.control("leader", f"00000n{type_of_record}{level} a2200000 i 4500")
    w.control("001", fact.id)
    w.control("008", field_008(fact, institution))
    if fact.isbn:
        w.field("020", "  ", [("a", fact.isbn)])
    if fact.ol:
        w.field("041", "1 ", [("a", fact.lang), ("h", fact.ol)])
    else:
        w.field("041", "0 ", [("a", fact.lang)])
    for index, (vern, rom) in enumerate(fact.c):
        tag = "100" if index == 0 else "700"
        w.paired(tag, name_indicator(rom or vern), [("a", rom or vern)], [("a", vern)])
    title_rom = fact.rom or fact.title
    w.paired("245", ("1" if fact.c else "0") + "0", [("a", title_rom)], [("a", fact.title)])
    for text, rom in fact.var:
        if is_latin(text):
            w.field("246", "1 ", [("a", text)])
        else:
            w.paired("246", "1 ", [("a", rom or title_rom)], [("a", text)])
    if fact.ed:
        w.field("250", "  ", [("a", fact.ed)])
    if fact.imp or fact.d:
        place, place_rom, pub, pub_rom = fact.imp or (None, None, None, None)
        rom_sub, vern_sub = [], []
        if place:
            rom_sub.append(("a", place_rom or place))
            vern_sub.append(("a", place))
        if pub:
            rom_sub.append(("b", pub_rom or pub))
            vern_sub.append(("b", pub))
        if fact.d:
            rom_sub.append(("c", fact.dr or fact.d))
            vern_sub.append(("c", fact.d))
        # 264 second indicator: 1 = publication, 0 = production (manuscripts are produced, not published).
        w.paired("264", " 0" if fact.typ == "manuscript" else " 1", rom_sub, vern_sub)
    if fact.ext:
        w.field("300", "  ", [("a", fact.ext)])
    if fact.ser:
        vern, rom = fact.ser
        w.paired("490", "0 ", [("a", rom or vern)], [("a", vern)])
    for note in fact.notes:
        w.field("500", "  ", [("a", note)])
    for heading in fact.subj:
        head, *subdivisions = heading.split("--")
        w.field("650", " 0", [("a", head), *(("x", s) for s in subdivisions)])
    for vern, rom, role in fact.k:
        w.paired(
            "700", name_indicator(rom or vern), [("a", rom or vern), ("e", role)], [("a", vern), ("e", role)]
        )
    if fact.url:
        w.field("856", "40", [("u", fact.url), ("z", link_label(fact.url))])
    w.finish()


def link_label(url: str) -> str:
    return "Full text (Aozora Bunko)" if "aozora" in url else "Full text (Project Gutenberg)"


def write_marcxml(path: Path, records: list[Fact], institution: str) -> None:
    collection = etree.Element(f"{{{MARC_NS}}}collection", nsmap={None: MARC_NS})
    for fact in records:
        marc_record(collection, fact, institution)
    write_xml(path, collection)


# ----------------------------------------------------------------------------------------- Dublin Core
def title_lang(text: str, fact: Fact, source: dict) -> str:
    """BCP 47 tag for one title form, from its script and the record's languages."""
    if any("\u3040" <= ch <= "\u30ff" for ch in text):
        return "ja"
    if any("\uac00" <= ch <= "\ud7af" for ch in text):
        return "ko"
    if is_latin(text):
        return {"chi": "zh", "jpn": "ja", "kor": "ko", "eng": "en", "vie": "vi"}.get(
            fact.ol or fact.lang, "und"
        )
    if source["institution"] == "NLV":
        return "vi-Hani"
    if source["institution"] == "NDL" and fact.lang == "jpn":
        return "ja"
    if fact.ol in ("jpn", "kor"):
        return {"jpn": "ja", "kor": "ko"}[fact.ol]
    return "zh-Hant" if _TO_SIMPLIFIED.convert(text) != text else "zh-Hans"


def dc_element(fact: Fact, source: dict) -> etree._Element:
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(name: str, text: str, lang: str | None = None) -> None:
        element = etree.SubElement(dc, f"{{{DC_NS}}}{name}")
        element.text = text
        if lang:
            element.set(XML_LANG, lang)

    add("title", fact.title, title_lang(fact.title, fact, source))
    if fact.rom and source.get("rom_tag"):
        add("title", fact.rom, source["rom_tag"])
    for text, _rom in fact.var:
        add("title", text, title_lang(text, fact, source))
    for vern, _rom in fact.c:
        add("creator", vern)
    for vern, _rom, _role in fact.k:
        add("contributor", vern)
    if fact.imp and fact.imp[2]:
        add("publisher", fact.imp[2])
    if fact.d:
        add("date", fact.d)
    add("language", fact.lang)
    add("type", "Text")
    for heading in fact.subj:
        add("subject", heading)
    for note in fact.notes:
        add("description", note)
    if fact.ext:
        add("format", fact.ext)
    add("identifier", fact.id)
    if fact.isbn:
        add("identifier", f"urn:isbn:{fact.isbn}")
    if fact.url:
        add("relation", fact.url)
    if fact.imp and fact.imp[0]:
        add("coverage", fact.imp[0])
    return dc


def write_dc(path: Path, source: dict) -> None:
    if source["kind"] == "oai":
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
        etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = f"{DATESTAMP}T00:00:00Z"
        # The base URL is a placeholder under the reserved .invalid domain: this is not a real endpoint.
        request = etree.SubElement(root, f"{{{OAI_NS}}}request", verb="ListRecords", metadataPrefix="oai_dc")
        request.text = f"https://{source['source']}.tongwen.invalid/oai"
        listing = etree.SubElement(root, f"{{{OAI_NS}}}ListRecords")
        for fact in source["facts"]:
            record = etree.SubElement(listing, f"{{{OAI_NS}}}record")
            header = etree.SubElement(record, f"{{{OAI_NS}}}header")
            etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = f"oai:{source['source']}:{fact.id}"
            etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = DATESTAMP
            etree.SubElement(record, f"{{{OAI_NS}}}metadata").append(dc_element(fact, source))
    else:
        root = etree.Element("records", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
        for fact in source["facts"]:
            root.append(dc_element(fact, source))
    write_xml(path, root)


def write_xml(path: Path, root: etree._Element) -> None:
    etree.cleanup_namespaces(root)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


# ------------------------------------------------------------------------------------------------- CSV
def csv_values(fact: Fact, institution: str) -> dict[str, str]:
    place, _place_rom, pub, _pub_rom = fact.imp or (None, None, None, None)
    return {
        "id": fact.id,
        "title": fact.title,
        "title_romanized": fact.rom or "",
        "title_variant": "|".join(text for text, _ in fact.var),
        "creator": "|".join(vern for vern, _ in fact.c),
        "creator_romanized": "|".join(rom or "" for _, rom in fact.c),
        "contributor": "|".join(vern for vern, _, _ in fact.k),
        "publisher": pub or "",
        "place": place or "",
        "date": fact.d or "",
        "language": fact.lang,
        "isbn": fact.isbn or "",
        "subject": "|".join(fact.subj),
        "extent": fact.ext or "",
        "notes": "|".join(list(fact.notes) + [f"{role.capitalize()}: {vern}" for vern, _, role in fact.k]),
        "url": fact.url or "",
        "institution": institution,
    }


def write_csv(path: Path, source: dict) -> None:
    columns = CSV_COLUMNS[source["file"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns.values())
    for fact in source["facts"]:
        values = csv_values(fact, source["institution"])
        writer.writerow(values[key] for key in columns)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    mapping = ["# Column mapping for " + source["file"] + ": our model key = the CSV header.", "[columns]"]
    mapping += [f"{key} = {toml_string(header)}" for key, header in columns.items()]
    (path.parent / source["columns"]).write_text("\n".join(mapping) + "\n", encoding="utf-8")


def toml_string(value: str) -> str:
    # JSON string escaping is valid TOML basic-string escaping for the text we write (no control characters).
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------- manifest and README
def write_manifest(path: Path) -> None:
    lines = [
        "# The demo collection: one [[collection]] per file; `make demo` loads each as its own source.",
        "",
    ]
    for source in SOURCES:
        lines.append("[[collection]]")
        for key in ("file", "source", "institution", "format", "columns", "description"):
            if key in source:
                lines.append(f"{key} = {toml_string(source[key])}")
        lines.append("")
    for file, items in digitised.files().items():
        lines.append("[[collection]]")
        lines.append(f"file = {toml_string(file)}")
        lines.append(f"source = {toml_string(digitised.source_name(items[0]))}")
        lines.append(f"institution = {toml_string(items[0].institution)}")
        lines.append('format = "tei"')
        described = ", ".join(f"{item.titles[0][1]} ({item.titles[1][1]}, {len(digitised.layout(item))} pages)"
                              for item in items)
        description = f"Digitised items as TEI P5, typed by us, pages drawn in pages/: {described}."
        lines.append(f"description = {toml_string(description)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def all_facts() -> Iterator[tuple[dict, Fact]]:
    for source in SOURCES:
        for fact in source["facts"]:
            yield source, fact


def shared_works(min_institutions: int = 3) -> dict[str, list[tuple[str, Fact]]]:
    """Works held by at least `min_institutions` libraries: work key -> [(institution, fact)]."""
    holdings: dict[str, list[tuple[str, Fact]]] = defaultdict(list)
    for source, fact in all_facts():
        if fact.work:
            holdings[fact.work].append((source["institution"], fact))
    return {
        work: held
        for work, held in holdings.items()
        if len({institution for institution, _ in held}) >= min_institutions
    }


LANGUAGE_NAMES = {
    "chi": "Chinese",
    "jpn": "Japanese",
    "kor": "Korean",
    "eng": "English",
    "vie": "Vietnamese",
    "tha": "Thai",
    "may": "Malay",
    "tam": "Tamil",
}

README_HEAD = """# The Tongwen demo collection

A small multi-library, multi-script catalogue that ships with Tongwen: `make demo` loads it, the portal serves
it, and the search, clustering and portal tests use it for hand-written cross-script cases.

**How it was written.** The Tongwen team wrote every record by hand from bibliographic facts: real works, real
authors, publishers and years of well-known editions. Nothing was copied from any library catalogue or from
`/work/shared/data`. Where we were not sure of a detail (a year, a translator, a publisher) the field is left
out rather than guessed, so some records are deliberately thin. ISBNs appear only where we know them (the tests
check their check digits); links only point at Aozora Bunko cards and Project Gutenberg ebooks whose ids we
checked; there are no IIIF manifests. The records imitate how each library catalogues (romanized 245 with 880
vernacular partners, era-name imprint dates, Buddhist Era dates in Thai), but the record ids (`ndl0001`...) are
ours, not the libraries'.

**How it is built.** The facts live once in `facts.py`; `build.py` generates every other file here:

    .venv/bin/python tongwen/demo_collection/build.py

Edit `facts.py`, rerun, commit both. `tests/test_demo_collection.py` checks the files are well formed and up
to date with the table.

**Romanization.** ALA-LC: modified Hepburn for Japanese, McCune-Reischauer for Korean, pinyin for Chinese
(in MARC 245/264/1XX/7XX with 880 partners, and as `ja-Latn` / `zh-Latn` DC titles); RTGS-style for Thai
(NLT CSV). Vietnamese Hán-Nôm titles are tagged `vi-Hani`.

**Dates.** Imprint dates are transcribed with era names where the item uses them (明治38-40 [1905-1907],
大正3 [1914], 昭和46年 [1971], 寛永21 [1644], 民國二十年 [1931], 乾隆五十六年 [1791], 光武八年 [1904],
建陽元年 [1896], 萬曆四十一年 [1613], พ.ศ. 2496 [1953]); the Gregorian years are in brackets and in MARC 008.
"""


def write_readme(path: Path) -> None:
    by_source = [(s["source"], s["institution"], s["format"], s["file"], len(s["facts"])) for s in SOURCES]
    total = sum(n for *_, n in by_source)
    institutions = Counter(source["institution"] for source, _ in all_facts())
    languages = Counter(fact.lang for _, fact in all_facts())
    formats = Counter(source["format"] for source, _ in all_facts())
    lines = [
        README_HEAD,
        "## Files",
        "",
        "| source | institution | format | file | records |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{s}` | {i} | {f} | `{file}` | {n} |" for s, i, f, file, n in by_source]
    lines += [
        f"| | | | **total** | **{total}** |",
        "",
        "CSV column mappings: "
        + ", ".join(f"`{s['columns']}`" for s in SOURCES if "columns" in s)
        + "; index: `manifest.toml`.",
        "",
    ]
    lines += [
        "## Counts",
        "",
        "By institution: " + ", ".join(f"{k} {v}" for k, v in sorted(institutions.items())),
        "",
        "By language (record language, ISO 639-2): "
        + ", ".join(f"{LANGUAGE_NAMES.get(k, k)} ({k}) {v}" for k, v in languages.most_common()),
        "",
        "By format: " + ", ".join(f"{k} {v}" for k, v in sorted(formats.items())),
        "",
    ]
    lines += [
        "## Digitised items",
        "",
        "Short public-domain passages typed by the Tongwen team (`digitised.py`), written by `build.py` as TEI P5 "
        "(one `<pb n facs/>` a page, one `<lb facs=\"#xywh=…\"/>` a column with the box it is drawn in) and "
        "drawn as page images by `pages/render.py` (Pillow and Noto Serif CJK; run it by hand after changing "
        "`digitised.py`, and commit the images: a machine without the font still loads them). The pages are "
        "our own typesetting, not scans of any library's copy.",
        "",
        "| source | file | title | pages (labels) |",
        "|---|---|---|---|",
    ]
    for item in digitised.ITEMS:
        pages = digitised.layout(item)
        labels = ", ".join(f"`{page.label}`" for page in pages)
        lines.append(f"| `{digitised.source_name(item)}` | `{digitised.tei_file(item)}` | "
                     f"{item.titles[0][1]} ({item.titles[1][1]}) | {len(pages)} ({labels}) |")
    lines.append("")
    works = shared_works()
    lines += [
        f"## Works held by three or more libraries ({len(works)})",
        "",
        "| work | institutions | forms of the title |",
        "|---|---|---|",
    ]
    for work, held in sorted(works.items(), key=lambda item: (-len(item[1]), item[0])):
        insts = ", ".join(sorted({institution for institution, _ in held}))
        titles = " · ".join(dict.fromkeys(fact.title for _, fact in held))
        lines.append(f"| `{work}` | {insts} | {titles} |")
    lines += [
        "",
        (
            "Other works appear twice (different editions, or two libraries), e.g. 古事記 / Ko-ji-ki, こころ / Kokoro, "
            "人間失格 / No longer human, 九雲夢 / The cloud dream of the nine, ขุนช้างขุนแผน / Khun Chang Khun "
            "Phaen, 獄中日記 / Nhật ký trong tù, Sejarah Melayu / Malay annals / 马来纪年."
        ),
        "",
    ]
    lines += [
        "## Cross-script cases worth knowing",
        "",
        (
            "- 仏教 (shinjitai) / 佛教 (NLC) / 佛敎 (Korean hanja with 敎): `ndl0028`, `ndl0029`, "
            "`nlc0026`, `nlc0027`, `nlk0034`."
        ),
        "- 国立国会図書館 as publisher: `ndl0030`, `ndl0031`; kyūjitai form 國立國會圖書館 as a variant title.",
        "- 韓國經濟新聞 / 한국경제신문 / 한국경제: `nlk0035`.",
        (
            "- Shinjitai / kyūjitai: 吾輩ハ猫デアル / 吾輩は猫である, 學問ノスヽメ / 学問のすゝめ, 萬葉集 / 万葉集, "
            "雪国 / 雪國, 解体新書 / 解體新書, 西國立志編 / 西国立志編."
        ),
        "- One Japanese novel under two Korean titles: 상실의 시대 and 노르웨이의 숲 (Noruwei no mori).",
        "- 春香 false friend: 춘향전 (春香傳) vs. Hồ Xuân Hương (胡春香).",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def build(out_dir: Path = DEMO_DIR) -> list[Path]:
    """Write every generated file into `out_dir`; returns their paths.

    >>> import tempfile; paths = build(Path(tempfile.mkdtemp()))
    >>> sorted(p.name for p in paths)[:2]
    ['README.md', 'manifest.toml']
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for source in SOURCES:
        path = out_dir / source["file"]
        if source["format"] == "marcxml":
            write_marcxml(path, source["facts"], source["institution"])
        elif source["format"] == "dc":
            write_dc(path, source)
        else:
            write_csv(path, source)
            written.append(out_dir / source["columns"])
        written.append(path)
    for file, items in digitised.files().items():
        path = out_dir / file
        path.write_bytes(digitised.tei_file_content(items))
        written.append(path)
    write_manifest(out_dir / "manifest.toml")
    write_readme(out_dir / "README.md")
    return written + [out_dir / "manifest.toml", out_dir / "README.md"]


def generated_names() -> Iterable[str]:
    for source in SOURCES:
        yield source["file"]
        if "columns" in source:
            yield source["columns"]
    yield from digitised.files()
    yield from ("manifest.toml", "README.md")


if __name__ == "__main__":
    for written_path in build():
        print(
            written_path.relative_to(Path.cwd()) if written_path.is_relative_to(Path.cwd()) else written_path
        )
