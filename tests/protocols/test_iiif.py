"""IIIF Presentation 3 manifests and collections, validated with iiif-prezi3, from real Japanese IIIF data."""

from __future__ import annotations

import json

from iiif_prezi3 import Collection, Manifest

from tongwen.ingest.pipeline import import_files
from tongwen.model import Form, Link, Record, Title
from tongwen.protocols.iiif import has_images, record_manifest
from tongwen.store import Store

from .conftest import NIJL_ID

IIIF_TYPE = "application/ld+json"


def is_language_map(value) -> bool:
    return isinstance(value, dict) and value and all(
        isinstance(k, str) and isinstance(v, list) and v and all(isinstance(s, str) for s in v) for k, v in value.items())


def validated(data: dict, model) -> dict:
    """iiif-prezi3's model must read the document and write it back unchanged; on top of that, the rules
    of Presentation 3 its models leave to the publisher: language maps, and a manifest's painted canvases."""
    assert json.loads(model.model_validate(data).jsonld()) == data
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert is_language_map(data["label"])
    for entry in data.get("metadata", []):
        assert is_language_map(entry["label"]) and is_language_map(entry["value"])
    assert data["items"], "a manifest or collection needs at least one item"
    if data["type"] == "Manifest":
        for canvas in data["items"]:
            assert canvas["type"] == "Canvas" and canvas["items"][0]["type"] == "AnnotationPage"
            for annotation in canvas["items"][0]["items"]:
                assert annotation["motivation"] == "painting" and annotation["target"] == canvas["id"]
    return data


def test_the_nijl_manifest_keeps_its_canvases_and_right_to_left_reading(web):
    response = web.get(f"/iiif/{NIJL_ID}/manifest")
    assert response.status_code == 200 and response.headers["content-type"].startswith(IIIF_TYPE)
    data = response.json()
    validated(data, Manifest)
    assert data["viewingDirection"] == "right-to-left"
    assert len(data["items"]) == 1660
    first = data["items"][0]
    assert (first["width"], first["height"]) == (3307, 4677)
    assert first["items"][0]["items"][0]["body"]["service"][0]["type"] == "ImageService2"
    assert data["label"] == {"ja": ["雅楽譜"]}
    assert {"label": {"en": ["Other title"]}, "value": {"ja": ["明治撰定譜"]}} in data["metadata"]


def test_a_manifest_read_page_by_page_keeps_the_source_canvases_under_the_page_labels(iiif_data):
    """The NIJL manifest imported by the reader (pages from its canvases, canvas URIs as page ids): our
    manifest has the source's canvases, same ids and sizes, one per page, labelled with the pages' labels,
    painted through the page's image service; with no page text it advertises no search."""
    path = iiif_data / "nijl-kokusho" / "100376839_manifest.json"
    with Store.open(":memory:") as store:
        summary = import_files(store, [path], source="nijl")
        [record] = list(store.iter_records("nijl"))
    assert summary.counts["added"] == 1 and len(record.pages) == 1660
    data = validated(record_manifest(record, "https://tongwen.example"), Manifest)
    source = json.loads(path.read_text(encoding="utf-8"))["sequences"][0]["canvases"]
    assert [(c["id"], c["width"], c["height"]) for c in data["items"]] == \
        [(c["@id"], c["width"], c["height"]) for c in source]
    assert [canvas["label"] for canvas in data["items"]] == [{"none": [page.label]} for page in record.pages]
    service = data["items"][0]["items"][0]["items"][0]["body"]["service"][0]
    assert service["id"] == source[0]["images"][0]["resource"]["service"]["@id"].removesuffix("/info.json")
    assert data["viewingDirection"] == "right-to-left" and "service" not in data


def test_a_record_with_a_thumbnail_gets_a_valid_manifest_with_every_script():
    record = Record("ndl-demo", "genji", institution="NDL", languages=["jpn"],
                    titles=[Title([Form("源氏物語", "Hani", "jpn"), Form("Genji monogatari", "Latn", "jpn")])],
                    links=[Link("https://iiif.example.org/iiif/2/genji%2F1/full/400,600/0/default.jpg", "thumbnail")],
                    license="https://creativecommons.org/publicdomain/zero/1.0/")
    data = record_manifest(record, "https://tongwen.example")
    validated(data, Manifest)
    assert data["label"] == {"ja": ["源氏物語"], "ja-Latn": ["Genji monogatari"]}
    assert data["rights"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert (data["items"][0]["width"], data["items"][0]["height"]) == (400, 600)
    assert "viewingDirection" not in data  # the source did not say


def test_every_tsukuba_record_has_a_valid_manifest_and_the_collection_lists_them(web, protocol_store):
    records = [r for r in protocol_store.iter_records("tsukuba-iiif")]
    assert len(records) == 8 and all(has_images(r) for r in records)
    for record in records:
        data = web.get(f"/iiif/{record.id}/manifest").json()
        validated(data, Manifest)
        assert data["label"] == {"ja": [record.titles[0].text]}
    collection = web.get("/iiif/collection/TSUKUBA").json()
    validated(collection, Collection)
    assert [item["id"].rsplit("/iiif/", 1)[1] for item in collection["items"]] == \
        [f"{r.id}/manifest" for r in records]


def test_institution_collections_are_listed_with_their_names_in_every_script(web):
    top = web.get("/iiif/collection").json()
    validated(top, Collection)
    ndl = next(item for item in top["items"] if item["id"].endswith("/NDL"))
    assert ndl["label"] == {"en": ["National Diet Library"], "ja": ["国立国会図書館"]}


def test_records_without_images_have_no_manifest_and_manifest_links_only_redirect(web, protocol_store):
    assert web.get("/iiif/ndl-demo:ndl0001/manifest").status_code == 404
    assert web.get("/iiif/no-such:record/manifest").status_code == 404
    assert web.get("/iiif/collection/NOWHERE").status_code == 404
    only_link = Record("x", "1", links=[Link("https://example.org/iiif/1/manifest", "iiif_manifest")])
    assert has_images(only_link)
