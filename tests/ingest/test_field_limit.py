"""One per-field limit (`base.FIELD_LIMIT`) in every reader: the record with an oversized field is rejected
naming the record and the field; the records after it are read on. (Found by hand: a 50 MB field was stored
whole from MARC-in-JSON, and made MARCXML drop the whole file with libxml's "try XML_PARSE_HUGE".)"""

from __future__ import annotations

import io
import json

from tongwen.ingest import csv_table, dc, iiif, marcjson, marcxml, mods
from tongwen.ingest.base import FIELD_LIMIT

HUGE = "長" * (FIELD_LIMIT + 1)
OVER_LIBXML = "x" * 11_000_000  # past libxml's 10 MB text limit without huge-tree mode


def read(module, data: bytes, label: str) -> list:
    return list(module.read(io.BytesIO(data), label, {}))


def assert_middle_rejected(raws: list, field: str) -> None:
    assert [raw.error is None for raw in raws] == [True, False, True], [raw.error for raw in raws]
    assert "record 2" in raws[1].position and f"field {field} is" in raws[1].error
    assert "per-field limit of 1,000,000" in raws[1].error and raws[1].original is None


def marcxml_record(number: int, note: str) -> str:
    return (f'<record><leader>00000nam a2200000 i 4500</leader><controlfield tag="001">{number}</controlfield>'
            f'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">題 {number}</subfield></datafield>'
            f'<datafield tag="520" ind1=" " ind2=" "><subfield code="a">{note}</subfield></datafield></record>')


def test_marcxml_rejects_the_record_not_the_file():
    for note in (HUGE, OVER_LIBXML):
        xml = f'<collection xmlns="http://www.loc.gov/MARC21/slim">{marcxml_record(1, "a")}{marcxml_record(2, note)}'
        xml += f"{marcxml_record(3, 'c')}</collection>"
        assert_middle_rejected(read(marcxml, xml.encode(), "big.xml"), "520$a")


def test_marc_in_json():
    def record(number: int, note: str) -> str:
        return json.dumps({"leader": "00000nam a2200000 i 4500", "fields": [
            {"001": str(number)}, {"245": {"ind1": "0", "ind2": "0", "subfields": [{"a": f"題 {number}"}]}},
            {"520": {"ind1": " ", "ind2": " ", "subfields": [{"a": note}]}}]}, ensure_ascii=False)
    lines = "\n".join([record(1, "a"), record(2, HUGE), record(3, "c")])
    assert_middle_rejected(read(marcjson, lines.encode(), "big.jsonl"), "520$a")


def test_dublin_core():
    records = "".join(
        f"<record><header><identifier>oai:x:{i}</identifier></header><metadata>"
        f'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>t{i}</dc:title><dc:description>{text}'
        f"</dc:description></oai_dc:dc></metadata></record>"
        for i, text in enumerate(["a", OVER_LIBXML, "c"])
    )
    page = f'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>{records}</ListRecords></OAI-PMH>'
    raws = read(dc, page.encode(), "page.xml")
    assert_middle_rejected(raws, "dc:description")
    assert raws[1].local_id == "oai:x:1"


def test_mods():
    body = "".join(f"<mods><titleInfo><title>t{i}</title></titleInfo><abstract>{text}</abstract></mods>"
                   for i, text in enumerate(["a", HUGE, "c"]))
    xml = f'<modsCollection xmlns="http://www.loc.gov/mods/v3">{body}</modsCollection>'
    assert_middle_rejected(read(mods, xml.encode(), "big.xml"), "abstract")


def test_iiif_collection_with_embedded_manifests():
    manifests = [{"id": f"https://x/{i}", "type": "Manifest", "label": {"ja": [f"t{i}"]}, "summary": {"ja": [s]}}
                 for i, s in enumerate(["a", HUGE, "c"])]
    collection = {"@context": "http://iiif.io/api/presentation/3/context.json", "id": "https://x/c",
                  "type": "Collection", "label": {"en": ["c"]}, "items": manifests}
    raws = read(iiif, json.dumps(collection, ensure_ascii=False).encode(), "c.json")
    assert [raw.error is None for raw in raws] == [True, False, True]
    assert "manifest 2" in raws[1].position and "field summary.ja[0] is" in raws[1].error


def test_csv():
    table = f"id,title,notes\n1,a,x\n2,b,{HUGE}\n3,c,z\n".encode()
    raws = list(csv_table.read(io.BytesIO(table), "big.csv", {}))
    assert [raw.local_id for raw in raws] == ["1", None, "3"]
    assert "big.csv line 3" in raws[1].error and "per-field limit of 1,000,000" in raws[1].error
