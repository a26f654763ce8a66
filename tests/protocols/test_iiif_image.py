"""IIIF Image API 3.0 level 0 for local page images: the demo's digitised items (4 TEI items, 13 JPEG pages drawn
by pages/render.py) are tiled with Pillow at import, served as info.json + static tiles, and painted through
that service in our manifests (validated with iiif-prezi3)."""

from __future__ import annotations

import doctest
import io
import math
import shutil
from pathlib import Path

import pytest
from iiif_prezi3 import Manifest
from PIL import Image

import tongwen.protocols.iiif_image as iiif_image
from tongwen.demo import DEMO_DIR
from tongwen.ingest import FORMATS
from tongwen.ingest.base import MapContext, RawRecord
from tongwen.ingest.pipeline import ImportRun, import_files
from tongwen.protocols.iiif_image import LocalImages, forget_record
from tongwen.model import Record
from tongwen.store import Store

from .test_iiif import validated

LUNYU = "nlc-digitised-demo:nlcdig0001"
DIGITISED = {"nlc-digitised-demo:nlcdig0001": 4, "nlc-digitised-demo:nlcdig0002": 3,
             "ndl-digitised-demo:ndldig0001": 3, "nlk-digitised-demo:nlkdig0001": 3}


def test_the_module_examples_hold():
    assert doctest.testmod(iiif_image).failed == 0


def demo_images(settings, store):
    """(record, page, identifier) of every demo page, the identifier None when it was not tiled."""
    images = LocalImages(settings.images_dir)
    for record_id in DIGITISED:
        record = store.get(record_id)
        for page in record.pages:
            yield record, page, images.identifier(record, page)


def test_every_page_of_the_demos_digitised_items_is_tiled_at_import(protocol_settings, protocol_store):
    found = list(demo_images(protocol_settings, protocol_store))
    assert len(found) == 13 == sum(DIGITISED.values())
    assert all(identifier for _, _, identifier in found), [page.label for _, page, i in found if not i]
    assert len({identifier for _, _, identifier in found}) == 13  # one image service per page


def canonical_requests(width: int, height: int, tile: int, scale_factors: list[int]) -> list[tuple[str, int, int]]:
    """Every tile a client may ask a level 0 service for, as Image API 3.0 §5.6 computes them (region in
    full-size pixels, size ⌈region / scale factor⌉, canonical forms `full` and `max` of §4.7), with the size
    the answer must have."""
    requests = []
    for scale in scale_factors:
        span = tile * scale
        for y in range(0, height, span):
            for x in range(0, width, span):
                w, h = min(span, width - x), min(span, height - y)
                out_w, out_h = math.ceil(w / scale), math.ceil(h / scale)
                region = "full" if (x, y, w, h) == (0, 0, width, height) else f"{x},{y},{w},{h}"
                size = "max" if (out_w, out_h) == (width, height) else f"{out_w},{out_h}"
                requests.append((f"{region}/{size}/0/default.jpg", out_w, out_h))
    return requests


def test_info_json_is_a_level_0_image_service_and_every_listed_tile_and_size_is_served(web, protocol_settings,
                                                                                       protocol_store):
    record, page, identifier = next(demo_images(protocol_settings, protocol_store))
    assert (record.id, page.label) == (LUNYU, "001-1a")
    with Image.open(DEMO_DIR / page.image.url) as source:
        width, height = source.size
    response = web.get(f"/iiif/image/{identifier}/info.json", headers={"Origin": "https://viewer.example"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"  # viewers on other sites may read it
    info = response.json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"{web.base_url}/iiif/image/{identifier}"
    assert (info["type"], info["protocol"], info["profile"]) == ("ImageService3", "http://iiif.io/api/image",
                                                                 "level0")
    assert (info["width"], info["height"]) == (width, height) == (1000, 1400)
    [tiles] = info["tiles"]
    assert tiles == {"width": 512, "height": 512, "scaleFactors": [1, 2, 4]}
    requests = canonical_requests(width, height, tiles["width"], tiles["scaleFactors"])
    requests += [(f"full/{s['width']},{s['height']}/0/default.jpg", s["width"], s["height"]) for s in info["sizes"]]
    # 6 + 2 + 1 tiles at scale factors 1, 2, 4 (the last one the whole image at 250×350, also a listed size)
    assert len(requests) == 13 and requests.count(("full/250,350/0/default.jpg", 250, 350)) == 2
    for request, w, h in requests:
        answer = web.get(f"/iiif/image/{identifier}/{request}")
        assert answer.status_code == 200, request
        assert answer.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(answer.content)) as served:
            assert (served.format, served.size) == ("JPEG", (w, h)), request
    # JSON-LD when asked for it (§6.3); the base URI leads to the information
    asked = web.get(f"/iiif/image/{identifier}/info.json", headers={"Accept": "application/ld+json"})
    assert asked.headers["content-type"] == 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    base = web.get(f"/iiif/image/{identifier}", follow_redirects=False)
    assert base.status_code == 303 and base.headers["location"].endswith(f"/iiif/image/{identifier}/info.json")


@pytest.mark.parametrize("request_path", [
    "full/max/90/default.jpg",  # level 0: no rotation
    "0,0,100,100/max/0/default.jpg",  # not a tile
    "full/max/0/default.png",
    "..%2F..%2Ftongwen.sqlite",
])
def test_anything_level_0_does_not_offer_is_404(web, protocol_settings, protocol_store, request_path):
    _, _, identifier = next(demo_images(protocol_settings, protocol_store))
    assert web.get(f"/iiif/image/{identifier}/{request_path}").status_code == 404
    assert web.get("/iiif/image/0123456789abcdef01234567/info.json").status_code == 404
    assert web.get("/iiif/image/..%2F..%2Fetc/info.json").status_code == 404


def test_the_manifest_paints_each_page_through_its_image_service(web, protocol_settings, protocol_store):
    manifest = validated(web.get(f"/iiif/{LUNYU}/manifest").json(), Manifest)
    pages = [(page, identifier) for record, page, identifier in demo_images(protocol_settings, protocol_store)
             if record.id == LUNYU]
    assert [canvas["label"] for canvas in manifest["items"]] == [{"none": [page.label]} for page, _ in pages]
    for canvas, (_, identifier) in zip(manifest["items"], pages):
        assert (canvas["width"], canvas["height"]) == (1000, 1400)
        body = canvas["items"][0]["items"][0]["body"]
        service = f"{web.base_url}/iiif/image/{identifier}"
        assert body["id"] == f"{service}/full/max/0/default.jpg" and body["format"] == "image/jpeg"
        assert body["service"] == [{"id": service, "type": "ImageService3", "profile": "level0"}]
        assert web.get(body["id"]).status_code == 200
        # a thumbnail of each page, one of the sizes its service lists (viewers show them in their page strips)
        [thumbnail] = canvas["thumbnail"]
        assert (thumbnail["id"], thumbnail["width"], thumbnail["height"]) == (
            f"{service}/full/125,175/0/default.jpg", 125, 175)
        assert web.get(thumbnail["id"]).headers["content-type"] == "image/jpeg"
    assert manifest["thumbnail"] == manifest["items"][0]["thumbnail"]


# ---- import: once, and page by page ------------------------------------------------------------------------


@pytest.fixture()
def lunyu_copy(tmp_path: Path) -> Path:
    """The demo's NLC TEI file (論語 and 狂人日记) with its page images, in a directory of its own."""
    shutil.copy(DEMO_DIR / "nlc-digitised.tei.xml", tmp_path)
    for name in ("lunyu", "kuangren"):
        shutil.copytree(DEMO_DIR / "pages" / name, tmp_path / "pages" / name)
    return tmp_path / "nlc-digitised.tei.xml"


def tile_files(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): path.stat().st_mtime_ns for path in root.rglob("*") if path.is_file()}


def test_importing_again_leaves_the_tiles_alone_and_a_changed_image_is_tiled_afresh(tmp_path, lunyu_copy):
    data = tmp_path / "data"
    with Store.open(data / "tongwen.sqlite") as store:
        import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        first = tile_files(data / "images")
        assert len({name.split("/")[0] for name in first}) == 2  # a directory per record…
        assert len({tuple(name.split("/")[:2]) for name in first}) == 7  # …a pyramid per page: 4 + 3
        assert sum(name.endswith(".jpg") for name in first) == 7 * 13
        summary = import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        assert summary.counts["unchanged"] == 2 and summary.problem_count == 0
        assert tile_files(data / "images") == first  # same files, not rewritten, none added
        # a page drawn again (here: smaller) is a new pyramid under the same identifier
        with Image.open(lunyu_copy.parent / "pages/lunyu/02.jpg") as picture:
            picture.resize((500, 700)).save(lunyu_copy.parent / "pages/lunyu/02.jpg")
        import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        record = store.get(LUNYU)
    identifier = LocalImages(data / "images").identifier(record, record.pages[1])
    assert LocalImages(data / "images").info(identifier, "x")["width"] == 500
    again = tile_files(data / "images")
    pyramid = f"{identifier[:12]}/{identifier[12:]}/"
    assert {name for name in again if not name.startswith(pyramid)} == {
        name for name in first if not name.startswith(pyramid)}
    assert not [name for name in again if "/." in f"/{name}"]  # no draft or old pyramid left behind


def test_a_record_keeps_only_the_pyramids_of_the_images_its_pages_name_and_a_deleted_one_none(tmp_path,
                                                                                              lunyu_copy):
    data = tmp_path / "data"
    images = LocalImages(data / "images")
    with Store.open(data / "tongwen.sqlite") as store:
        import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        before = store.get(LUNYU)
        old = images.identifier(before, before.pages[1])
        # the second page's image is given a new name in the TEI
        (lunyu_copy.parent / "pages/lunyu/02.jpg").rename(lunyu_copy.parent / "pages/lunyu/02-new.jpg")
        tei = lunyu_copy.read_text(encoding="utf-8")
        lunyu_copy.write_text(tei.replace('facs="pages/lunyu/02.jpg"', 'facs="pages/lunyu/02-new.jpg"'),
                              encoding="utf-8")
        summary = import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        assert summary.counts["updated"] == 1 and summary.problem_count == 0
        after = store.get(LUNYU)
    new = images.identifier(after, after.pages[1])
    assert new and new != old and images.info(old, "x") is None  # the old pyramid is gone, not served
    assert len(list((data / "images" / new[:12]).iterdir())) == 4
    forget_record(LUNYU, data / "images")
    assert [images.identifier(after, page) for page in after.pages] == [None] * 4


def test_a_record_deleted_by_its_source_takes_its_tiles_with_it(tmp_path, lunyu_copy):
    """As an OAI-PMH harvest or a MARC file with leader/05 = d deletes one, through the same ImportRun."""
    data = tmp_path / "data"
    with Store.open(data / "tongwen.sqlite") as store:
        import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        record = store.get(LUNYU)
        assert all(LocalImages(data / "images").identifier(record, page) for page in record.pages)
        run = ImportRun(store, store.begin_run("import", "nlc-digitised-demo", [], "tei"),
                        MapContext("nlc-digitised-demo", "NLC"))
        run.handle(RawRecord("deletions record 1", local_id="nlcdig0001", deleted=True), FORMATS["tei"])
        assert run.counts["deleted"] == 1 and store.get(LUNYU) is None
    assert [LocalImages(data / "images").identifier(record, page) for page in record.pages] == [None] * 4
    assert len(list((data / "images").iterdir())) == 1  # 狂人日记's pages stay


def test_a_missing_or_broken_page_image_is_a_problem_naming_record_and_page_and_the_rest_goes_in(tmp_path,
                                                                                               lunyu_copy):
    (lunyu_copy.parent / "pages/lunyu/02.jpg").unlink()
    (lunyu_copy.parent / "pages/lunyu/03.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG")
    data = tmp_path / "data"
    with Store.open(data / "tongwen.sqlite") as store:
        summary = import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        assert summary.counts["added"] == 2, summary.first_problems
        problems = [(p.record_id, p.field, p.severity) for p in summary.first_problems]
        assert problems == [(LUNYU, "pages[001-1b].image", "warning"), (LUNYU, "pages[001-2a].image", "warning")]
        assert "pages/lunyu/02.jpg" in summary.first_problems[0].message
        assert "not an image" in summary.first_problems[1].message
        record = store.get(LUNYU)
    images = LocalImages(data / "images")
    assert [bool(images.identifier(record, page)) for page in record.pages] == [True, False, False, True]


def test_page_images_are_tiled_after_the_import_commits_so_other_writers_are_not_kept_waiting(tmp_path, lunyu_copy,
                                                                                            monkeypatch):
    """Tiling a page takes a quarter of a second; it must not happen inside the batch's write transaction."""
    data = tmp_path / "data"
    real_make_tiles = iiif_image.make_tiles
    seen = []

    def make_tiles_while_another_process_writes(source, target):
        with Store.open(data / "tongwen.sqlite") as other:  # a second connection, as another process would
            seen.append(other.get(LUNYU) is not None)  # the records are committed already…
            other.upsert(Record("probe", str(len(seen))))  # …and the write lock is free
        return real_make_tiles(source, target)

    monkeypatch.setattr(iiif_image, "make_tiles", make_tiles_while_another_process_writes)
    with Store.open(data / "tongwen.sqlite") as store:
        summary = import_files(store, [lunyu_copy], source="nlc-digitised-demo", institution="NLC")
        assert summary.counts["added"] == 2 and summary.problem_count == 0
        assert store.get("probe:7") is not None
    assert seen == [True] * 7
