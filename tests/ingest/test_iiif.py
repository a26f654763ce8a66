"""IIIF Presentation reader/mapper on real Japanese collections and a real NIJL manifest (2.x), and 3.0
documents built from the same real values."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tongwen.ingest import detect_format
from tongwen.ingest.base import MapContext, RecordRejected
from tongwen.ingest.iiif import language_values, map, read
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store

IIIF = "iiif-japan-collections"
NIJL = f"{IIIF}/nijl-kokusho/100376839_manifest.json"
# manifests per collection file, as counted in the folder's PROVENANCE.md
COUNTS = {
    "toyo": 245,
    "koyasan": 76,
    "nichibun": 591,
    "u_ryukyus": 194,
    "kinki": 497,
    "ninjal": 658,
    "okayama": 18,
    "tsukuba": 8,
}


def _records(path: Path, **options):
    with open(path, "rb") as stream:
        raws = list(read(stream, path.name, options))
    return raws, [map(raw, MapContext("test", "TEST"))[0] for raw in raws if not raw.error]


@pytest.mark.parametrize(("name", "count"), sorted(COUNTS.items()))
def test_every_manifest_of_a_collection_becomes_a_record(shared_data: Path, name: str, count: int) -> None:
    path = shared_data / IIIF / "nakamura196-iiif-discovery" / f"{name}.json"
    assert detect_format(path).name == "iiif"
    raws, records = _records(path)
    assert len(raws) == len(records) == count
    assert len({r.local_id for r in records}) == count
    assert all(r.links[0].kind == "iiif_manifest" and r.links[0].url == r.local_id for r in records)


def test_collection_entries_keep_label_licence_and_thumbnail(shared_data: Path) -> None:
    _, records = _records(shared_data / IIIF / "nakamura196-iiif-discovery" / "nichibun.json")
    first = records[0]
    assert (
        first.titles[0].text == "旭川市を中心とせる名所交通鳥瞰圖"
        and first.titles[0].forms[0].script == "Jpan"
    )
    assert first.license == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert [link.kind for link in first.links] == ["iiif_manifest", "thumbnail"]
    licences = [r.license for r in records]
    assert licences.count("https://creativecommons.org/publicdomain/mark/1.0/") == 586


def test_era_dates_in_labels_give_the_years(shared_data: Path) -> None:
    folder = shared_data / IIIF / "nakamura196-iiif-discovery"
    years = {
        r.titles[0].text: r.year_from
        for name in ("okayama", "ninjal")
        for r in _records(folder / f"{name}.json")[1]
    }
    assert years["岡山県鳥瞰図（昭和5年）"] == 1930
    assert years["岡山県市町村制区域三国全図（明治22年）"] == 1889
    assert years["国民之友 第47号 1889[明治22]年4月"] == 1889


def test_a_full_manifest_maps_metadata_rights_and_skips_its_1660_canvases(shared_data: Path) -> None:
    (raw,), (record,) = _records(shared_data / NIJL)
    assert "sequences" not in raw.payload and len(raw.original) < 2000
    assert [(t.text, t.role) for t in record.titles] == [("雅楽譜", "main"), ("明治撰定譜", "variant")]
    assert [(i.scheme, i.value) for i in record.identifiers] == [("doi", "10.20730/100376839")]
    assert record.rights == "東京藝術大学附属図書館 国文学研究資料館"
    assert record.license == "https://kokusho.nijl.ac.jp/page/usage.html"
    assert record.local_id == "https://kokusho.nijl.ac.jp/biblio/100376839/manifest"
    # the quirk: a name in the Date slot is kept as written, with a warning, and gives no year
    _, diagnostics = map(raw, MapContext("test"))
    assert record.year_from is None and "no year found in '多/久毎'" in str(diagnostics[0])


def _v3_manifest(v2: dict) -> dict:
    """The NIJL manifest's real values in Presentation 3.0 form (language maps, requiredStatement, items)."""
    canvases = v2["sequences"][0]["canvases"]
    return {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": v2["@id"],
        "type": "Manifest",
        "label": {"ja": [v2["label"]], "ja-Latn": ["Gagakufu"], "en": ["Gagaku scores"]},
        "metadata": [{"label": {"en": [m["label"]]}, "value": {"none": [m["value"]]}} for m in v2["metadata"]]
        + [{"label": {"ja": ["言語"]}, "value": {"ja": ["日本語"]}}],
        "summary": {"ja": ["<p>雅楽の<b>楽譜</b></p>"]},
        "requiredStatement": {"label": {"en": ["Attribution"]}, "value": {"ja": [v2["attribution"]]}},
        "rights": "http://creativecommons.org/licenses/by-sa/4.0/",
        "homepage": [
            {
                "id": "https://kokusho.nijl.ac.jp/biblio/100376839",
                "type": "Text",
                "label": {"ja": ["国書データベース"]},
            }
        ],
        "seeAlso": [{"id": "https://doi.org/10.20730/100376839", "type": "Dataset"}],
        "thumbnail": [{"id": canvases[0]["images"][0]["resource"]["@id"], "type": "Image"}],
        "items": [
            {"id": c["@id"], "type": "Canvas", "height": c["height"], "width": c["width"]} for c in canvases
        ],
    }


def test_presentation_3_manifest(shared_data: Path) -> None:
    v3 = _v3_manifest(json.loads((shared_data / NIJL).read_text(encoding="utf-8")))
    assert len(v3["items"]) == 1660
    (raw,) = list(read(io.BytesIO(json.dumps(v3, ensure_ascii=False).encode()), "v3.json", {}))
    record, _ = map(raw, MapContext("test"))
    assert "items" not in raw.payload
    assert [(f.text, f.script, f.lang) for f in record.titles[0].forms] == [
        ("雅楽譜", "Hani", "jpn"),
        ("Gagakufu", "Latn", "jpn"),
    ]
    assert [(t.text, t.role, t.forms[0].lang) for t in record.titles[1:]] == [
        ("Gagaku scores", "parallel", "eng"),
        ("明治撰定譜", "variant", "jpn"),
    ]
    assert record.languages == ["jpn"] and record.notes == ["雅楽の楽譜"]
    assert record.rights == "Attribution: 東京藝術大学附属図書館 国文学研究資料館"
    assert record.license == "http://creativecommons.org/licenses/by-sa/4.0/"
    assert [(link.kind, link.label) for link in record.links] == [
        ("iiif_manifest", None),
        ("thumbnail", None),
        ("landing", "国書データベース"),
        ("other", None),
    ]


def test_presentation_3_collection_with_an_embedded_and_a_referenced_collection(shared_data: Path) -> None:
    tsukuba = json.loads(
        (shared_data / IIIF / "nakamura196-iiif-discovery" / "tsukuba.json").read_text("utf-8")
    )
    entries = [
        {
            "id": m["@id"],
            "type": "Manifest",
            "label": {"ja": [m["label"]]},
            "thumbnail": [{"id": m["thumbnail"], "type": "Image"}],
        }
        for m in tsukuba["manifests"]
    ]
    collection = {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": "https://example.org/top",
        "type": "Collection",
        "label": {"en": ["Top"]},
        "items": [
            {"id": "https://example.org/tsukuba", "type": "Collection", "items": entries},
            {
                "id": "https://example.org/elsewhere.json",
                "type": "Collection",
                "label": {"en": ["Elsewhere"]},
            },
        ],
    }
    referenced: list[str] = []
    _, records = _records_from_bytes(json.dumps(collection).encode(), on_collection=referenced.append)
    assert [r.titles[0].text for r in records][:2] == [
        "繪入智慧の環 初編上 詞の巻",
        "繪入智慧の環 初編下 詞の巻",
    ]
    assert len(records) == 8 and referenced == ["https://example.org/elsewhere.json"]


def _records_from_bytes(data: bytes, **options):
    raws = list(read(io.BytesIO(data), "test.json", options))
    return raws, [map(raw, MapContext("test"))[0] for raw in raws if not raw.error]


def test_top_collection_only_refers_to_its_30_sub_collections(shared_data: Path) -> None:
    referenced: list[str] = []
    raws, _ = _records(
        shared_data / IIIF / "nakamura196-iiif-discovery" / "collection.json", on_collection=referenced.append
    )
    assert raws == [] and len(referenced) == 30 and referenced[0].endswith("/akita.json")


def test_broken_json_keeps_the_manifests_before_the_break(shared_data: Path, tmp_path: Path) -> None:
    whole = (shared_data / IIIF / "nakamura196-iiif-discovery" / "okayama.json").read_bytes()
    raws, records = _records_from_bytes(whole[: len(whole) // 2])
    assert 0 < len(records) < 18
    assert raws[-1].error and "not well-formed JSON" in raws[-1].error


def test_not_a_manifest_and_no_label() -> None:
    (raw,) = list(read(io.BytesIO(b'{"@id": "https://x", "@type": "sc:Canvas"}'), "c.json", {}))
    assert "not a IIIF manifest or collection" in raw.error
    (raw,) = list(read(io.BytesIO(b'{"id": "https://x", "type": "Manifest", "items": []}'), "m.json", {}))
    with pytest.raises(RecordRejected, match="label"):
        map(raw, MapContext("test"))


def test_language_values_reads_every_iiif_text_form() -> None:
    assert language_values("plain") == [(None, "plain")]
    assert language_values({"none": ["a"], "ja": ["い", "ろ"]}) == [(None, "a"), ("ja", "い"), ("ja", "ろ")]
    assert language_values([{"@value": "x", "@language": "en"}]) == [("en", "x")]


def test_importing_collections_through_the_pipeline(shared_data: Path) -> None:
    folder = shared_data / IIIF / "nakamura196-iiif-discovery"
    store = Store.open(":memory:")
    summary = import_files(store, [folder / "tsukuba.json", folder / "okayama.json"], source="jp-iiif")
    assert (summary.format, summary.counts["added"], summary.status) == ("iiif", 26, "ok")
    again = import_files(store, [folder / "tsukuba.json", folder / "okayama.json"], source="jp-iiif")
    assert again.counts["unchanged"] == 26
