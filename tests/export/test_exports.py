"""Exports of the demo collection in every format, read back with real parsers (pymarc, lxml, json, csv)."""

from __future__ import annotations

import csv
import io
import json

import pymarc
import pytest
from click.testing import CliRunner
from lxml import etree

from tongwen.export import FORMATS, export_chunks, export_record
from tongwen.export.commands import export_command
from tongwen.store import Store

GENJI = "ndl-demo:ndl0001"


@pytest.fixture(scope="module")
def demo_records(protocol_store):
    return list(protocol_store.iter_records())


@pytest.fixture(scope="module")
def genji(protocol_store):
    return protocol_store.get(GENJI)


def test_marcxml_reads_back_with_pymarc_and_keeps_every_script_in_880s(demo_records):
    text = "".join(export_chunks("marcxml", demo_records))
    parsed = pymarc.parse_xml_to_array(io.BytesIO(text.encode()))
    assert len(parsed) == len(demo_records)
    for marc, record in zip(parsed, demo_records, strict=True):
        written = {sf.value for f in marc.get_fields() if not f.is_control_field() for sf in f.subfields}
        for title in record.titles:
            assert {form.text for form in title.forms if form.text.strip()} <= written, record.id
        for field in marc.get_fields("880"):
            tag, number = field["6"].split("/")[0].split("-")
            partner = [f for f in marc.get_fields(tag) if f["6"] == f"880-{number}"]
            assert len(partner) == 1, (record.id, field["6"])


def test_jsonld_is_schema_org_with_language_tagged_strings(genji, demo_records):
    doc = json.loads(export_record("jsonld", genji, base_url="https://tongwen.example"))
    node = doc["@graph"][0]
    assert doc["@context"] == "https://schema.org/" and node["@type"] == "Book"
    assert {"@value": "源氏物語", "@language": "ja"} in node["name"]
    assert {"@value": "Genji monogatari", "@language": "ja-Latn"} in node["name"]
    assert node["author"][0]["name"] == [{"@value": "Murasaki Shikibu", "@language": "ja-Latn"},
                                         {"@value": "紫式部", "@language": "ja"}]
    assert node["inLanguage"] == ["ja"] and node["datePublished"] == "1958/1963"
    everything = json.loads("".join(export_chunks("jsonld", demo_records)))
    assert len(everything["@graph"]) == len(demo_records)


def test_dc_export_keeps_xml_lang_per_form(genji):
    root = etree.fromstring("".join(export_chunks("dc", [genji])).encode())
    titles = {(t.get("{http://www.w3.org/XML/1998/namespace}lang"), t.text)
              for t in root.iter("{http://purl.org/dc/elements/1.1/}title")}
    assert {("ja", "源氏物語"), ("ja-Latn", "Genji monogatari")} <= titles


def test_ris_and_bibtex_entries(genji, demo_records):
    ris = export_record("ris", genji)
    assert ris.startswith("TY  - BOOK\n") and ris.endswith("ER  - \n")
    assert "TI  - Genji monogatari = 源氏物語\n" in ris and "AU  - Murasaki Shikibu = 紫式部\n" in ris
    all_ris = "".join(export_chunks("ris", demo_records))
    assert all_ris.count("ER  - ") == all_ris.count("TY  - ") == len(demo_records)
    bibtex = "".join(export_chunks("bibtex", demo_records))
    assert bibtex.count("\n@") + 1 == len(demo_records)
    assert bibtex.count("{") == bibtex.count("}")  # TeX specials escaped, braces balanced
    assert "author = {{Murasaki Shikibu = 紫式部}}" in export_record("bibtex", genji)


def test_csv_reads_back_with_one_row_per_record(demo_records):
    text = "".join(export_chunks("csv", demo_records))
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == len(demo_records)
    genji = next(row for row in rows if row["id"] == GENJI)
    assert genji["title"] == "Genji monogatari = 源氏物語" and genji["year_from"] == "1958"


def test_the_api_exports_one_record_and_a_search(web):
    response = web.get(f"/api/export/records/{GENJI}", params={"format": "marcxml"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/marcxml+xml")
    assert "源氏物語" in response.text
    found = web.get("/api/export/search", params={"q": "源氏物語", "format": "ris"})
    assert found.status_code == 200 and "ID  - " + GENJI in found.text
    assert web.get(f"/api/export/records/{GENJI}", params={"format": "pdf"}).status_code == 400
    assert web.get("/api/export/records/no:such", params={"format": "ris"}).status_code == 404


def test_the_export_command_writes_all_records_or_a_search(protocol_settings, tmp_path):
    runner = CliRunner()
    target = tmp_path / "all.csv"
    result = runner.invoke(export_command, ["--format", "csv", "-o", str(target)], obj=protocol_settings)
    assert result.exit_code == 0, result.output
    with Store.open(protocol_settings.database, read_only=True) as store:
        assert len(target.read_text(encoding="utf-8-sig").splitlines()) == store.count() + 1
    searched = runner.invoke(export_command, ["--format", "bibtex", "title:源氏物語"], obj=protocol_settings)
    assert searched.exit_code == 0 and "Genji monogatari = 源氏物語" in searched.output
    bad = runner.invoke(export_command, ["--format", "ris", 'title:"open'], obj=protocol_settings)
    assert bad.exit_code != 0 and "cannot be read" in bad.output


def test_every_format_is_registered_with_a_media_type():
    assert set(FORMATS) == {"jsonld", "marcxml", "dc", "ris", "bibtex", "csv"}
