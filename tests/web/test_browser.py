"""The portal in a real headless Chromium (Debian's), driven by Playwright: what a person does and sees."""

from __future__ import annotations

import pytest

from tongwen.web.i18n import translations

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_search_facet_record_and_language_switch(page, live_server, artifacts_dir):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Search the collections").fill("紅樓夢")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search?**")
    hits = page.locator("li.hit")
    assert hits.count() >= 1
    titles = " ".join(hits.locator(".hit-title").all_inner_texts())
    assert "红楼梦" in titles or "紅樓夢" in titles or "紅楼夢" in titles
    # One entry for the work, listing every library's copy; it opens without JavaScript (<details>).
    holdings = page.locator("li.hit details.holdings").first
    summary = holdings.locator("summary").inner_text()
    for library in ("NLC", "NDL", "NLK"):
        assert library in summary
    holdings.locator("summary").click()
    assert holdings.locator("li").count() >= 3

    # Narrow to one institution with the facet, then remove the filter again.
    page.locator("aside.facets a", has_text="(NDL)").first.click()
    assert "filter=institution%3ANDL" in page.url
    assert page.locator(".chips a").count() == 1
    for meta in page.locator("li.hit .inst").all_inner_texts():
        assert meta == "NDL"

    # Open a record: its title carries a lang attribute so the right glyphs are used.
    page.locator("li.hit .hit-title a").first.click()
    page.wait_for_url("**/record/**")
    heading_lang = page.locator("h1 span").get_attribute("lang")
    assert heading_lang in ("ja", "zh-Hant", "zh-Hans", "ko")
    assert page.locator("table.forms").count() >= 1

    # Switch the interface to Korean; it is remembered on the next page.
    page.select_option("#lang-select", "ko")
    page.locator("form.langs button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ko"
    korean = translations("ko")
    assert page.locator("h2", has_text=korean["Titles"]).count() == 1
    assert page.locator("h2", has_text="Titles").count() == 0
    page.goto(live_server + "/search?q=" + "源氏物語")
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("li.hit").count() >= 1
    held_by = korean["Held by %(libraries)s (%(count)s copies)"]
    fixed_words = held_by.split("%(")[0].strip() or held_by.split(")s")[-1].strip()
    assert fixed_words in page.locator("li.hit details.holdings summary").first.inner_text()
    page.screenshot(path=str(artifacts_dir / "search-genji-ko.png"), full_page=True)


def test_cross_script_queries_find_the_same_works(page, live_server):
    for query in ("춘향전", "春香傳", "hong lou meng", "Genji monogatari"):
        page.goto(live_server + "/search?q=" + query)
        assert page.locator("li.hit").count() >= 1, f"{query!r} found nothing"


def test_markup_in_a_title_is_shown_as_text_never_run(page, live_server, hostile_title):
    page.goto(live_server + "/search?q=hostiletitle")
    assert page.locator("li.hit .hit-title").first.inner_text() == hostile_title
    page.goto(live_server + "/record/hostile:1")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("h1").inner_text() == hostile_title


def test_works_with_the_keyboard_and_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.locator("#q").focus()
    page.keyboard.type("源氏物語")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    assert page.locator("li.hit").count() >= 1
    context.close()


def test_phone_layout_has_no_horizontal_scroll(browser, live_server, artifacts_dir):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/search?q=" + "紅樓夢")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.screenshot(path=str(artifacts_dir / "search-phone.png"), full_page=True)
    context.close()


def test_home_page_shows_the_digitised_items_and_opens_one(page, live_server, artifacts_dir):
    page.goto(live_server + "/")
    cards = page.locator("ul.digitised-items li")
    assert cards.count() == 4
    titles = cards.locator(".title").all_inner_texts()
    assert {"論語", "方丈記", "宣言書", "狂人日记"} <= set(titles)
    # each card shows its first page, a small size of the page's IIIF level 0 tiles made at import
    page.locator("ul.digitised-items img").last.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('ul.digitised-items img')]"
                           ".every(img => img.complete && img.naturalWidth === 125)")
    page.locator("section.digitised").screenshot(path=str(artifacts_dir / "home-digitised.png"))
    cards.locator("a", has_text="方丈記").click()
    page.wait_for_url("**/record/**")
    assert page.locator("h1 span").first.inner_text() == "方丈記"
