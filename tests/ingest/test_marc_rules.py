"""MARC field rules on real records: 880 pairing, $8 parallel fields, identifiers, dates, diagnostics."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pymarc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongwen.ingest import marc, marc_rules, marcjson, marcxml
from tongwen.ingest.base import MapContext, RawRecord, RecordRejected
from tongwen.ingest.marc_rules import strip_isbd, to_record
from tongwen.model import Record

CONTEXT = MapContext(source="test")


def read_all(path: Path) -> list[RawRecord]:
    module = {".json": marcjson, ".jsonl": marcjson, ".xml": marcxml}.get(path.suffix, marc)
    with path.open("rb") as stream:
        return list(module.read(stream, path.name, {}))


def mapped(path: Path) -> list[Record]:
    return [to_record(raw, CONTEXT)[0] for raw in read_all(path)]


def texts(group) -> list[str]:
    return [form.text for form in group.forms]


# --- Open Library fixtures: our mapping agrees with their expected parse -------------------------------

OPENLIBRARY = [
    "880_Nihon_no_chasho",
    "880_alternate_script",
    "710_org_name_in_direct_order",
    "880_arabic_french_many_linkages",
    "880_publisher_unlinked",
    "880_table_of_contents",
]


@pytest.mark.parametrize("name", OPENLIBRARY)
def test_openlibrary_880_fixtures_match_their_expected_parse(shared_data, name):
    folder = shared_data / "openlibrary-marc-880"
    record = mapped(folder / "bin_input" / f"{name}.mrc")[0]
    expected = json.loads((folder / "bin_expect" / f"{name}.json").read_text("utf-8"))
    # Open Library splits off the subtitle ($b); our title keeps it.
    assert any(form.startswith(strip_isbd(expected["title"])) for form in texts(record.main_title))
    agent_forms = {text for agent in record.agents for text in texts(agent)}
    for author in expected.get("authors", []):
        assert strip_isbd(author["name"]) in agent_forms
        for alternate in author.get("alternate_names", []):
            assert strip_isbd(alternate) in agent_forms
    publication_forms = [form for pub in record.publications for form in pub.forms]
    for publisher in expected.get("publishers", []):
        assert any(strip_isbd(publisher) in (form.publisher or "") for form in publication_forms)
    for place in expected.get("publish_places", []):
        assert any(strip_isbd(place) in (form.place or "") for form in publication_forms)
    assert set(expected.get("languages", [])) <= set(record.languages)
    ids = {(i.scheme, i.value) for i in record.identifiers}
    assert {("oclc", n) for n in expected.get("oclc_numbers", [])} <= ids
    isbn_a = " ".join(
        v
        for f in read_all(folder / "bin_input" / f"{name}.mrc")[0].payload.get_fields("020")
        for v in f.get_subfields("a")
    )
    valid_isbns = {n for n in expected.get("isbn_13", []) if n in isbn_a}
    assert {("isbn", n) for n in valid_isbns} <= ids  # Open Library also lists cancelled ISBNs (020 $z)
    if "publish_date" in expected:
        assert record.year_from == int(expected["publish_date"])


def test_nihon_no_chasho_pairs_every_field_with_its_880(shared_data):
    record = mapped(shared_data / "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc")[0]
    title = record.main_title
    assert [(f.text, f.script, f.lang) for f in title.forms] == [
        ("Nihon no chasho", "Latn", "jpn"),
        ("日本 の 茶書", "Jpan", "jpn"),
    ]
    assert next(texts(a) for a in record.agents) == ["Hayashiya, Tatsusaburō", "林屋 辰三郎"]
    assert texts(record.agents[1]) == ["Yokoi, Kiyoshi", "横井 清"]  # trailing period after Han dropped
    assert record.agents[0].dates == "1914-1998"
    [publication] = record.publications
    assert [(f.place, f.publisher, f.date) for f in publication.forms] == [
        ("Tōkyō", "Heibonsha", "Shōwa 46-47 [1971-1972]"),
        ("東京", "平凡社", "昭和 46-47 [1971-1972]"),
    ]
    assert record.date_display == "昭和 46-47 [1971-1972]"
    # 008/06 't': date1 is publication, date2 copyright, so the range is the publication year.
    assert (record.year_from, record.year_to) == (1971, 1971)
    assert [texts(t) for t in record.titles if t.role == "series"] == [["Tōyō bunko", "東洋 文庫"]]


def test_pairing_does_not_depend_on_field_order_or_rtl_marks(shared_data):
    raw = read_all(shared_data / "openlibrary-marc-880/bin_input/880_arabic_french_many_linkages.mrc")[0]
    before = to_record(raw, CONTEXT)[0]
    record: pymarc.Record = raw.payload
    for fld in record.get_fields("880"):
        fld["6"] = "\u200f" + fld["6"]  # right-to-left mark inside $6, as some Arabic records have
    record.fields.sort(key=lambda f: f.tag != "880")  # every 880 before its partner
    after = to_record(raw, CONTEXT)[0]
    assert [texts(t) for t in after.titles] == [texts(t) for t in before.titles]
    assert [texts(a) for a in after.agents] == [texts(a) for a in before.agents]
    assert any(f.script == "Arab" for t in after.titles for f in t.forms)


def test_880_without_script_code_pairs_too(shared_data):
    record = mapped(shared_data / "openlibrary-marc-880/bin_input/710_org_name_in_direct_order.mrc")[0]
    assert len(record.main_title.forms) == 2 and record.main_title.forms[1].script == "Hani"
    organizations = [a for a in record.agents if a.kind == "organization"]
    assert organizations and all(len(a.forms) == 2 for a in organizations)


# --- Stanford synthetic linkage cases ------------------------------------------------------------------


@pytest.fixture(scope="module")
def unmatched(shared_data) -> dict[str, tuple[Record, list]]:
    raws = read_all(shared_data / "stanford-searchworks-traject-fixtures/unmatched880sTests.jsonl")
    return {raw.local_id: to_record(raw, CONTEXT) for raw in raws}


def test_unlinked_880s_stand_alone_in_their_own_field(unmatched):
    assert unmatched["a1"][0].notes == ["vern505a vern505b"]
    assert [(t.role, texts(t)) for t in unmatched["a3"][0].titles] == [
        ("main", ["matched and unmatched 880", "vern245a vern245b"])
    ]
    assert unmatched["a3"][0].notes == ["vern505a vern505g"]
    assert [texts(t) for t in unmatched["a4"][0].titles if t.role == "uniform"] == [["vern130a"]]
    assert [s.term for s in unmatched["a6"][0].subjects] == ["vern650a"]
    assert [(texts(a), a.role) for a in unmatched["a7"][0].agents] == [(["vern100a"], "creator")]
    assert all(diagnostics == [] for _record, diagnostics in unmatched.values())  # occurrence 00: no warning


def test_orphan_880_is_kept_with_a_warning_naming_it(shared_data):
    raws = read_all(shared_data / "stanford-searchworks-traject-fixtures/vernacularNonSearchTests.jsonl")
    raw = next(r for r in raws if r.local_id == "atwo700")
    record, diagnostics = to_record(raw, CONTEXT)
    assert [texts(a) for a in record.agents] == [
        ["first 700", "vernacular first 700"],
        ["vernacular second 700"],
    ]
    assert {d.field for d in diagnostics} == {"880 (700-02)", "246$6"}


def test_stanford_japanese_record_maps_880s_of_many_tags(shared_data):
    record = mapped(shared_data / "stanford-searchworks-traject-fixtures/44794.json")[0]
    organization = next(a for a in record.agents if a.kind == "organization")
    assert organization.forms[0].text == "Hitotsubashi Daigaku. Keizai Kenkyūjo"
    assert organization.forms[1].script in ("Hani", "Jpan")
    assert [t.role for t in record.titles].count("uniform") == 1
    assert len(next(t for t in record.titles if t.role == "uniform").forms) == 2
    assert ("nbn", "CAT10992792", "DNAL") in {(i.scheme, i.value, i.qualifier) for i in record.identifiers}


# --- $8 parallel fields, Princeton, identifiers ---------------------------------------------------------


def test_parallel_fields_tied_by_8_are_one_title_and_one_agent(shared_data):
    records = mapped(shared_data / "marc4j-test-resources/pride-and-prejudice-fixed.mrc")
    japanese = next(r for r in records if r.languages[:1] == ["jpn"] and len(r.main_title.forms) == 3)
    assert texts(japanese.main_title) == ["自負と偏見", "ジフ ト ヘンケン", "jifu to henken"]
    assert [t.role for t in japanese.titles].count("main") == 1
    nakano = next(a for a in japanese.agents if a.forms[0].text.startswith("中野"))
    assert texts(nakano) == ["中野 好夫", "ナカノ, ヨシオ", "nakano, yoshio"]
    assert len(japanese.publications) == 1 and len(japanese.publications[0].forms) == 3


def test_kaitai_shinsho_era_imprint_and_fixed_field_years(shared_data):
    raw = read_all(shared_data / "princeton-bibdata-alma/99111299423506421.json")[0]
    record = marcjson.FORMAT.map(raw, CONTEXT)[0]
    assert texts(record.main_title) == ["Kaitai shinsho", "解體新書"]
    assert record.date_display == "安永3 [1774]"
    assert (record.year_from, record.year_to) == (1774, 1774)
    assert record.provenance.format == "marcjson" and record.provenance.original.startswith("<record")


def test_identifiers_are_normalised(shared_data):
    records = mapped(shared_data / "princeton-bibdata-alma/incremental_11_records.xml")
    first = {(i.scheme, i.value) for i in records[0].identifiers}
    assert {("lccn", "73016445"), ("isbn", "9780525354604"), ("oclc", "714324")} <= first
    lu_xun = mapped(shared_data / "princeton-bibdata-alma/two_bibs.json")[0]
    assert ("isbn", "9787533449667", "set") in {(i.scheme, i.value, i.qualifier) for i in lu_xun.identifiers}


def test_korean_record_keeps_hangul_and_hanja_forms(shared_data):
    records = mapped(shared_data / "princeton-bibdata-alma/incremental_11_records.xml")
    korean = next(r for r in records if r.languages[:1] == ["kor"])
    assert [f.script for f in korean.main_title.forms] == ["Latn", "Kore"]
    assert korean.content_type == "book" and korean.year_from is not None


# --- whole-file sweep, rejection, text rules -----------------------------------------------------------

MAPPED_FILES = [
    "marc4j-test-resources/pride-and-prejudice-with-many-errors.mrc",
    "marc4j-test-resources/chinese_mangled_multibyte.mrc",
    "marc4j-test-resources/not_unimarc_errors_3.mrc",
    "marc4j-test-resources/loongboonmee.mrc",
    "pymarc-test-data/1251.dat",
    "stanford-searchworks-traject-fixtures/pubDateTests.jsonl",
    "stanford-searchworks-traject-fixtures/authorTests.jsonl",
    "stanford-searchworks-traject-fixtures/vernacularSearchTests.jsonl",
    "stanford-searchworks-traject-fixtures/vernSeriesTests.jsonl",
    "princeton-bibdata-alma/9952822483506421.json",
]


@pytest.mark.parametrize("name", MAPPED_FILES)
def test_every_readable_record_maps_and_round_trips(shared_data, name):
    for raw in read_all(shared_data / name):
        if raw.error:
            with pytest.raises(RecordRejected):
                to_record(raw, CONTEXT)
            continue
        record, diagnostics = to_record(raw, CONTEXT)
        assert record.local_id and record.provenance.position == raw.position
        assert all(d.field for d in diagnostics)  # every problem names its field
        assert Record.from_dict(record.to_dict()) == record


def test_a_record_with_neither_title_nor_id_is_rejected():
    record = pymarc.Record()
    record.add_field(
        pymarc.Field(
            tag="500",
            indicators=pymarc.Indicators(" ", " "),
            subfields=[pymarc.Subfield("a", "A note and nothing else.")],
        )
    )
    raw = marc.raw_from_record(record, "bare.mrc record 1", [])
    with pytest.raises(RecordRejected, match="neither a title"):
        to_record(raw, CONTEXT)


def test_utf8_and_marc8_copies_map_to_the_same_record(shared_data):
    utf8 = to_record(read_all(shared_data / "pymarc-test-data/utf8_with_leader_flag.dat")[0], CONTEXT)[0]
    marc8 = to_record(read_all(shared_data / "pymarc-test-data/marc8.dat")[0], CONTEXT)[0]
    utf8.provenance = marc8.provenance = None
    assert utf8 == marc8


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("Kaitai shinsho /", "Kaitai shinsho"),
        ("Tōkyō :", "Tōkyō"),
        ("Fujian jiao yu chu ban she,", "Fujian jiao yu chu ban she"),
        ("Test record series ;", "Test record series"),
        ("Smith, J.", "Smith, J."),
        ("横井 清.", "横井 清"),
        ("1971.", "1971"),
        ("[1971?]", "[1971?]"),
        ("Title = ", "Title"),
    ],
)
def test_trailing_isbd_punctuation_is_stripped(raw, clean):
    assert strip_isbd(raw) == clean


def test_rules_are_named_after_their_marc_sources():
    assert all(
        any(ch.isdigit() for ch in rule.__name__) or "leader" in rule.__name__ for rule in marc_rules.RULES
    )


def test_institution_comes_from_the_import_context_first(shared_data):
    raw = read_all(shared_data / "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc")[0]
    assert to_record(raw, MapContext(source="nlc", institution="NLC"))[0].institution == "NLC"
    assert to_record(raw, CONTEXT)[0].institution == "HU"  # 040 $a


def test_marc_json_and_binary_paths_share_one_mapper(shared_data):
    buffer = io.BytesIO((shared_data / "marc4j-test-resources/marc-in-json.json").read_bytes())
    record = to_record(next(iter(marcjson.read(buffer, "mij.json", {}))), CONTEXT)[0]
    assert record.local_id == "5674874" and record.content_type == "music"


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_shortcut_gives_what_detect_script_gives(text):
    from tongwen.cjk.scripts import detect_script

    assert marc_rules.script_of_text(text) == detect_script(text)


@given(st.text())
def test_strip_isbd_collapses_every_unicode_whitespace_like_the_regex(text):
    import re
    import unicodedata

    collapsed = marc_rules.strip_isbd(text + " x")  # the trailing letter keeps the ISBD rules out of it
    expected = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text + " x")).strip()
    assert collapsed == expected


def test_a_translation_keeps_the_title_of_its_original_from_765(shared_data) -> None:
    """765 $t is often a translation's only link to its original (no 240): it becomes a variant title."""
    path = shared_data / "marc4j-test-resources" / "pride-and-prejudice-fixed.mrc"
    with path.open("rb") as stream:
        translations = [raw for raw in marc.read(stream, path.name, {})
                        if not raw.error and raw.payload.get_fields("765")]
    assert len(translations) >= 20
    for raw in translations:
        record, _ = marc_rules.to_record(raw, MapContext("test"))
        originals = {marc_rules.strip_isbd(f.get("t")) for f in raw.payload.get_fields("765") if f.get("t")}
        variants = {form.text for title in record.titles if title.role == "variant" for form in title.forms}
        assert originals <= variants, record.id
