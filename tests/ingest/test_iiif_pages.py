"""The pages of IIIF manifests: canvases with their images and text, from a real NIJL manifest (2.x) and a
3.0 manifest with supplementing TextualBody annotations."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tongwen.ingest import iiif
from tongwen.ingest.base import MapContext

NIJL = "iiif-japan-collections/nijl-kokusho/100376839_manifest.json"


def mapped(data: bytes):
    [raw] = list(iiif.read(io.BytesIO(data), "manifest.json", {}))
    return iiif.map(raw, MapContext("test"))


def test_every_canvas_of_a_real_manifest_is_a_page_in_order(shared_data: Path) -> None:
    data = (shared_data / NIJL).read_bytes()
    canvases = json.loads(data)["sequences"][0]["canvases"]
    record, _ = mapped(data)
    assert len(record.pages) == len(canvases) == 1660
    assert [p.label for p in record.pages[:3]] == [c["label"] for c in canvases[:3]]
    first = record.pages[0]
    assert first.id == canvases[0]["@id"]
    assert (first.width, first.height) == (canvases[0]["width"], canvases[0]["height"])
    service = canvases[0]["images"][0]["resource"]["service"]["@id"]
    assert first.image.kind == "iiif" and first.image.url == service.removesuffix("/info.json")
    assert record.viewing_direction == "right-to-left"
    assert "sequences" not in (record.provenance.original or "")  # the original keeps the manifest, not its canvases


V3 = {
    "@context": "http://iiif.io/api/presentation/3/context.json",
    "id": "https://example.org/iiif/genji/manifest",
    "type": "Manifest",
    "label": {"ja": ["源氏物語"]},
    "viewingDirection": "right-to-left",
    "items": [
        {
            "id": "https://example.org/iiif/genji/canvas/1",
            "type": "Canvas",
            "label": {"none": ["1オ"]},
            "width": 2000,
            "height": 3000,
            "items": [{"type": "AnnotationPage", "items": [{
                "type": "Annotation", "motivation": "painting",
                "body": {"id": "https://example.org/iiif/image/1/full/max/0/default.jpg", "type": "Image",
                         "format": "image/jpeg", "service": [{"id": "https://example.org/iiif/image/1",
                                                              "type": "ImageService3"}]},
            }]}],
            "annotations": [{"type": "AnnotationPage", "items": [{
                "type": "Annotation", "motivation": "supplementing", "label": {"en": ["OCR text"]},
                "body": {"type": "TextualBody", "value": "いづれの御時にか、女御更衣あまたさぶらひ給ひける中に",
                         "language": "ja", "format": "text/plain"},
            }]}],
            "seeAlso": [{"id": "https://example.org/alto/1.xml", "type": "Dataset", "format": "application/xml",
                         "profile": "http://www.loc.gov/standards/alto/v4/alto.xsd"}],
        },
        {"id": "https://example.org/iiif/genji/canvas/2", "type": "Canvas", "label": {"none": ["1ウ"]},
         "width": 2000, "height": 3000},
    ],
}


def test_a_3_0_manifest_gives_page_text_images_and_ocr_links() -> None:
    record, problems = mapped(json.dumps(V3, ensure_ascii=False).encode())
    first, second = record.pages
    assert (first.label, first.image.url, first.image.kind) == ("1オ", "https://example.org/iiif/image/1", "iiif")
    assert first.text.startswith("いづれの御時にか") and (first.lang, first.script) == ("jpn", "Jpan")
    assert first.text_source == "ocr"
    assert [(link.url, link.label) for link in first.links] == [("https://example.org/alto/1.xml", "ALTO")]
    assert second.text is None and second.label == "1ウ"
    assert any("1ウ" in str(p) and "neither an image nor text" in str(p) for p in problems)


def test_an_unknown_viewing_direction_is_reported_and_ignored() -> None:
    record, problems = mapped(json.dumps(V3 | {"viewingDirection": "sideways"}).encode())
    assert record.viewing_direction is None
    assert any(p.field == "viewingDirection" for p in problems)
