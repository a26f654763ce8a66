"""Browse by time and by place in a real headless Chromium (Debian's, driven by Playwright), offline: every
request outside the test server is refused and recorded, so a map tile, a CDN font or a script fetched from
elsewhere would fail the test."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

TOKYO = "1850147"  # GeoNames id


@pytest.fixture()
def offline_page(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_the_test_server(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_test_server)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()
    assert not outside, f"the page asked the network for {outside}"


def test_timeline_shows_era_names_and_a_click_narrows_the_search(offline_page, live_server, artifacts_dir):
    page = offline_page
    page.goto(live_server + "/browse/time?lang=ja")
    picture = page.locator("svg.timeline-picture")
    assert picture.is_visible()
    row = picture.locator('g.timeline-row[data-years="1890-1899"]')
    eras = row.locator("text.timeline-eras")
    # SVG text has no innerText: its text content is what is drawn.
    assert eras.locator('tspan[lang="ja"]').text_content().startswith("明治")
    assert "光緒" in eras.locator('tspan[lang="zh-Hant"]').text_content()
    assert "光武" in eras.locator('tspan[lang="ko"]').text_content()
    page.screenshot(path=str(artifacts_dir / "browse-time-ja.png"), full_page=True)
    expected = int(row.locator("text.timeline-count").text_content())

    # A decade opens year by year, each year with its era years.
    row.locator("a.timeline-zoom").click()
    page.wait_for_url("**/browse/time?**from=1890**")
    year = page.locator('g.timeline-row[data-years="1896"]')
    assert "建陽元年" in year.locator("text.timeline-eras").text_content()
    assert "明治29年" in year.locator("text.timeline-eras").text_content()
    page.screenshot(path=str(artifacts_dir / "browse-time-1890s.png"), full_page=True)

    # A bar opens the search narrowed to its years.
    page.go_back()
    page.locator('g.timeline-row[data-years="1890-1899"] a.timeline-bar').click()
    page.wait_for_url("**/search?**")
    assert "filter=year%3A1890-1899" in page.url
    assert page.locator("li.hit").count() == min(expected, 20)
    for year_text in page.locator("li.hit .year").all_inner_texts()[:5]:
        assert re.search(r"18[89]\d|明治", year_text), year_text


def test_the_place_map_draws_offline_and_a_city_narrows_the_search(offline_page, live_server, artifacts_dir):
    page = offline_page
    page.goto(live_server + "/browse/places?lang=en")
    # browse-map.js sets data-markers once Leaflet has drawn, or data-error if a fetch or a script failed.
    page.wait_for_function("() => { const m = document.getElementById('place-map');"
                           " return m.hasAttribute('data-markers') || m.hasAttribute('data-error'); }",
                           timeout=90_000)  # a loaded machine once took over 30 s to draw the 177 outlines
    element = page.locator("#place-map")
    assert element.get_attribute("data-error") is None
    # Natural Earth's ~177 countries at 1:110m, each an SVG path Leaflet drew in its overlay pane.
    countries = page.locator("#place-map .leaflet-overlay-pane path:not(.place-marker)")
    assert countries.count() > 150
    cities = page.locator("#place-map path.place-marker")
    markers = int(element.get_attribute("data-markers"))
    assert markers >= 2 and cities.count() == markers
    page.screenshot(path=str(artifacts_dir / "browse-places-map.png"), full_page=True)

    tokyo = page.locator(f'#place-map path.place-marker[data-place="{TOKYO}"]')
    label = tokyo.get_attribute("aria-label")
    assert label.startswith("Tokyo: ")
    tokyo.click()
    page.wait_for_url("**/search?**")
    assert f"filter=place%3A{TOKYO}" in page.url
    count = int(re.search(r": (\d+) records", label).group(1))
    # The results say the same number the map did; a page shows up to 20 entries, fewer when copies of one
    # work are grouped into one entry (which depends on what else the suite has imported by then).
    assert re.search(rf"\b{count}\b", page.locator("#hits-heading").inner_text().replace(",", ""))
    assert 1 <= page.locator("li.hit").count() <= 20
