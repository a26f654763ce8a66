"""Browse by place, time and subject over HTTP, on the demo collection (what a real browser does with the map and
the timeline is in test_browse_browser.py)."""

from __future__ import annotations

import re

from tongwen.cjk.collation import collation_entry

TOKYO, SEOUL = "1850147", "1835848"


def search_total(client, **params) -> int:
    return client.get("/api/search", params={"page_size": 1, **params}).json()["total"]


def test_places_are_one_entry_across_scripts_with_counts_that_are_the_narrowed_search(client):
    places = {p["id"]: p for p in client.get("/api/browse/places", params={"lang": "en"}).json()["places"]}
    tokyo, seoul = places[TOKYO], places[SEOUL]
    assert (tokyo["name"], tokyo["kind"], round(tokyo["latitude"]), round(tokyo["longitude"])) == ("Tokyo", "city", 36, 140)
    # The demo writes Tokyo 東京 and Tōkyō, Seoul 서울, Sŏul, Seoul, and 京城 / Kyŏngsŏng (1910–1945).
    assert tokyo["count"] == search_total(client, filter=f"place:{TOKYO}") > 0
    assert seoul["count"] == search_total(client, filter=f"place:{SEOUL}")
    assert {"text": "京城", "years": "1910–1945"}.items() <= next(
        n for n in seoul["other_names"] if n["text"] == "京城").items()
    assert seoul["search"] == f"/search?filter=place%3A{SEOUL}"
    keijo = client.get("/api/search", params={"filter": f"place:{SEOUL}", "q": "京城", "page_size": 1}).json()
    assert keijo["total"] >= 1


def test_places_page_lists_places_by_country_in_the_interface_language(client):
    page = client.get("/browse/places", params={"lang": "ko"}).text
    assert 'id="place-map"' in page and "/static/vendor/leaflet/leaflet.js" in page
    assert f'data-place="{SEOUL}">서울</a>' in page and f'data-place="{TOKYO}">도쿄</a>' in page
    assert "/api/browse/places?lang=ko" in page


def test_a_place_filter_shows_in_the_facets_and_chips_of_the_results(client):
    page = client.get("/search", params={"filter": f"place:{TOKYO}", "lang": "ja"}).text
    assert "場所: 東京" in re.search(r'<ul class="chips">(.*?)</ul>', page, re.S).group(1)
    facets = client.get("/search", params={"q": "源氏物語", "lang": "ko"}).text
    assert re.search(r'<h3>장소</h3>.*?filter=place%3A1850147[^>]*>도쿄</a>', facets, re.S)


def test_timeline_shows_decades_with_era_names_and_links_that_narrow_the_search(client):
    page = client.get("/browse/time", params={"lang": "en"}).text
    row = re.search(r'<g class="timeline-row" data-years="1890-1899">(.*?)</g>', page, re.S).group(1)
    assert "明治" in row and "光緒" in row and "光武" in row  # Japan, China, Korea in the 1890s
    assert 'href="/search?filter=year%3A1890-1899"' in row
    assert 'href="/browse/time?from=1890&amp;to=1899"' in row  # the decade opens year by year
    count = int(re.search(r'class="timeline-count">(\d+)<', row).group(1))
    assert count == search_total(client, filter="year:1890-1899")


def test_timeline_of_one_decade_gives_each_year_its_era_years(client):
    rows = client.get("/api/browse/time", params={"from": 1900, "to": 1909}).json()["rows"]
    year_1904 = next(row for row in rows if row["from"] == 1904)
    assert year_1904["eras"] == {"JP": "明治37年", "CN": "光緒30年", "KR": "光武8年"}
    assert all(row["from"] == row["to"] for row in rows)
    assert sum(row["count"] for row in rows) == search_total(client, filter="year:1900-1909")


def test_timeline_of_a_search(client):
    rows = client.get("/api/browse/time", params={"q": "源氏物語"}).json()["rows"]
    assert rows and sum(row["count"] for row in rows) <= search_total(client, q="源氏物語")
    assert all("%3A" in row["search"] and "q=" in row["search"] for row in rows)


def test_subjects_are_filed_in_each_scripts_order_for_each_interface(client):
    for lang, first_section in (("ja", "gojuon"), ("ko", "ganada"), ("zh-Hans", "pinyin"), ("en", "latin")):
        sections = client.get("/api/browse/subjects", params={"lang": lang}).json()["sections"]
        assert sections[0]["order"] == first_section, lang
        for section in sections:
            headings = [e["heading"] for g in section["groups"] for e in g["entries"]]
            keys = [collation_entry(h, lang).key for h in headings]
            assert keys == sorted(keys), (lang, section["order"])
    japanese = client.get("/api/browse/subjects", params={"lang": "ja"}).json()["sections"][0]
    groups = [g["group"] for g in japanese["groups"]]
    assert groups == sorted(groups, key="あかさたなはまやらわ#".index)  # gojūon rows in order


def test_subjects_page_links_each_heading_to_its_search(client):
    page = client.get("/browse/subjects", params={"lang": "en"}).text
    assert 'href="/search?filter=subject%3ABuddhism"' in page
    assert "Chinese characters, in pinyin order" in page


def test_browse_pages_are_linked_and_translated(client):
    home = client.get("/", params={"lang": "ja"}).text
    assert all(re.search(f'href="[^"]*/browse{path}"', home) for path in ("", "/places", "/time", "/subjects"))
    for lang in ("ja", "ko", "zh-Hans", "zh-Hant"):
        page = client.get("/browse", params={"lang": lang}).text
        assert "Browse the collections" not in page, lang  # translated
        assert re.search('href="[^"]*/browse/subjects"', page)


def test_bad_browse_requests_say_what_is_wrong(client):
    response = client.get("/browse/places", params={"filter": "bogus:1"})
    assert response.status_code == 400 and "bogus" in response.text
    assert client.get("/api/browse/time", params={"from": "x"}).status_code == 422
    assert client.get("/api/browse/time", params={"from": 5000}).status_code == 422
