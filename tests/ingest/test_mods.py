"""MODS: Library of Congress SRU answers (Enju recordings) and a CJK fixture with altRepGroup pairs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.ingest import mods
from tongwen.ingest.base import MapContext, RecordRejected

CTX = MapContext(source="loc")
FIXTURE = Path(__file__).parent / "fixtures" / "mods_cjk.xml"


def read_file(path: Path):
    with path.open("rb") as handle:
        return list(mods.read(handle, path.name, {}))


def loc_files(shared_data: Path) -> list[Path]:
    folder = shared_data / "enju-ndl-cinii-loc-api-responses" / "enju_leaf"
    return [p for p in sorted(folder.glob("*.xml")) if mods.sniff(p.read_bytes()[:65536], p.name)]


def test_every_loc_mods_response_reads_with_the_right_count(shared_data):
    files = loc_files(shared_data)
    assert len(files) == 24  # of 25 LoC responses, one (no lccn given) holds no MODS at all
    total = mapped = with_title = 0
    for path in files:
        raws = read_file(path)
        blocks = path.read_text("utf-8").split("<mods ")[1:]
        assert len(raws) == len(blocks), path.name
        with_title += sum(1 for block in blocks if re.search(r"<title>[^<]+</title>", block))
        for raw in raws:
            total += 1
            try:
                mods.map(raw, CTX)
                mapped += 1
            except RecordRejected as exc:
                assert "titleInfo" in str(exc)  # LoC sends some empty records (<title/>)
    assert total == 60 and mapped == with_title == 39


def test_loc_record_fields(shared_data):
    path = shared_data / "enju-ndl-cinii-loc-api-responses/enju_leaf/LocSearch__import_from_sru_response_should_parse_title_information_properly__0.xml"
    (raw,) = read_file(path)
    record, _ = mods.map(raw, CTX)
    assert record.local_id == "17845092"
    assert [(t.role, t.text) for t in record.titles] == [
        ("main", "The data journalism handbook"),
        ("variant", "How journalists can use data to improve the news"),
    ]
    first = record.agents[0]
    assert (first.name, first.dates, first.kind) == ("Gray, Jonathan", "1983-", "person")
    assert record.agents[-1].kind == "organization"
    assert record.publications[0].forms[0].place == "Sebastopol, CA"
    assert record.publications[0].forms[0].publisher == "O'Reilly Media"
    assert (record.year_from, record.languages, record.content_type) == (2012, ["eng"], "book")
    assert record.extent == "xvii, 220 p. : ill., maps ; 24 cm."
    assert [(i.scheme, i.value) for i in record.identifiers][:3] == [
        ("isbn", "9781449330064"), ("lccn", "2012532441"), ("oclc", "781679351"),
    ]
    assert record.identifiers[0].qualifier == "pbk."
    assert ("Journalism -- Data processing", "lcsh") in [(s.term, s.scheme) for s in record.subjects]
    assert record.links[0].url == "http://datajournalismhandbook.org/1.0/en/"
    assert any(note.startswith("Statement of responsibility: edited by") for note in record.notes)


def test_alt_rep_groups_pair_romanized_and_vernacular_forms():
    records = [r for r in read_file(FIXTURE)]
    record, _ = mods.map(records[0], CTX)
    main = record.titles[0]
    assert [(f.text, f.script, f.lang) for f in main.forms] == [
        ("Hong lou meng", "Latn", None), ("紅樓夢", "Hani", "chi"),
    ]
    assert [t.role for t in record.titles] == ["main", "uniform", "parallel", "series"]
    author, editor = record.agents
    assert [f.text for f in author.forms] == ["Cao, Xueqin", "曹雪芹"]
    assert (author.role, author.dates) == ("creator", "approximately 1717-1763")
    assert (editor.name, editor.role) == ("Yu, Pingbo", "editor")
    assert [(f.place, f.publisher) for f in record.publications[0].forms] == [
        ("Beijing", "Ren min wen xue chu ban she"), ("北京", "人民文学出版社"),
    ]
    assert record.identifiers[0].value == "9787020002207"
    assert record.identifiers[1].value == "83145689"
    assert record.license == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert [link.kind for link in record.links] == ["landing", "thumbnail"]
    assert record.subjects[0].term == "Families -- China -- Fiction"


def test_coded_date_range_and_a_kana_form_language():
    record, _ = mods.map(read_file(FIXTURE)[1], CTX)
    assert (record.year_from, record.year_to, record.date_display) == (1925, 1933, "1925-1933")
    assert record.titles[0].text == "The tale of Genji"
    assert [(f.text, f.lang) for f in record.titles[1].forms] == [("Genji monogatari", None), ("源氏物語", "jpn")]


def test_record_without_title_is_rejected():
    with pytest.raises(RecordRejected, match="titleInfo"):
        mods.map(read_file(FIXTURE)[2], CTX)


def test_entity_declaration_is_refused():
    xml = b'<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><mods xmlns="http://www.loc.gov/mods/v3"/>'
    (raw,) = mods.read(io.BytesIO(xml), "evil.xml", {})
    assert "entities" in raw.error


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 100_000), st.binary(max_size=16))
def test_fuzz_truncated_or_corrupted_collection(cut, garbage):
    data = FIXTURE.read_bytes()
    cut = cut % (len(data) + 1)
    raws = list(mods.read(io.BytesIO(data[:cut] + garbage), "fuzz.xml", {}))
    assert sum(1 for r in raws if r.error) <= 1
    for raw in raws:
        if not raw.error:
            try:
                mods.map(raw, CTX)
            except RecordRejected:
                pass


def test_damage_inside_the_last_record_keeps_the_complete_ones_before_it():
    data = FIXTURE.read_bytes()
    third = data.rindex(b"<mods")
    raws = list(mods.read(io.BytesIO(data[: third + 20] + b"\x00" + data[third + 21 :]), "loc.xml", {}))
    assert [raw.error is None for raw in raws] == [True, True, False]
    assert re.match(r"loc\.xml line \d+, column \d+: not well-formed XML \(Invalid character", raws[2].error)
