"""The page viewer without a browser: /record/{id}/view renders every page whole (text, picture, previous /
next, every page), so it reads without JavaScript; the record page shows page thumbnails. The demo's
digitised items (tongwen/demo_collection) are the examples."""

from __future__ import annotations

import doctest
import json
import re
from html import unescape

import pytest

import tongwen.cjk.layout

LUNYU, HOJOKI, TONGNIP = "nlc-digitised-demo:nlcdig0001", "ndl-digitised-demo:ndldig0001", "nlk-digitised-demo:nlkdig0001"
KUANGREN = "nlc-digitised-demo:nlcdig0002"


def test_the_layout_rule_examples_hold():
    assert doctest.testmod(tongwen.cjk.layout).failed == 0


def element(page: str, id_: str) -> str:
    """The opening tag of the element with that id."""
    found = re.search(rf'<[a-z]+[^>]*\bid="{id_}"[^>]*>', page)
    assert found, id_
    return found.group(0)


def test_the_viewer_opens_at_the_first_page_with_its_image_text_and_page_turns(client):
    response = client.get(f"/record/{LUNYU}/view", headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.text
    page = response.text
    assert "Page 001-1a (1 of 4)" in page
    tiles = unescape(re.search(r"data-tiles='([^']*)'", page).group(1))
    assert re.fullmatch(r'"http://testserver/iiif/image/[0-9a-f]{24}/info\.json"', tiles)
    assert client.get(tiles.strip('"')).json()["profile"] == "level0"
    # the picture shown before (or without) OpenSeadragon is a listed size of the same service
    picture = re.search(r'<img class="page-picture" src="([^"]+)" alt="Image of page 001-1a"', page).group(1)
    assert picture.endswith("/full/500,700/0/default.jpg") and client.get(picture).status_code == 200
    # previous is not a link on the first page; next is, in the source's own label
    assert 'aria-disabled="true">Previous page</span>' in page
    assert 'href="/record/nlc-digitised-demo:nlcdig0001/view?page=001-1b" rel="next"' in page
    text = element(page, "page-text")
    assert 'class="page-text vertical"' in text and 'lang="zh-Hant"' in text  # 論語: columns, read vertically
    assert "子曰學而時習之不亦說乎有朋自遠方" in page
    assert '<p class="text-source">Text transcribed</p>' in page  # the TEI's transcription, said in words
    # every page is a link in the page list, the current one marked
    assert re.findall(r'<li><a href="[^"]*view\?page=([^"]+)"( aria-current="page")?>', page) == [
        ("001-1a", ' aria-current="page"'), ("001-1b", ""), ("001-2a", ""), ("001-2b", "")]


def test_a_page_is_chosen_by_its_label_and_a_missing_one_is_404(client):
    page = client.get(f"/record/{LUNYU}/view", params={"page": "001-1b"}).text
    assert "Page 001-1b (2 of 4)" in page
    assert 'href="/record/nlc-digitised-demo:nlcdig0001/view?page=001-1a" rel="prev"' in page
    assert client.get(f"/record/{LUNYU}/view", params={"page": "999"}).status_code == 404
    assert client.get("/record/nlc-demo:nlc0001/view").status_code == 404  # a record without pages
    assert client.get("/record/no-such:record/view").status_code == 404


@pytest.mark.parametrize("record_id, vertical", [(LUNYU, True), (HOJOKI, True), (TONGNIP, True), (KUANGREN, False)])
def test_columns_are_read_vertically_and_rows_horizontally(client, record_id, vertical):
    text = element(client.get(f"/record/{record_id}/view").text, "page-text")
    assert ("vertical" in text.split('class="')[1].split('"')[0]) is vertical


def test_a_query_marks_its_words_in_the_text_and_lists_the_pages_it_is_on(client):
    # typed in simplified characters, marked in the traditional text
    page = client.get(f"/record/{LUNYU}/view", params={"page": "001-1a", "q": "学而"},
                      headers={"Accept-Language": "en"}).text
    assert "<mark>學而</mark>第一" in page and "子曰<mark>學而</mark>時習之" in page
    assert "(Marked: 2)" in page
    assert "Pages with “学而”: 1" in page
    # the boxes drawn on the image are the columns the hits are in, as Content Search gives them
    boxes = json.loads(unescape(re.search(r"data-boxes='([^']*)'", page).group(1)))
    assert boxes == [[733, 110, 72, 288], [626, 110, 72, 1152]]
    # page turns keep the query
    assert 'view?page=001-1b&amp;q=%E5%AD%A6%E8%80%8C" rel="next"' in page


def test_the_text_is_escaped_around_the_marks(client):
    page = client.get(f"/record/{KUANGREN}/view", params={"q": "<script>"}).text
    assert "<script>" not in page.split("<main", 1)[1].split("<script src=", 1)[0]


def test_the_record_page_shows_a_thumbnail_per_page_opening_the_viewer_there(client):
    page = client.get(f"/record/{HOJOKI}", headers={"Accept-Language": "en"}).text
    strip = page[page.index('id="pages-heading"'):]
    links = re.findall(r'<li><a href="([^"]+)" aria-label="Page ([^"]+)">\s*<img src="([^"]+)"', strip)
    assert [(href.split("page=")[1], label) for href, label, _ in links] == [
        ("1%E3%82%AA", "1オ"), ("1%E3%82%A6", "1ウ"), ("2%E3%82%AA", "2オ")]
    for _, _, thumbnail in links:
        assert thumbnail.endswith("/full/125,175/0/default.jpg")
        assert client.get(thumbnail).headers["content-type"] == "image/jpeg"
    assert re.search(r'<a class="button[^"]*" href="/record/ndl-digitised-demo:ndldig0001/view">Read</a>', page)


# ---- an item with text and no images --------------------------------------------------------------------

MENGZI_PAGES = ["孟子見梁惠王。王曰：叟不遠千里而來，亦將有以利吾國乎？",
                "孟子對曰：王何必曰利？亦有仁義而已矣。"]  # 孟子 梁惠王上 1, two pages of a plain text


@pytest.fixture(scope="module")
def text_only_app(tmp_path_factory, shared_data):
    """A data dir with two items of text and no images: a plain text whose two pages are split by a form
    feed, and the first juan of the Kanseki Repository's 論語 (17 pages, turned right to left)."""
    from tongwen.config import Settings
    from tongwen.index import SearchIndex
    from tongwen.ingest.pipeline import import_files
    from tongwen.store import Store
    from tongwen.web.app import create_app

    work = tmp_path_factory.mktemp("text-only")
    (work / "mengzi.txt").write_text("\f".join(MENGZI_PAGES), encoding="utf-8")
    settings = Settings(data_dir=work / "data").ensure()
    with Store.open(settings.database) as store:
        assert import_files(store, [work / "mengzi.txt"], source="texts").counts["added"] == 1
        juan = shared_data / "kanripo-texts" / "KR1h0004" / "KR1h0004_001.txt"
        assert import_files(store, [juan], source="kanripo").counts["added"] == 1
    index = SearchIndex.open(settings.index_dir)
    with Store.open(settings.database, read_only=True) as store:
        index.sync(store)
    index.close()
    return create_app(settings)


@pytest.fixture()
def text_only(text_only_app):
    from fastapi.testclient import TestClient

    with TestClient(text_only_app) as client:
        yield client


def test_an_item_without_images_shows_its_text_pages_alone(text_only):
    page = text_only.get("/record/texts:mengzi/view", headers={"Accept-Language": "en"}).text
    assert 'class="viewer-body text-only"' in page and "page-image" not in page and "data-tiles=''" in page
    assert "Page 1 (1 of 2)" in page and MENGZI_PAGES[0] in page
    assert 'href="/record/texts:mengzi/view?page=2" rel="next"' in page
    # 仁义 in simplified characters is found and marked on page 2
    found = text_only.get("/record/texts:mengzi/view", params={"page": "2", "q": "仁义"}).text
    assert "亦有<mark>仁義</mark>而已矣" in found
    # the record page lists the pages by their first words instead of thumbnails
    record = text_only.get("/record/texts:mengzi", headers={"Accept-Language": "en"}).text
    strip = record[record.index('id="pages-heading"'):]
    assert 'class="page-thumbs text-pages"' in strip and "<img" not in strip.split("</section>")[0]
    assert '<span class="page-excerpt" lang="zh-Hant">孟子見梁惠王。王曰：叟不遠千里而來，亦將有以利吾國乎？</span>' in strip


# ---- reaching the viewer: full-text hits and the home page ----------------------------------------------


def test_a_full_text_hit_lists_its_pages_and_each_opens_the_viewer_there_with_the_query(client):
    page = client.get("/search", params={"q": "学而时习之"}, headers={"Accept-Language": "en"}).text
    hit = next(part for part in page.split('<li class="hit">')[1:] if f"/record/{LUNYU}\"" in part)
    assert "In the text: 1 page" in hit
    links = re.findall(r'<a href="http://testserver(/record/[^"]+/view\?[^"]+)"', hit)
    assert links and set(links) == {f"/record/{LUNYU}/view?page=001-1a&amp;q=%E5%AD%A6%E8%80%8C%E6%97%B6%E4%B9%A0%E4%B9%8B"}
    # the page's snippet, the simplified phrase marked in the traditional text
    assert "<mark>學而時習之</mark>" in hit
    viewer = client.get(unescape(links[0]), headers={"Accept-Language": "en"}).text
    assert "Page 001-1a (1 of 4)" in viewer and "子曰<mark>學而時習之</mark>不亦說乎" in viewer


def test_the_home_page_shows_the_digitised_items_first_pages_as_thumbnails(client):
    page = client.get("/", headers={"Accept-Language": "en"}).text
    section = page[page.index('id="digitised-heading"'):page.index("</section>", page.index('id="digitised-heading"'))]
    thumbnails = re.findall(r'<a href="http://testserver/record/([^"]+)">\s*<img src="([^"]+)"', section)
    assert {record_id for record_id, _ in thumbnails} == {LUNYU, HOJOKI, TONGNIP, KUANGREN}
    for _, src in thumbnails:
        assert re.fullmatch(r"/iiif/image/[0-9a-f]{24}/full/125,175/0/default\.jpg", src), src
        assert client.get(src).headers["content-type"] == "image/jpeg"


def test_an_undated_text_turned_right_to_left_reads_vertically_and_its_arrow_keys_follow_the_book(text_only):
    page = text_only.get("/record/kanripo:KR1h0004/view", params={"page": "KR1h0004_CHANT_001-2a"},
                         headers={"Accept-Language": "en"}).text
    assert "Page KR1h0004_CHANT_001-2a (2 of 17)" in page and 'class="viewer-body text-only"' in page
    assert 'class="page-text vertical"' in element(page, "page-text") and "有子曰" in page
    assert 'data-right-to-left="true"' in element(page, "viewer")  # the next page is on the left


def test_the_viewer_speaks_the_readers_language_and_says_when_the_words_are_not_in_the_item(client):
    page = client.get(f"/record/{HOJOKI}/view", params={"q": "紅樓夢"}, headers={"Accept-Language": "ja"}).text
    assert "1オ ページ（3 中 1）" in page and ">次のページ</a>" in page and "縦書きで読む" in page
    assert "この資料のテキストに「紅樓夢」はありません" in page and "<mark>" not in page
    # the zoomable image's label, which the script gives OpenSeadragon's canvas
    assert 'data-label-image="1オ ページの画像（拡大縮小できます）"' in page
