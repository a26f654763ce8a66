"""The record page as a researcher uses it: view at the holding library, cite, export, permanent link,
thumbnails — over HTTP (the browser tests in test_record_browser.py)."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from tongwen.config import Settings
from tongwen.web.app import create_app

GENJI = "ndl-demo:ndl0001"  # 源氏物語, 紫式部, ed. 山岸徳平 (romanized forms from MARC 245/100 with 880s)
HONGLOU = "nlc-demo:oai:nlc-demo:nlc0001"  # 红楼梦, 曹雪芹 and 高鹗: Chinese DC with no romanization at all
SUNZI = "nlb-demo:nlb0009"  # The art of war, with a landing page (Project Gutenberg)
KUUNMONG = "nlk-demo:nlk0013"  # 구운몽, 김만중 (Kim, Man-jung)
CITATIONS = "//section[@id='cite']//div[@class='citation']/p"
ACTIONS = "//nav[@class='actions']/a"
HITS = "//li[@class='hit']"
HIT_LINKS = "//li[@class='hit']//h3[@class='hit-title']/a"


def page_of(client, record_id: str):
    response = client.get(f"/record/{record_id}")
    assert response.status_code == 200
    return lxml_html.fromstring(response.text)


def citation_texts(doc) -> dict[str, str]:
    return {p.get("id").removeprefix("cite-"): " ".join(p.text_content().split())
            for p in doc.xpath(CITATIONS)}


def test_a_japanese_record_is_cited_in_every_style_with_names_in_their_script(client):
    doc = page_of(client, GENJI)
    link = f"http://testserver/record/{GENJI}"
    assert citation_texts(doc) == {
        # APA: romanized, as APA asks for non-Latin scripts.
        "apa": f"Murasaki Shikibu. (1958–1963). Genji monogatari (T. Yamagishi, ed.). Iwanami Shoten. {link}",
        # Chicago: romanization followed by the characters.
        "chicago": f"Murasaki Shikibu 紫式部. Genji monogatari 源氏物語. Edited by Yamagishi, Tokuhei 山岸徳平. "
                   f"Iwanami Shoten, 1958–1963. {link}.",
        # GB/T 7714 and SIST 02: the original script.
        "gbt7714": f"紫式部. 源氏物語[M/OL]. 東京：岩波書店，1958–1963. {link}.",
        "sist02": f"紫式部. 源氏物語. 東京, 岩波書店, 1958–1963. {link}.",
    }
    langs = {p.get("id"): p.get("lang") for p in doc.xpath(CITATIONS)}
    assert langs == {"cite-apa": "en", "cite-chicago": "en", "cite-gbt7714": "ja", "cite-sist02": "ja"}


def test_a_chinese_record_without_romanization_gets_pinyin_where_the_style_wants_it(client):
    doc = page_of(client, HONGLOU)
    link = f"http://testserver/record/{HONGLOU}"
    assert citation_texts(doc) == {
        "apa": f"Cao, X., & Gao, E. (1982). Hong lou meng. 人民文学出版社. {link}",
        "chicago": f"Cao Xueqin 曹雪芹, and Gao E 高鹗. Hong lou meng 红楼梦. 人民文学出版社, 1982. {link}.",
        "gbt7714": f"曹雪芹，高鹗. 红楼梦[M/OL]. 人民文学出版社，1982. {link}.",
        "sist02": f"曹雪芹, 高鹗. 红楼梦. 人民文学出版社, 1982. {link}.",
    }
    # Titles are in italics where the style says so; the markup is citeproc's, everything else escaped text.
    assert doc.xpath("//p[@id='cite-apa']/i")[0].text == "Hong lou meng"


def test_a_korean_record_keeps_hangul_in_the_original_script_styles(client):
    link = f"http://testserver/record/{KUUNMONG}"
    assert citation_texts(page_of(client, KUUNMONG)) == {
        "apa": f"Kim, M.-J. (n.d.). Kuunmong. Retrieved {link}",
        "chicago": f"Kim, Man-jung 김만중. Kuunmong 구운몽. n.d. {link}.",
        "gbt7714": f"김만중. 구운몽[M/OL]. {link}.",
        "sist02": f"김만중. 구운몽. {link}.",
    }


def test_view_at_the_holding_library_is_the_first_action_and_goes_to_the_landing_page(client):
    doc = page_of(client, SUNZI)
    first = doc.xpath(ACTIONS)[0]
    assert first.text_content().startswith("View at the holding library")
    assert "primary" in first.get("class")
    assert first.get("href") == "https://www.gutenberg.org/ebooks/132"
    assert first.text_content() == "View at the holding library (NLB)"
    # The citation points at the holding library's page too: it outlives a portal run on one laptop.
    assert citation_texts(doc)["apa"] == "Sunzi. (1910). The art of war. Luzac. https://www.gutenberg.org/ebooks/132"
    # A record without a landing page offers no such button (nothing that leads nowhere).
    assert not [a for a in page_of(client, HONGLOU).xpath(ACTIONS) if "primary" in a.get("class")]


def test_the_permanent_link_is_shown_and_opens_the_record(client):
    doc = page_of(client, GENJI)
    permalink = doc.xpath("//input[@id='permalink']")[0].get("value")
    assert permalink == f"http://testserver/record/{GENJI}"
    assert client.get(permalink).status_code == 200
    copy = doc.xpath("//button[@data-copy='permalink']")[0]
    assert copy.get("hidden") is not None  # shown by copy.js; without JavaScript there is no dead button
    assert doc.xpath("//script[contains(@src, 'copy.js')]") and not [s for s in doc.xpath("//script") if s.text]


@pytest.mark.parametrize(("format", "media_type", "needle"), [
    ("ris", "application/x-research-info-systems", "TI  - Genji monogatari = 源氏物語"),
    ("bibtex", "application/x-bibtex", "@book{ndl-demo_ndl0001"),
    ("csv", "text/csv", "源氏物語"),
    ("jsonld", "application/ld+json", "源氏物語"),
    ("marcxml", "application/marcxml+xml", "源氏物語"),
    ("dc", "application/xml", "源氏物語"),
])
def test_every_export_link_downloads_the_record(client, format, media_type, needle):
    doc = page_of(client, GENJI)
    links = {a.get("href").rsplit("=", 1)[1]: a.get("href") for a in doc.xpath("//section[@id='export']//a")}
    response = client.get(links[format])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert needle in response.text


@pytest.fixture(scope="module")
def image_client(image_settings: Settings):
    from fastapi.testclient import TestClient

    app = create_app(image_settings)
    with TestClient(app) as client:
        yield client, app


def test_thumbnails_from_iiif_manifests_show_on_results_and_record_pages(image_client):
    client, _app = image_client
    results = lxml_html.fromstring(client.get("/search", params={"filter": "institution:TSUKUBA"}).text)
    hits = results.xpath(HITS)
    assert len(hits) == 8
    thumbs = [hit.xpath(".//img[@class='hit-thumb']")[0].get("src") for hit in hits]
    assert all(src.startswith("https://wdb.jinsha.tsukuba.ac.jp/cantaloupe/iiif/2/") for src in thumbs)
    record = hits[0].xpath(".//h3[@class='hit-title']/a")[0].get("href")
    doc = lxml_html.fromstring(client.get(record).text)
    image = doc.xpath("//div[@class='record-head']/img[@class='thumb']")[0]
    assert image.get("src") in thumbs and image.get("alt")
    assert [a.text_content() for a in doc.xpath(ACTIONS)][0] == "IIIF manifest"


def test_records_without_an_image_show_none(client):
    assert not page_of(client, GENJI).xpath("//img[@class='thumb']")
    results = lxml_html.fromstring(client.get("/search", params={"q": "源氏物語"}).text)
    assert results.xpath(HITS) and not results.xpath("//img[@class='hit-thumb']")


def test_a_manifest_without_a_thumbnail_shows_its_first_page_and_offers_the_manifest(image_client):
    client, _app = image_client
    results = lxml_html.fromstring(client.get("/search", params={"filter": "institution:NIJL"}).text)
    href = results.xpath(HIT_LINKS)[0].get("href")
    doc = lxml_html.fromstring(client.get(href).text)
    # NIJL's manifest names no thumbnail; its first canvas' IIIF image is shown, linked (never fetched by us).
    service = "https://kokusho.nijl.ac.jp/api/iiif/100376839/v4/TKGL/TKGL-20424/TKGL-20424-00000.tif"
    assert [img.get("src") for img in doc.xpath("//img[@class='thumb']")] == [f"{service}/full/200,/0/default.jpg"]
    # the page strip: the first 48 of its 1,660 canvases, each its own image service's small size, loaded lazily
    strip = doc.xpath("//ol[@class='page-thumbs']//img")
    assert len(strip) == 48 and {img.get("loading") for img in strip} == {"lazy"}
    assert strip[0].get("src") == f"{service}/full/,240/0/default.jpg"
    assert "1,612 more pages in the viewer" in doc.xpath("string(//section[@class='page-strip'])")
    manifest = [a.get("href") for a in doc.xpath(ACTIONS) if a.text_content() == "IIIF manifest"]
    assert manifest == ["https://kokusho.nijl.ac.jp/biblio/100376839/manifest"]
    assert len(citation_texts(doc)) == 4
