"""The search index following a real store (a temp SQLite database), and searching it as the portal will."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

pytest.importorskip("tongwen.cjk.analysis", reason="the CJK analysis module has not landed yet")

from tongwen.config import Settings
from tongwen.index import SearchIndex, SearchRequest
from tongwen.index.commands import index_command, search_command
from tongwen.model import Agent, Form, Identifier, Record, Subject, Title
from tongwen.store import Store

COUNTRIES = {"NLC": "CN", "NDL": "JP", "NLK": "KR", "NLB": "SG"}


def record(
    local_id, forms, *, institution, lang, year=None, creators=(), subjects=(), isbn=None, source="demo"
):
    return Record(
        source=source,
        local_id=local_id,
        institution=institution,
        languages=[lang],
        titles=[Title([Form(text) for text in forms])],
        agents=[Agent([Form(name) for name in names]) for names in creators],
        subjects=[Subject(term) for term in subjects],
        identifiers=[Identifier("isbn", isbn)] if isbn else [],
        year_from=year,
        year_to=year,
        content_type="book",
    )


RECORDS = [
    record(
        "hlm-nlc",
        ["紅樓夢"],
        institution="NLC",
        lang="chi",
        year=1792,
        creators=[["曹雪芹"]],
        subjects=["Chinese fiction"],
        isbn="978-7-02-000220-7",
    ),
    record(
        "hlm-nlb",
        ["红楼梦", "Hong lou meng"],
        institution="NLB",
        lang="chi",
        year=1982,
        creators=[["曹雪芹", "Cao Xueqin"]],
    ),
    record("hlm-study", ["红楼梦研究"], institution="NLC", lang="chi", year=1952, creators=[["俞平伯"]]),
    record(
        "genji",
        ["源氏物語", "げんじものがたり"],
        institution="NDL",
        lang="jpn",
        year=1008,
        creators=[["紫式部"]],
    ),
    record(
        "genji-en",
        ["The tale of Genji"],
        institution="NLB",
        lang="eng",
        year=1976,
        creators=[["Murasaki Shikibu"]],
    ),
    record("chunhyang", ["春香傳"], institution="NLK", lang="kor", year=1935),
    record("chunhyang-hangul", ["춘향전"], institution="NLK", lang="kor", year=1999),
    record("cao-bio", ["曹雪芹"], institution="NLC", lang="chi", year=1980, creators=[["周汝昌"]]),
    record("escape", ["A<B> & 東京"], institution="NDL", lang="jpn", year=2001),
]


@pytest.fixture
def store(tmp_path):
    store = Store.open(tmp_path / "tongwen.sqlite")
    with store.batch():
        for item in RECORDS:
            store.upsert(item)
    yield store
    store.close()


@pytest.fixture
def index(tmp_path, store):
    index = SearchIndex.open(tmp_path / "index", countries=COUNTRIES)
    index.sync(store)
    return index


def ids(result):
    return [hit.id for hit in result.hits]


def search(index, query, **options):
    options.setdefault("facets", ())
    return index.search(SearchRequest(query, **options))


def test_sync_adds_then_applies_only_new_changes(tmp_path, store):
    index = SearchIndex.open(tmp_path / "index", countries=COUNTRIES)
    first = index.sync(store)
    assert (first.added, first.deleted, first.seq) == (len(RECORDS), 0, store.max_seq())
    assert index.count() == len(RECORDS)

    store.upsert(record("chunhyang", ["春香傳 (改訂版)"], institution="NLK", lang="kor", year=1936))
    store.delete("demo:genji-en")
    second = index.sync(store)
    assert (second.added, second.deleted) == (1, 1)
    assert index.count() == len(RECORDS) - 1
    assert search(index, "改訂版").hits[0].id == "demo:chunhyang"
    assert "demo:genji-en" not in ids(search(index, "Genji"))

    reopened = SearchIndex.open(tmp_path / "index", countries=COUNTRIES)
    assert reopened.synced_seq() == store.max_seq()
    assert reopened.sync(store).added == 0


def test_rebuild_from_the_store_gives_the_same_answers(index, store):
    before = [ids(search(index, q)) for q in ("红楼梦", "Genji", "춘향전")]
    report = index.rebuild(store)
    assert report.added == len(RECORDS) and report.seq == store.max_seq()
    assert [ids(search(index, q)) for q in ("红楼梦", "Genji", "춘향전")] == before
    assert not index.path.with_name(index.path.name + ".rebuilding").exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("源氏物語", "demo:genji"),
        ("源氏物语", "demo:genji"),  # simplified Chinese form of a Japanese title
        ("げんじものがたり", "demo:genji"),
        ("Genji monogatari", "demo:genji"),
        ("春香傳", "demo:chunhyang"),
        ("春香传", "demo:chunhyang"),
    ],
)
def test_cross_script_top_hit(index, query, expected):
    assert ids(search(index, query))[0] == expected


def test_red_chamber_in_every_script_finds_both_editions(index):
    for query in ("紅樓夢", "红楼梦", "Hong lou meng"):
        top_two = set(ids(search(index, query))[:2])
        assert top_two == {"demo:hlm-nlc", "demo:hlm-nlb"}, query


def test_hangul_reading_meets_hanja_title(index):
    assert {"demo:chunhyang", "demo:chunhyang-hangul"} <= set(ids(search(index, "춘향전")))


def test_variant_forms_are_the_same_query(index):
    for first, second in [("紅樓夢", "红楼梦"), ("春香傳", "春香传"), ("紅樓夢研究", "红楼梦研究")]:
        a, b = search(index, first), search(index, second)
        assert (a.total, sorted(ids(a))) == (b.total, sorted(ids(b)))


def test_fields_booleans_and_years(index):
    assert ids(search(index, "creator:曹雪芹 year:1900-2000")) == ["demo:hlm-nlb"]
    assert set(ids(search(index, "红楼梦 NOT 研究"))) == {"demo:hlm-nlc", "demo:hlm-nlb"}
    # 春香傳 read in Korean also finds the hangul-only 춘향전.
    assert set(ids(search(index, "title:(源氏物語 OR 春香傳)"))) == {
        "demo:genji",
        "demo:chunhyang",
        "demo:chunhyang-hangul",
    }
    assert ids(search(index, "subject:fiction")) == ["demo:hlm-nlc"]
    assert ids(search(index, "isbn:9787020002207")) == ["demo:hlm-nlc"]
    assert ids(search(index, "isbn:7-02-000220-X")) == ["demo:hlm-nlc"]  # the same book's ISBN-10
    assert ids(search(index, '"tale of Genji"')) == ["demo:genji-en"]
    assert ids(search(index, '"Genji of tale"')) == []


def test_title_ranks_above_creator(index):
    # A biography titled 曹雪芹 comes before the two novels he wrote.
    found = ids(search(index, "曹雪芹"))
    assert found[0] == "demo:cao-bio" and set(found[1:]) == {"demo:hlm-nlc", "demo:hlm-nlb"}


def test_facets_filters_sorting_and_paging(index):
    everything = index.search(SearchRequest("", facets=("institution", "country", "script", "year")))
    assert everything.total == len(RECORDS)
    assert dict(everything.facets["country"]) == {"CN": 3, "SG": 2, "JP": 2, "KR": 2}
    assert ("Kore", 1) in everything.facets["script"] and ("Jpan", 1) in everything.facets["script"]
    assert ("1790-1799", 1) in everything.facets["year"]

    japan = search(index, "", filters={"country": ["JP"]}, sort="year")
    assert ids(japan) == ["demo:genji", "demo:escape"]
    both = search(index, "", filters={"institution": ["NLC", "NLK"], "year": ["1900-1999"]}, sort="-year")
    assert ids(both) == ["demo:chunhyang-hangul", "demo:cao-bio", "demo:hlm-study", "demo:chunhyang"]

    page_one = search(index, "", sort="title", page_size=3)
    page_two = search(index, "", sort="title", page_size=3, page=2)
    assert page_one.total == page_two.total == len(RECORDS)
    assert len(page_two.hits) == 3 and not set(ids(page_one)) & set(ids(page_two))


def test_hits_carry_titles_in_every_script_and_a_snippet(index):
    hit = search(index, "Hong lou meng").hits[0]
    assert [(t["text"], t["lang"]) for t in hit.titles] == [
        ("红楼梦", "zh-Hans"),
        ("Hong lou meng", "zh-Latn"),
    ]
    assert hit.creators[0]["name"] == "曹雪芹" and hit.year == 1982 and hit.institution == "NLB"
    assert hit.snippet == "<mark>红楼梦</mark>"  # a romanized query marks the vernacular title
    assert hit.snippet_lang == "zh-Hans"
    escaped = search(index, "東京").hits[0]
    assert escaped.snippet == "A&lt;B&gt; &amp; <mark>東京</mark>"


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (SearchRequest('"紅樓夢'), "never closed"),
        (SearchRequest("year:later"), "not a year"),
        (SearchRequest("x", filters={"colour": ["red"]}), "no facet"),
        (SearchRequest("x", sort="popularity"), "cannot sort"),
        (SearchRequest("x", facets=("colour",)), "no facet"),
    ],
)
def test_bad_requests_get_a_message_not_an_exception(index, request_, message):
    result = index.search(request_)
    assert result.total == 0 and message in result.query_error


def test_cli_index_and_search(tmp_path, store):
    settings = Settings(data_dir=tmp_path)
    runner = CliRunner()
    indexed = runner.invoke(index_command, [], obj=settings)
    assert indexed.exit_code == 0, indexed.output
    assert f"{len(RECORDS)} added" in indexed.output

    found = runner.invoke(
        search_command,
        ["Hong lou meng", "--facet", "institution", "--filter", "country=CN", "--json"],
        obj=settings,
    )
    assert found.exit_code == 0, found.output
    data = json.loads(found.output)
    # Country codes come from the registry here (no `countries` given): NLC is in CN.
    assert data["total"] == 2 and data["hits"][0]["id"] == "demo:hlm-nlc"  # then 红楼梦研究
    assert data["facets"]["institution"] == [{"value": "NLC", "count": 2}]

    broken = runner.invoke(search_command, ["(紅樓夢"], obj=settings)
    assert broken.exit_code == 2 and "never closed" in broken.output and "Traceback" not in broken.output

    rebuilt = runner.invoke(index_command, ["--rebuild"], obj=settings)
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.output


def test_the_index_itself_refuses_pages_past_the_result_window(index):
    """Whoever the caller, tantivy is never asked for more than RESULT_WINDOW hits (a huge offset once made it
    allocate 32 GB and abort the process)."""
    from tongwen.index.search_index import RESULT_WINDOW

    result = search(index, "", page=99_999_999, page_size=100)
    assert result.hits == [] and f"{RESULT_WINDOW:,}" in result.query_error
    assert search(index, "", page=RESULT_WINDOW // 100, page_size=100).query_error is None
    assert f"{RESULT_WINDOW:,}" in index.search_in_item("any", "a", page=10**12)["query_error"]


@pytest.mark.parametrize("query, filters", [
    ("紅樓夢", {}), ("hong lou meng", {}), ("", {"institution": ["NLC", "NLK"], "year": ["1900-1999"]}),
    ("title:春香", {"country": ["KR"]}),
])
def test_a_search_asked_again_answers_the_same_from_the_caches(index, tmp_path, query, filters):
    uncached = SearchIndex.open(tmp_path / "index", countries=COUNTRIES, cache_entries=0)
    facets = ("institution", "country", "script", "year")
    for sort, page in (("relevance", 1), ("relevance", 1), ("-year", 1), ("title", 2), ("relevance", 1)):
        request = SearchRequest(query, filters=filters, facets=facets, sort=sort, page=page, page_size=2)
        cached, fresh = index.search(request), uncached.search(request)
        assert cached.to_dict() == fresh.to_dict() and cached.total > 0
    assert index.engine.counts_cache.hits >= 4 and uncached.engine.counts_cache.hits == 0


def test_the_caches_see_what_a_sync_adds(index, store):
    before = index.search(SearchRequest("紅樓夢", facets=("institution",)))
    store.upsert(record("extra", ["紅樓夢新證"], institution="NDL", lang="chi"))
    index.sync(store)
    after = index.search(SearchRequest("紅樓夢", facets=("institution",)))
    assert after.total == before.total + 1 and ("NDL", 1) in after.facets["institution"]
