"""The demo's digitised items (tongwen/demo_collection/digitised.py): loaded by `tongwen demo` with their pages,
images and text, and found page by page across scripts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tongwen.cli import main
from tongwen.demo import DEMO_DIR
from tongwen.store import Store

LUNYU, HOJOKI, TONGNIP = "nlc-digitised-demo:nlcdig0001", "ndl-digitised-demo:ndldig0001", "nlk-digitised-demo:nlkdig0001"
KUANGREN = "nlc-digitised-demo:nlcdig0002"


def stored(settings, record_id):
    with Store.open(settings.database, read_only=True) as store:
        return store.get(record_id)


def test_the_demo_loads_four_digitised_items_with_their_pages(demo_settings):
    with Store.open(demo_settings.database, read_only=True) as store:
        with_pages = [record for record in store.iter_records() if record.pages]
    assert sorted(record.id for record in with_pages) == sorted([LUNYU, HOJOKI, TONGNIP, KUANGREN])
    kuangren = stored(demo_settings, KUANGREN)
    assert [page.label for page in kuangren.pages] == ["1", "2", "3"] and kuangren.pages[0].script == "Hans"
    # horizontal lines: the boxes run left to right, one under the other
    assert [(word.x, word.y) for word in kuangren.pages[0].words[:2]] == [(70, 134), (70, 230)]
    lunyu, hojoki, tongnip = (stored(demo_settings, key) for key in (LUNYU, HOJOKI, TONGNIP))
    assert [page.label for page in lunyu.pages] == ["001-1a", "001-1b", "001-2a", "001-2b"]
    assert [page.label for page in hojoki.pages] == ["1オ", "1ウ", "2オ"]
    assert [page.label for page in tongnip.pages] == ["1", "2", "3"]
    assert (lunyu.institution, hojoki.institution, tongnip.institution) == ("NLC", "NDL", "NLK")
    assert (lunyu.languages, hojoki.languages, tongnip.languages) == (["chi"], ["jpn"], ["kor"])
    assert lunyu.titles[0].text == "論語" and lunyu.agents[0].name == "孔子"
    first = lunyu.pages[0]
    # one line a column, an empty line between chapters, as the TEI's <lb/> and <p> say
    assert first.text.startswith("論語卷第一\n\n學而第一\n\n子曰學而時習之不亦說乎有朋自遠方\n來不亦樂乎")
    assert (first.lang, first.script, first.text_source) == ("chi", "Hant", "transcription")
    assert hojoki.pages[0].script == "Jpan" and tongnip.pages[0].script == "Kore"
    assert [form.text for form in hojoki.titles[0].forms] == ["方丈記", "Hōjōki"]
    assert (hojoki.date_display, hojoki.year_from, tongnip.year_from) == ("建暦2 [1212]", 1212, 1919)
    # one box per column, where render.py drew it
    assert [word.text for word in first.words][:3] == ["論語卷第一", "學而第一", "子曰學而時習之不亦說乎有朋自遠方"]
    assert (first.words[2].x, first.words[2].y, first.words[2].w, first.words[2].h) == (626, 110, 72, 1152)
    for record in (lunyu, hojoki, tongnip):
        for page in record.pages:
            assert page.image.kind == "file" and (DEMO_DIR / page.image.url).is_file(), page.image.url
            assert page.text and page.text_source == "transcription"


def test_a_phrase_in_simplified_characters_finds_the_traditional_page_by_its_label(demo_settings):
    found = CliRunner().invoke(main, ["--data", str(demo_settings.data_dir), "search", "学而时习之", "--json"])
    assert found.exit_code == 0, found.output
    hit = next(hit for hit in json.loads(found.output)["hits"] if hit["id"] == LUNYU)
    assert [page["label"] for page in hit["in_text"]["pages"]] == ["001-1a"]


def test_the_japanese_korean_and_modern_chinese_pages_are_found_by_a_phrase(client):
    # typed in traditional characters, found in the simplified reprint
    body = client.get("/api/search", params={"q": "text:那趙家的狗"}).json()
    assert [(hit["id"], [p["label"] for p in hit["in_text"]["pages"]]) for hit in body["hits"]] == [(KUANGREN, ["2"])]
    body = client.get("/api/search", params={"q": "text:久しくとどまりたる例なし"}).json()
    assert [(hit["id"], [p["label"] for p in hit["in_text"]["pages"]]) for hit in body["hits"]] == [(HOJOKI, ["1オ"])]
    # 인류평등 in hangul finds 人類平等 in the hanja of the declaration; 하노라 is its own hangul
    for phrase in ("인류평등", "하노라"):
        body = client.get("/api/search", params={"q": f"text:{phrase}"}).json()
        assert [(hit["id"], [p["label"] for p in hit["in_text"]["pages"]]) for hit in body["hits"]] == [
            (TONGNIP, ["1"])
        ], phrase


def test_the_home_page_lists_the_digitised_items(client):
    page = client.get("/", headers={"Accept-Language": "ja"}).text
    section = page[page.index('id="digitised-heading"'):]
    assert "デジタル化資料" in section
    for record_id, title in ((LUNYU, "論語"), (HOJOKI, "方丈記"), (TONGNIP, "宣言書")):
        assert f'/record/{record_id}"' in section and f">{title}</span>" in section, title
    assert "ページ数：4" in section and ">狂人日记</span>" in section


def test_content_search_puts_a_hit_on_the_column_it_is_drawn_in(client):
    body = client.get(f"/iiif/{LUNYU}/search", params={"q": "有朋自远方来"}).json()
    targets = [item["target"] for item in body["items"]]
    # the phrase runs from the foot of the third column to the head of the fourth: one box for each
    assert [target.rsplit("#xywh=", 1)[1] for target in targets] == ["626,110,72,1152", "519,110,72,1152"]


def test_the_digitised_lunyu_joins_the_work_the_demo_already_holds(app):
    cluster = app.state.catalog.cluster_of(LUNYU)
    assert {"ndl-demo:ndl0023", "nlb-demo:nlb0008"} <= set(cluster.members)
