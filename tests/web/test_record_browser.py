"""The record page's actions in a real headless Chromium: the holding library first, citations that copy with
one click and read without JavaScript, the permanent link, thumbnails on results and record pages."""

from __future__ import annotations

import re

import pytest

from tongwen.web.app import create_app

pytestmark = pytest.mark.browser

SUNZI = "nlb-demo:nlb0009"  # has a landing page at the holding library
GENJI = "ndl-demo:ndl0001"
# Stands in for the collection's image server, which this closed network cannot reach: the test only needs
# the browser to draw what the page links.
THUMBNAIL_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="280">'
                 '<rect width="200" height="280" fill="#c9b68a"/><text x="20" y="150" font-size="28">表紙</text></svg>')


@pytest.fixture()
def context(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    yield context
    context.close()


def test_view_at_the_holding_library_comes_first_and_a_citation_copies_with_one_click(context, live_server,
                                                                                    artifacts_dir):
    page = context.new_page()
    page.goto(f"{live_server}/record/{SUNZI}")
    first = page.locator("nav.actions a").first
    assert first.inner_text() == "View at the holding library (NLB)"
    assert first.get_attribute("href") == "https://www.gutenberg.org/ebooks/132"
    # It is the first thing under the title, above the fold, and drawn as the primary button.
    box = first.bounding_box()
    assert box is not None and box["y"] < 400
    assert first.evaluate("a => getComputedStyle(a).backgroundColor") == "rgb(11, 83, 148)"
    assert box["y"] < page.locator("#cite").bounding_box()["y"]

    citation = page.locator("#cite-gbt7714")
    expected = "Sunzi. The art of war[M/OL]. London：Luzac，1910. https://www.gutenberg.org/ebooks/132."
    assert citation.inner_text() == expected
    button = page.locator("button[data-copy=cite-gbt7714]")
    assert button.is_visible()
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == expected
    assert button.inner_text() == "Copied"
    page.screenshot(path=str(artifacts_dir / "record-view-and-cite.png"), full_page=True)


def test_the_permanent_link_copies(context, live_server):
    page = context.new_page()
    page.goto(f"{live_server}/record/{GENJI}")
    field = page.get_by_label("Permanent link")
    assert field.input_value() == f"{live_server}/record/{GENJI}"
    page.get_by_role("button", name="Copy link").click()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server}/record/{GENJI}"


def test_without_javascript_the_citations_are_plain_text_and_no_copy_button_shows(browser, live_server,
                                                                                 artifacts_dir):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/record/{GENJI}?lang=ja")
        assert page.locator("#cite-sist02").inner_text().startswith("紫式部. 源氏物語. 東京, 岩波書店, 1958–1963.")
        assert page.locator("#cite-apa i").inner_text() == "Genji monogatari"
        assert page.locator("button.copy").count() == 5
        assert not any(page.locator("button.copy").nth(i).is_visible() for i in range(5))
        assert page.get_by_role("heading", name="この資料を引用").count() == 1
        page.screenshot(path=str(artifacts_dir / "record-cite-no-javascript-ja.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture(scope="module")
def image_server(image_settings, serve_app):
    with serve_app(create_app(image_settings)) as url:
        yield url


def test_thumbnails_on_the_results_and_the_record_page(browser, image_server, artifacts_dir):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    requested: list[str] = []

    def image(route):
        requested.append(route.request.url)
        route.fulfill(status=200, content_type="image/svg+xml", body=THUMBNAIL_SVG)

    context.route(re.compile(r"^https://wdb\.jinsha\.tsukuba\.ac\.jp/.*"), image)
    try:
        page = context.new_page()
        page.goto(f"{image_server}/search?filter=institution%3ATSUKUBA")
        thumbs = page.locator("li.hit img.hit-thumb")
        assert thumbs.count() == 8
        page.wait_for_load_state("networkidle")
        # Every thumbnail was drawn: loaded, with the size of the picture it links.
        assert all(thumbs.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(8))
        assert all(url.startswith("https://wdb.jinsha.tsukuba.ac.jp/cantaloupe/iiif/2/") for url in requested)
        page.screenshot(path=str(artifacts_dir / "results-thumbnails.png"), full_page=True)

        page.locator("li.hit .hit-title a").first.click()
        page.wait_for_url("**/record/**")
        image_on_record = page.locator(".record-head img.thumb")
        image_on_record.wait_for()
        assert image_on_record.evaluate("img => img.complete && img.naturalWidth > 0")
        assert image_on_record.get_attribute("alt").startswith("Image of ")
        assert page.locator("nav.actions a").first.inner_text() == "IIIF manifest"
        page.screenshot(path=str(artifacts_dir / "record-thumbnail.png"), full_page=True)
    finally:
        context.close()
