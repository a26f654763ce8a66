"""Portal pages over HTTP: languages, escaping, security headers, bookmarkable URLs. (What a person sees in a
real browser is in test_browser.py.)"""

from __future__ import annotations

import re


def test_home_lists_collections_by_institution_and_country(client):
    page = client.get("/", headers={"Accept-Language": "en"}).text
    for code in ("NLC", "NDL", "NLK", "NLB", "NLV", "NLT"):
        assert f"/institution/{code}" in page
    assert 'lang="ko"' in page  # the Korean name of the NLK is tagged for Korean glyphs


def test_interface_language_from_accept_language_and_remembered(client):
    assert '<html lang="ja">' in client.get("/", headers={"Accept-Language": "ja,en;q=0.5"}).text
    assert '<html lang="zh-Hant">' in client.get("/", headers={"Accept-Language": "zh-TW"}).text
    assert '<html lang="zh-Hans">' in client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    switched = client.get("/", params={"lang": "ko"})
    assert '<html lang="ko">' in switched.text and switched.cookies.get("tongwen_lang") == "ko"
    client.cookies.clear()
    client.cookies.set("tongwen_lang", "ko")
    assert '<html lang="ko">' in client.get("/search", params={"q": "論語"}).text


def test_results_show_original_script_with_romanization_and_removable_filters(client):
    page = client.get("/search", params={"q": "춘향전", "filter": "institution:NLK"}).text
    assert re.search(r'<span lang="ko">[^<]*春香', page)  # hangul query, hanja title
    chips = re.search(r'<ul class="chips">(.*?)</ul>', page, re.S).group(1)
    remove_link = re.search(r'href="([^"]*)"', chips).group(1)
    assert "institution" not in remove_link and "q=" in remove_link


def test_no_results_suggests_other_scripts(client):
    # 論語 為政 (the demo's digitised 論語 holds only 學而, whose 學而時習之 is found)
    page = client.get("/search", params={"q": "溫故而知新可以為師矣"}).text
    assert "Nothing was found" in page
    assert "温故而知新可以为师矣" in page


def test_record_page_shows_every_script_and_the_original(client):
    hit = client.get("/api/search", params={"q": "源氏物語", "filter": "institution:NDL"}).json()["hits"][0]
    page = client.get(f"/record/{hit['id']}").text
    assert 'lang="ja"' in page and 'lang="ja-Latn"' in page
    original = client.get(f"/record/{hit['id']}/original")
    assert original.status_code == 200


def test_markup_in_record_text_is_escaped(client, hostile_title):
    page = client.get("/record/hostile:1").text
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned" in page


def test_security_headers_and_friendly_errors(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
    missing = client.get("/record/nowhere:1", headers={"Accept-Language": "en"})
    assert missing.status_code == 404 and "nowhere:1" in missing.text and "Traceback" not in missing.text
    bad = client.get("/search", params={"q": "(源氏"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text


def test_institution_page_joins_collection_figures(client):
    page = client.get("/institution/NDL", headers={"Accept-Language": "en"}).text
    assert "National Diet Library" in page and "国立国会図書館" in page
    assert client.get("/institution/NOPE").status_code == 404


def test_an_english_title_says_which_original_titles_were_searched_too(client) -> None:
    page = client.get("/search", params={"q": "Tale of Genji"}, headers={"Accept-Language": "ja"}).text
    assert "次の書名でも検索しました" in page and '>源氏物語</a>' in page
    assert "ndl0001" in page  # the Japanese edition, which shares no word with the English title
    api = client.get("/api/search", params={"q": "Analects"}).json()
    assert api["also_searched"] == ["论语"]
