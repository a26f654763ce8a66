"""The page viewer in a real headless Chromium: OpenSeadragon over our IIIF level 0 tiles, our own page turns
(links, buttons, arrow keys), the text beside the image read vertically for 論語 and horizontally for 狂人日记,
a query's words marked in the text and their columns boxed on the image; and without JavaScript. Screenshots
go to test-artifacts/."""

from __future__ import annotations

import pytest

from .test_viewer import text_only_app  # noqa: F401 - a fixture: two items of text without images

pytestmark = pytest.mark.browser

LUNYU, KUANGREN = "nlc-digitised-demo:nlcdig0001", "nlc-digitised-demo:nlcdig0002"
DRAWN = "() => window.tongwenViewer && window.tongwenViewer.world.getItemCount() === 1 && " \
        "window.tongwenViewer.world.getItemAt(0).getFullyLoaded()"


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.failed = []  # every image or info.json request that did not answer 200
    page.on("response", lambda r: page.failed.append(f"{r.status} {r.url}")
            if "/iiif/image/" in r.url and r.status != 200 else None)
    page.on("pageerror", lambda error: page.failed.append(f"script error: {error}"))
    yield page
    context.close()


def canvas_has_ink(page) -> bool:
    """The OpenSeadragon canvas holds the drawn page: dark strokes (the characters) on light paper."""
    return page.evaluate("""() => {
        const canvas = document.querySelector('#osd canvas');
        const context = canvas.getContext('2d');
        const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0, light = 0;
        for (let i = 0; i < data.length; i += 16) {
            const v = data[i] + data[i + 1] + data[i + 2];
            if (v < 200) dark++; else if (v > 500) light++;
        }
        return dark > 100 && light > dark;
    }""")


def test_lunyu_opens_at_its_first_page_with_tiles_and_vertical_text_and_the_next_page_turns_in_place(
        page, live_server, artifacts_dir):
    page.goto(f"{live_server}/record/{LUNYU}/view")
    page.wait_for_function(DRAWN, timeout=30_000)
    assert canvas_has_ink(page)
    assert page.get_by_role("status").inner_text() == "Page 001-1a (1 of 4)"
    assert page.get_by_role("img", name="Image of page 001-1a, zoomable").count() == 1
    text = page.locator("#page-text")
    assert text.evaluate("e => getComputedStyle(e).writingMode") == "vertical-rl"
    assert text.get_attribute("lang") == "zh-Hant" and "子曰學而時習之" in text.inner_text()
    assert page.get_by_role("button", name="Read vertically").get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(artifacts_dir / "viewer-lunyu-001-1a.png"), full_page=True)

    # the next page by its link: fetched and swapped in, the address follows, focus stays on the link
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url("**/view?page=001-1b")
    assert page.get_by_role("status").inner_text() == "Page 001-1b (2 of 4)"
    page.wait_for_function(DRAWN, timeout=30_000)
    assert page.evaluate("document.activeElement.id") == "next-page"
    assert page.evaluate("window.notReloaded") is True  # turned in place, not a new page load
    # arrow keys turn pages too (left to right here: the demo's 論語 gives no page order)
    page.locator("#viewer-status").click()  # focus out of the link, on the page itself
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/view?page=001-2a")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/view?page=001-1b")
    page.go_back()  # the history has each page turned to
    page.wait_for_url("**/view?page=001-2a")
    page.wait_for_function("() => document.getElementById('viewer-status').textContent === 'Page 001-2a (3 of 4)'")
    page.wait_for_function(DRAWN, timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "viewer-lunyu-001-2a.png"), full_page=True)
    assert page.failed == []


def test_a_query_opens_with_its_words_marked_in_the_text_and_boxed_on_the_image(page, live_server,
                                                                                artifacts_dir):
    page.goto(f"{live_server}/record/{LUNYU}/view?page=001-1a&q=学而")
    page.wait_for_function(DRAWN, timeout=30_000)
    assert page.locator("#page-text mark").all_inner_texts() == ["學而", "學而"]
    boxes = page.locator("#osd .hit-box")
    assert boxes.count() == 2
    # each box sits on the image where its column is: tall and narrow, right of the page's middle
    image = page.locator("#osd canvas").bounding_box()
    for n in range(2):
        box = boxes.nth(n).bounding_box()
        assert box["height"] > box["width"] > 0
        assert image["x"] + image["width"] / 2 < box["x"] < image["x"] + image["width"]
    assert page.get_by_role("link", name="001-1a").first.get_attribute("aria-current") == "page"
    assert page.get_by_role("searchbox", name="Search in this item").input_value() == "学而"
    page.screenshot(path=str(artifacts_dir / "viewer-lunyu-query-xueer.png"), full_page=True)
    assert page.failed == []


def test_kuangren_riji_is_read_horizontally(page, live_server, artifacts_dir):
    page.goto(f"{live_server}/record/{KUANGREN}/view")
    page.wait_for_function(DRAWN, timeout=30_000)
    text = page.locator("#page-text")
    assert text.evaluate("e => getComputedStyle(e).writingMode") == "horizontal-tb"
    assert text.get_attribute("lang") == "zh-Hans"
    toggle = page.get_by_role("button", name="Read vertically")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()  # the reader may still choose to read it vertically
    assert text.evaluate("e => getComputedStyle(e).writingMode") == "vertical-rl"
    page.get_by_role("link", name="Next page").click()  # the choice holds as pages turn…
    page.wait_for_url("**/view?page=2")
    assert page.locator("#page-text").evaluate("e => getComputedStyle(e).writingMode") == "vertical-rl"
    page.get_by_role("button", name="Read vertically").click()
    page.screenshot(path=str(artifacts_dir / "viewer-kuangren-horizontal.png"), full_page=True)
    # …and is the item's own: 論語 read horizontally stays so when opened again, 方丈記 keeps its default
    writing_mode = "() => getComputedStyle(document.getElementById('page-text')).writingMode"
    page.goto(f"{live_server}/record/{LUNYU}/view")
    page.get_by_role("button", name="Read vertically").click()
    assert page.evaluate(writing_mode) == "horizontal-tb"
    page.goto(f"{live_server}/record/ndl-digitised-demo:ndldig0001/view")
    assert page.evaluate(writing_mode) == "vertical-rl"
    page.goto(f"{live_server}/record/{LUNYU}/view?page=001-2a")
    assert page.evaluate(writing_mode) == "horizontal-tb"
    assert page.failed == []


def test_without_javascript_the_page_its_picture_and_the_page_links_work(browser, live_server, artifacts_dir):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/record/{LUNYU}/view?lang=en")
        picture = page.locator("img.page-picture")
        assert picture.evaluate("img => img.complete && img.naturalWidth") == 500
        assert not page.locator(".zoom-controls").is_visible()  # zooming needs the script
        page.get_by_role("link", name="Next page").click()
        page.wait_for_url("**/view?page=001-1b")
        page.locator(".page-list").get_by_role("link", name="001-2b").click()
        page.wait_for_url("**/view?page=001-2b")
        assert "Page 001-2b (4 of 4)" in page.locator("#viewer-status").inner_text()
        assert page.locator("#page-text").evaluate("e => getComputedStyle(e).writingMode") == "vertical-rl"
        page.screenshot(path=str(artifacts_dir / "viewer-no-javascript.png"), full_page=True)
    finally:
        context.close()


def test_a_page_of_a_full_text_hit_opens_the_viewer_there_with_the_phrase_marked(page, live_server, artifacts_dir):
    page.goto(f"{live_server}/search?q=学而时习之")
    hit = page.locator("li.hit", has=page.locator(f'a[href$="/record/{LUNYU}"]'))
    assert hit.locator(".in-text p").inner_text() == "In the text: 1 page (001-1a)"
    page.screenshot(path=str(artifacts_dir / "results-in-the-text.png"), full_page=True)
    hit.locator(".in-text p").get_by_role("link", name="001-1a").click()
    page.wait_for_url("**/view?page=001-1a&q=*")
    page.wait_for_function(DRAWN, timeout=30_000)
    assert page.locator("#page-text mark").all_inner_texts() == ["學而時習之"]
    assert page.locator("#osd .hit-box").count() == 1
    assert page.failed == []


def test_a_text_only_item_turned_right_to_left_turns_with_the_left_arrow(browser, text_only_app, serve_app,
                                                                        artifacts_dir):
    with serve_app(text_only_app) as url:
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{url}/record/kanripo:KR1h0004/view")
            assert page.locator("#osd").count() == 0 and page.locator(".page-text.vertical").count() == 1
            assert page.locator("#page-text").evaluate("e => getComputedStyle(e).writingMode") == "vertical-rl"
            page.locator("#viewer-status").click()
            page.keyboard.press("ArrowLeft")  # the next page of a book read right to left
            page.wait_for_url("**/view?page=KR1h0004_CHANT_001-2a")
            page.wait_for_function("() => document.getElementById('viewer-status').textContent"
                                   ".startsWith('Page KR1h0004_CHANT_001-2a')")
            page.keyboard.press("ArrowRight")
            page.wait_for_url("**/view?page=KR1h0004_CHANT_001-1a")
            page.screenshot(path=str(artifacts_dir / "viewer-kanripo-text-only.png"), full_page=True)
        finally:
            context.close()


def test_on_a_phone_the_image_and_the_text_stack_without_sideways_scrolling(browser, live_server, artifacts_dir):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/record/{LUNYU}/view?q=学而")
        page.wait_for_function(DRAWN, timeout=30_000)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0  # the vertical text's columns scroll inside its own box
        image, text = page.locator("#osd").bounding_box(), page.locator("#page-text").bounding_box()
        assert text["y"] >= image["y"] + image["height"]  # the text under the image
        page.screenshot(path=str(artifacts_dir / "viewer-phone.png"), full_page=True)
    finally:
        context.close()
