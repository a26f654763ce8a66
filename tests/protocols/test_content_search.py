"""IIIF Content Search 2.0 and 1.0 inside digitised items, over real HTTP (uvicorn on loopback): the Kanseki
Repository's 論語 (690 pages of text, no images) and OCR'd pages of the 般若波羅蜜多心經 as ALTO 4 and hOCR 1.2
write them (word boxes). The manifests those hits point into are validated with iiif-prezi3."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from iiif_prezi3 import Annotation, AnnotationPage, Manifest

from tongwen.config import Settings
from tongwen.index import SearchIndex
from tongwen.ingest.pipeline import import_files
from tongwen.protocols.content_search import HITS_PER_PAGE
from tongwen.store import Store
from tongwen.web.app import create_app

LUNYU = "kanripo:KR1h0004"
ALTO_ITEM = "ocr:T08n0251"
HOCR_ITEM = "hocr:T08n0251"

# The Heart Sutra's first columns, one ALTO page each, written top to bottom, right to left, one String per
# word as an OCR engine segments them (boxes in pixels of a 1600×2400 scan).
ALTO_COLUMNS = {
    1: [("觀自在", 1400, 100, 60, 180), ("菩薩", 1400, 290, 60, 120), ("行深", 1400, 420, 60, 120),
        ("般若波羅蜜多", 1300, 100, 60, 360), ("時", 1300, 470, 60, 60)],
    2: [("照見", 1400, 100, 60, 120), ("五蘊", 1400, 230, 60, 120), ("皆空", 1300, 100, 60, 120),
        ("度一切苦厄", 1300, 230, 60, 300)],
}
HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh" lang="zh">
 <head><title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract 5.3.0'/>
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>
 </head>
 <body>
  <div class='ocr_page' id='page_1' title='image "T08n0251_0003.png"; bbox 0 0 1600 2400; ppageno 0'>
   <p class='ocr_par' id='par_1_1' lang='chi_tra' title="bbox 100 100 1500 400">
    <span class='ocr_line' id='line_1_1' title="bbox 100 100 1500 160">
     <span class='ocrx_word' id='word_1_1' title='bbox 100 100 160 160; x_wconf 96'>觀</span>
     <span class='ocrx_word' id='word_1_2' title='bbox 160 100 220 160; x_wconf 90'>自</span>
     <span class='ocrx_word' id='word_1_3' title='bbox 220 100 280 160; x_wconf 93'>在</span>
    </span>
    <span class='ocr_line' id='line_1_2' title="bbox 100 170 1500 230">
     <span class='ocrx_word' id='word_1_4' title='bbox 100 170 220 230; x_wconf 81'>菩薩</span>
     <span class='ocrx_word' id='word_1_5' title='bbox 220 170 280 230; x_wconf 70'>行</span>
    </span>
   </p>
  </div>
 </body>
</html>"""


def alto_page(number: int) -> str:
    strings = "<SP/>".join(
        f'<String CONTENT="{text}" HPOS="{x}" VPOS="{y}" WIDTH="{w}" HEIGHT="{h}" WC="0.95"/>'
        for text, x, y, w, h in ALTO_COLUMNS[number])
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">
  <Description><MeasurementUnit>pixel</MeasurementUnit>
    <sourceImageInformation><fileName>T08n0251_{number:04}.jpg</fileName></sourceImageInformation></Description>
  <Layout><Page ID="P{number}" PHYSICAL_IMG_NR="{number}" PRINTED_IMG_NR="848{'ab'[number - 1]}"
                WIDTH="1600" HEIGHT="2400">
    <PrintSpace><TextBlock ID="B{number}"><TextLine ID="L{number}">{strings}</TextLine></TextBlock></PrintSpace>
  </Page></Layout>
</alto>"""


@pytest.fixture(scope="module")
def items_settings(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Settings:
    work = tmp_path_factory.mktemp("content-search")
    settings = Settings(data_dir=work / "data").ensure()
    for number in ALTO_COLUMNS:
        (work / f"T08n0251_{number:04}.xml").write_text(alto_page(number), encoding="utf-8")
    (work / "T08n0251_0003.hocr").write_text(HOCR, encoding="utf-8")
    with Store.open(settings.database) as store:
        lunyu = sorted((shared_data / "kanripo-texts" / "KR1h0004").glob("*.txt"))
        for paths, source in ((lunyu, "kanripo"), (sorted(work.glob("*.xml")), "ocr"),
                              ([work / "T08n0251_0003.hocr"], "hocr")):
            summary = import_files(store, paths, source=source)
            assert summary.counts["added"] == 1, summary.first_problems
    index = SearchIndex.open(settings.index_dir)
    with Store.open(settings.database, read_only=True) as store:
        index.sync(store)
    index.close()
    return settings


@pytest.fixture(scope="module")
def server(items_settings: Settings, serve_app):
    with serve_app(create_app(items_settings)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def search(server: httpx.Client, record_id: str, q: str | None, version: int = 2, **params) -> httpx.Response:
    path = f"/iiif/{record_id}/search" + ("/v1" if version == 1 else "")
    return server.get(path, params=({"q": q} if q is not None else {}) | params)


def canvases_by_id(server: httpx.Client, record_id: str) -> dict[str, dict]:
    manifest = server.get(f"/iiif/{record_id}/manifest").json()
    return {canvas["id"]: canvas for canvas in manifest["items"]}


# ---- the manifests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("record_id", [LUNYU, ALTO_ITEM, HOCR_ITEM])
def test_every_page_is_a_canvas_with_its_text_and_the_search_services_are_advertised(server, items_settings,
                                                                                     record_id):
    response = server.get(f"/iiif/{record_id}/manifest")
    assert response.status_code == 200, response.text
    manifest = response.json()
    assert json.loads(Manifest.model_validate(manifest).jsonld()) == manifest  # iiif-prezi3 reads it unchanged
    with Store.open(items_settings.database, read_only=True) as store:
        record = store.get(record_id)
    assert [canvas["label"] for canvas in manifest["items"]] == [{"none": [page.label]} for page in record.pages]
    for canvas, page in zip(manifest["items"], record.pages):
        [annotation] = canvas["annotations"][0]["items"]
        assert annotation["motivation"] == "supplementing" and annotation["target"] == canvas["id"]
        assert annotation["body"] == {"type": "TextualBody", "value": page.text, "format": "text/plain",
                                      "language": "zh-Hant"}
    search2, search1 = manifest["service"]
    assert search2 == {"id": f"{server.base_url}/iiif/{record_id}/search", "type": "SearchService2"}
    assert search1["@id"] == f"{server.base_url}/iiif/{record_id}/search/v1"
    assert search1["profile"] == "http://iiif.io/api/search/1/search"  # what Mirador 3 looks for


def test_ocr_pages_keep_their_size_and_the_lunyu_is_read_right_to_left(server):
    alto = server.get(f"/iiif/{ALTO_ITEM}/manifest").json()
    assert [(c["width"], c["height"]) for c in alto["items"]] == [(1600, 2400), (1600, 2400)]
    assert [c["label"] for c in alto["items"]] == [{"none": ["848a"]}, {"none": ["848b"]}]
    lunyu = server.get(f"/iiif/{LUNYU}/manifest").json()
    assert len(lunyu["items"]) == 690 and lunyu["viewingDirection"] == "right-to-left"
    assert lunyu["items"][0]["label"] == {"none": ["KR1h0004_CHANT_001-1a"]}


# ---- Content Search 2.0 ---------------------------------------------------------------------------------


def test_a_simplified_query_finds_the_traditional_text_on_its_page(server):
    response = search(server, LUNYU, "学而时习之")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    found = response.json()
    assert found["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert found["type"] == "AnnotationPage" and found["partOf"]["total"] == 1
    [hit] = found["items"]
    canvas = canvases_by_id(server, LUNYU)[hit["target"]]  # a page's canvas in the manifest, whole (no boxes)
    assert canvas["label"] == {"none": ["KR1h0004_CHANT_001-1a"]}
    assert hit["motivation"] == "supplementing"
    assert hit["body"] == {"type": "TextualBody", "value": "學而時習之", "format": "text/plain", "language": "zh-Hant"}
    [context] = found["annotations"][0]["items"]
    assert context["motivation"] == "contextualizing" and context["target"]["source"] == hit["id"]
    assert context["target"]["selector"] == [{"type": "TextQuoteSelector", "prefix": "1 《學而篇第一》  1.1子曰： 「",
                                              "exact": "學而時習之", "suffix": "， 不亦說乎？ 有朋自遠方來， 不亦樂乎"}]


@pytest.mark.parametrize("record_id, q", [(LUNYU, "之"), (ALTO_ITEM, "观自在"), (HOCR_ITEM, "菩萨")])
def test_a_result_page_is_a_presentation_3_annotation_page(server, record_id, q):
    """iiif-prezi3 reads every hit as an Annotation, and the page as an AnnotationPage less what Content
    Search defines for result pages (``annotations``, ``startIndex``, and ``partOf`` as one embedded
    collection where Presentation 3 has a list)."""
    found = search(server, record_id, q).json()
    assert found["items"]
    for item in found["items"]:
        written = json.loads(Annotation.model_validate(item).jsonld())
        assert written.pop("@context") == "http://iiif.io/api/presentation/3/context.json" and written == item
    plain = {key: value for key, value in found.items()
             if key not in ("@context", "annotations", "startIndex", "partOf")}
    written = json.loads(AnnotationPage.model_validate(plain).jsonld())
    assert written.pop("@context") == "http://iiif.io/api/presentation/3/context.json" and written == plain


def test_hits_land_on_the_word_boxes_of_alto_and_hocr_pages(server):
    alto = canvases_by_id(server, ALTO_ITEM)
    [hit] = search(server, ALTO_ITEM, "观自在").json()["items"]  # 觀 typed in simplified
    canvas, box = hit["target"].split("#")
    assert alto[canvas]["label"] == {"none": ["848a"]} and box == "xywh=1400,100,60,180"
    # a phrase down two words of one column and on into the next: a box in each column, one match
    found = search(server, ALTO_ITEM, "菩萨行深般若").json()
    assert [(item["body"]["value"], item["target"].split("#")[1]) for item in found["items"]] == [
        ("菩薩行深", "xywh=1400,290,60,250"), ("般若", "xywh=1300,100,60,360")]  # 般若 is in 般若波羅蜜多's box
    [context] = found["annotations"][0]["items"]
    assert [(t["source"], t["selector"][0]) for t in context["target"]] == [
        (found["items"][0]["id"], {"type": "TextQuoteSelector", "exact": "菩薩行深", "prefix": "觀自在"}),
        (found["items"][1]["id"], {"type": "TextQuoteSelector", "exact": "般若", "suffix": "波羅蜜多時"})]
    assert found["partOf"]["total"] == 1
    found = search(server, ALTO_ITEM, "五蕴皆空").json()
    assert {alto[item["target"].split("#")[0]]["label"]["none"][0] for item in found["items"]} == {"848b"}
    assert [item["target"].split("#")[1] for item in found["items"]] == ["xywh=1400,230,60,120",
                                                                         "xywh=1300,100,60,120"]
    found = search(server, HOCR_ITEM, "自在菩萨").json()  # across the hOCR line end
    assert [(item["body"]["value"], item["target"].split("#")[1]) for item in found["items"]] == [
        ("自在", "xywh=160,100,120,60"), ("菩薩", "xywh=100,170,120,60")]


def test_many_hits_come_in_pages_linked_by_next_and_prev(server):
    first = search(server, LUNYU, "之").json()
    total = first["partOf"]["total"]
    assert total > 3 * HITS_PER_PAGE and len(first["items"]) == HITS_PER_PAGE and "prev" not in first
    pages, seen, url = 0, [], first["id"]
    while url:
        page = server.get(url).json()
        assert page["partOf"]["id"] == first["partOf"]["id"] and page["startIndex"] == len(seen)
        assert len(page["items"]) <= HITS_PER_PAGE
        seen += [item["id"] for item in page["items"]]
        pages += 1
        url = page.get("next", {}).get("id")
    assert len(seen) == len(set(seen)) == total
    assert page["id"] == first["partOf"]["last"]["id"] and page["prev"]["id"].endswith(f"page={pages - 1}")
    labels = [canvases_by_id(server, LUNYU)[item["target"]]["label"]["none"][0] for item in first["items"][:2]]
    assert labels == sorted(labels)  # in page order
    past = search(server, LUNYU, "之", page=pages + 1)
    assert past.status_code == 400 and f"last page of hits, {pages}" in past.json()["error"]["message"]


@pytest.mark.parametrize("version", [1, 2])
def test_a_request_without_words_is_a_clear_400(server, version):
    for params in ({"q": None}, {"q": "  "}, {"q": "之", "page": "two"}, {"q": '"學而'}):
        response = search(server, LUNYU, version=version, **params)
        assert response.status_code == 400, params
        assert LUNYU in response.json()["error"]["message"]
    assert "q (the words to search for) is required" in search(server, LUNYU, None, version).json()["error"]["message"]
    assert search(server, "kanripo:KR9z9999", "之", version).status_code == 404


def test_motivation_selects_and_unsupported_parameters_are_ignored_and_said_so(server):
    found = search(server, LUNYU, "学而", motivation="painting supplementing", user="https://example.org/me").json()
    assert found["ignored"] == ["user"] and found["partOf"]["total"] == 11
    assert {item["motivation"] for item in found["items"]} == {"supplementing"}
    assert search(server, LUNYU, "学而", motivation="commenting").json()["partOf"]["total"] == 0
    assert "ignored" not in search(server, LUNYU, "学而").json()


def test_a_word_not_in_the_item_gives_an_empty_page(server):
    found = search(server, LUNYU, "般若").json()
    assert found["items"] == [] and found["partOf"]["total"] == 0 and "next" not in found


# ---- Content Search 1.0 (Mirador 3) ---------------------------------------------------------------------


def test_version_1_gives_an_annotation_list_with_hits_before_and_after(server):
    found = search(server, ALTO_ITEM, "观自在", version=1).json()
    assert found["@context"] == ["http://iiif.io/api/presentation/2/context.json",
                                 "http://iiif.io/api/search/1/context.json"]
    assert found["@type"] == "sc:AnnotationList" and found["within"]["total"] == 1
    [resource] = found["resources"]
    assert resource["resource"] == {"@type": "cnt:ContentAsText", "chars": "觀自在"}
    assert resource["on"].endswith("#xywh=1400,100,60,180")
    assert found["hits"] == [{"@type": "search:Hit", "annotations": [resource["@id"]], "match": "觀自在",
                              "before": "", "after": "菩薩行深般若波羅蜜多時"}]
    across = search(server, HOCR_ITEM, "自在菩萨", version=1).json()  # one hit over two lines: two resources
    [hit] = across["hits"]
    assert hit["annotations"] == [r["@id"] for r in across["resources"]] and hit["match"] == "自在\n菩薩"
    assert [r["on"].split("#")[1] for r in across["resources"]] == ["xywh=160,100,120,60", "xywh=100,170,120,60"]


def test_version_1_pages_like_version_2(server):
    first = search(server, LUNYU, "之", version=1).json()
    second = server.get(first["next"]).json()
    assert len(first["resources"]) == len(first["hits"]) == HITS_PER_PAGE
    assert second["startIndex"] == HITS_PER_PAGE and second["prev"] == first["@id"]
    assert first["within"]["total"] == search(server, LUNYU, "之").json()["partOf"]["total"]
    assert {r["@id"] for r in first["resources"]}.isdisjoint(r["@id"] for r in second["resources"])
