"""MARCXML and MARC-in-JSON readers on real files: counts, namespaces, SRU packing, broken and hostile XML."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongwen.ingest import marcjson, marcxml
from tongwen.ingest.base import RawRecord

XML_FILES = {  # counts from the PROVENANCE.md of each folder
    "princeton-bibdata-alma/ark_99226236706421.xml": 1,
    "princeton-bibdata-alma/incremental_11_records.xml": 11,
    "pymarc-test-data/utf8.xml": 1,
}
JSON_FILES = {
    "princeton-bibdata-alma/99111299423506421.json": 1,
    "princeton-bibdata-alma/9930766283506421.json": 1,
    "princeton-bibdata-alma/9952822483506421.json": 1,
    "princeton-bibdata-alma/two_bibs.json": 2,
    "stanford-searchworks-traject-fixtures/44794.json": 1,
    "stanford-searchworks-traject-fixtures/a7770475_source_record.json": 1,
    "stanford-searchworks-traject-fixtures/vernacularSearchTests.jsonl": 24,
    "stanford-searchworks-traject-fixtures/vernacularNonSearchTests.jsonl": 14,
    "stanford-searchworks-traject-fixtures/unmatched880sTests.jsonl": 7,
    "stanford-searchworks-traject-fixtures/vernSeriesTests.jsonl": 6,
    "stanford-searchworks-traject-fixtures/authorTests.jsonl": 66,
    "stanford-searchworks-traject-fixtures/pubDateTests.jsonl": 71,
    "marc4j-test-resources/marc-in-json.json": 1,
}


def read_xml(data: bytes, label: str = "test.xml") -> list[RawRecord]:
    return list(marcxml.read(io.BytesIO(data), label, {}))


def fields_of(raw: RawRecord) -> list[str]:
    return [str(f) for f in raw.payload.fields]


@pytest.mark.parametrize("name", sorted(XML_FILES))
def test_every_shared_marcxml_file_reads_with_the_expected_count(shared_data, name):
    data = (shared_data / name).read_bytes()
    assert marcxml.sniff(data[:4096], name)
    raws = read_xml(data, Path(name).name)
    assert len(raws) == XML_FILES[name]
    assert all(raw.error is None and raw.payload["245"] is not None for raw in raws)


@pytest.mark.parametrize("name", sorted(JSON_FILES))
def test_every_shared_marc_json_file_reads_with_the_expected_count(shared_data, name):
    path = shared_data / name
    assert marcjson.sniff(path.read_bytes()[:4096], name)
    with path.open("rb") as stream:
        raws = list(marcjson.read(stream, path.name, {}))
    assert len(raws) == JSON_FILES[name]
    assert all(raw.error is None for raw in raws)


def test_langtests_jsonl_has_one_record_per_line(shared_data):
    path = shared_data / "stanford-searchworks-traject-fixtures/langTests.jsonl"
    lines = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    with path.open("rb") as stream:
        assert len(list(marcjson.read(stream, path.name, {}))) == len(lines)


def test_marcxml_and_the_same_record_in_alma_json_agree(shared_data):
    alma = list(
        marcjson.read((shared_data / "princeton-bibdata-alma/99111299423506421.json").open("rb"), "a", {})
    )
    assert alma[0].local_id == "99111299423506421"
    assert alma[0].payload["880"]["6"].startswith("245-01")
    assert "解體新書" in alma[0].payload["880"]["a"]  # declared UTF-16, really UTF-8: read right


def test_marc_json_that_is_not_json_is_one_clear_error(shared_data):
    path = shared_data / "marc4j-test-resources/marc-json.json"  # marc4j's unquoted-key "MARC-JSON"
    raws = list(marcjson.read(path.open("rb"), path.name, {}))
    assert len(raws) == 1 and "not JSON" in raws[0].error and "line" in raws[0].error


def test_a_bad_json_line_does_not_stop_the_others(shared_data):
    lines = (
        (shared_data / "stanford-searchworks-traject-fixtures/unmatched880sTests.jsonl")
        .read_bytes()
        .splitlines()
    )
    data = b"\n".join([lines[0], b'{"leader": "broken', *lines[1:]])
    raws = list(marcjson.read(io.BytesIO(data), "bad.jsonl", {}))
    assert len(raws) == len(lines) + 1
    assert raws[1].error == "bad.jsonl line 2: not a JSON value; line skipped"
    assert [raw.local_id for raw in raws if not raw.error] == [f"a{n}" for n in range(1, len(lines) + 1)]


def test_json_array_is_streamed_item_by_item(shared_data):
    lines = (
        (shared_data / "stanford-searchworks-traject-fixtures/vernSeriesTests.jsonl").read_text().splitlines()
    )
    array = ("[" + ",".join(lines) + "]").encode()
    raws = list(marcjson.read(io.BytesIO(array), "array.json", {}))
    assert len(raws) == len(lines) and all(raw.error is None for raw in raws)


# --- namespaces, SRU packing ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def korean_record(shared_data) -> bytes:
    """The Korean record (노동 의 새벽) of the Princeton file, as a standalone MARCXML document."""
    raws = read_xml((shared_data / "princeton-bibdata-alma/incremental_11_records.xml").read_bytes())
    korean = next(raw for raw in raws if raw.payload["008"].data[35:38] == "kor")
    return korean.original.encode("utf-8")


def test_any_namespace_prefix_or_none(korean_record):
    plain = read_xml(korean_record)[0]
    slim = korean_record.replace(b"<record", b'<m:record xmlns:m="http://www.loc.gov/MARC21/slim"', 1)
    slim = slim.replace(b"<", b"<m:").replace(b"<m:/", b"</m:").replace(b"<m:m:", b"<m:")
    prefixed = read_xml(slim)[0]
    assert fields_of(prefixed) == fields_of(plain)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in str(plain.payload))  # hangul came through


def sru_response(inner: bytes, packing: str) -> bytes:
    body = html.escape(inner.decode("utf-8"), quote=False) if packing == "string" else inner.decode("utf-8")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:numberOfRecords>2'
        "</zs:numberOfRecords><zs:records>"
        + "".join(
            f"<zs:record><zs:recordSchema>marcxml</zs:recordSchema><zs:recordPacking>{packing}</zs:recordPacking>"
            f"<zs:recordData>{body}</zs:recordData><zs:recordPosition>{n}</zs:recordPosition></zs:record>"
            for n in (1, 2)
        )
        + "</zs:records></zs:searchRetrieveResponse>"
    ).encode("utf-8")


@pytest.mark.parametrize("packing", ["xml", "string"])
def test_sru_responses_with_xml_or_string_packing(korean_record, packing):
    plain = read_xml(korean_record)[0]
    raws = read_xml(sru_response(korean_record, packing), "sru.xml")
    assert [raw.position for raw in raws] == [f"sru.xml record {n} (001 {plain.local_id})" for n in (1, 2)]
    assert all(fields_of(raw) == fields_of(plain) for raw in raws)


def test_sru_string_packing_of_something_else_is_reported(shared_data):
    ndl = (
        shared_data / "enju-ndl-cinii-loc-api-responses/enju_ndl/NdlBook_import_should_import_edition__0.xml"
    )
    raws = read_xml(ndl.read_bytes(), ndl.name)
    assert raws and all(raw.error and "not a MARC record" in raw.error for raw in raws)


# --- broken and hostile XML ----------------------------------------------------------------------------


def test_numeric_character_references_and_dash_leader():
    xml = (
        b'<record><leader>00000nam-a2200000-i-4500</leader><controlfield tag="001">x1</controlfield>'
        b'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">&#x7D05;&#27155;&#22818;</subfield>'
        b"</datafield></record>"
    )
    raw = read_xml(xml)[0]
    assert raw.payload["245"]["a"] == "紅樓夢"
    assert str(raw.payload.leader) == "00000nam a2200000 i 4500"
    assert [d.field for d in raw.diagnostics] == ["leader"]


def test_declared_utf16_that_is_utf8(korean_record):
    document = b'<?xml version="1.0" encoding="UTF-16"?>' + korean_record
    assert fields_of(read_xml(document)[0]) == fields_of(read_xml(korean_record)[0])


def test_malformed_record_element_is_an_error_and_the_next_one_is_read(korean_record):
    collection = b"<collection><record><leader>x</leader></record>" + korean_record + b"</collection>"
    raws = read_xml(collection, "mixed.xml")
    assert raws[0].error == "mixed.xml record 1: the record element has no controlfield or datafield"
    assert raws[1].error is None and raws[1].position.startswith("mixed.xml record 2")


def test_file_breaking_mid_way_keeps_the_records_before_it(shared_data):
    data = (shared_data / "princeton-bibdata-alma/incremental_11_records.xml").read_bytes()
    cut = data.index(b"<record>", data.index(b"<record>", data.index(b"<record>") + 1) + 1) + 200
    raws = read_xml(data[:cut] + b"<<oops", "broken.xml")
    assert [raw.error is None for raw in raws] == [True, True, False]
    assert raws[-1].error.startswith("broken.xml line ") and "not well-formed" in raws[-1].error


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # expansion
        '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # external entity
    ],
)
def test_entities_are_refused_not_expanded(doctype):
    document = (
        f'<?xml version="1.0"?>{doctype}<collection><record><leader>00000nam a2200000 i 4500</leader>'
        f'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">&b;&x;</subfield></datafield>'
        f"</record></collection>"
    ).encode()
    raws = read_xml(document, "evil.xml")
    assert len(raws) == 1 and "entities" in raws[0].error and raws[0].payload is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 100_000), junk=st.binary(max_size=8))
def test_any_truncated_or_garbled_tail_gives_records_then_at_most_one_error(shared_data, cut, junk):
    data = (shared_data / "princeton-bibdata-alma/incremental_11_records.xml").read_bytes()
    cut = cut % len(data)
    raws = read_xml(data[:cut] + junk, "tail.xml")
    errors = [raw for raw in raws if raw.error]
    assert len(errors) <= 1 and (not errors or errors[0] is raws[-1])
    assert len([raw for raw in raws if not raw.error]) <= 11


def test_json_record_with_a_bad_field_shape_keeps_the_rest():
    record = {
        "leader": "00000nam a2200000 i 4500",
        "fields": [
            {"001": "j1"},
            {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "紅樓夢"}]}},
            {"650": 42},
            "junk",
        ],
    }
    raw = next(iter(marcjson.read(io.BytesIO(json.dumps(record).encode()), "j.json", {})))
    assert raw.payload["245"]["a"] == "紅樓夢"
    assert [d.field for d in raw.diagnostics] == ["650", "fields"]


def test_a_nul_byte_in_a_later_record_keeps_the_records_read_in_the_same_chunk(shared_data):
    data = (shared_data / "princeton-bibdata-alma/incremental_11_records.xml").read_bytes()
    tenth = data.index(b"<record>", len(data) - 6000)  # well inside the parser's first 64 KB chunk
    before = data[:tenth].count(b"</record>")
    raws = read_xml(data[:tenth] + b"<record>\x00" + data[tenth + 9 :], "alma.xml")
    assert [raw.error is None for raw in raws] == [True] * before + [False]
    assert "alma.xml line 2, column" in raws[-1].error and "Char 0x0" in raws[-1].error
