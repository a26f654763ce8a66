"""The tantivy engine on its own: documents in, plans and facets out (a real index in a temp dir)."""

import pytest

from tongwen.index.facets import FACETS
from tongwen.index.plan import Bool, IndexDocument, MatchAll, Phrase, Term, YearBetween
from tongwen.index.tantivy_engine import TantivyEngine


def document(record_id, title, *, year=None, institution="NLC", script="Hani", sort_title=None):
    return IndexDocument(
        id=record_id,
        texts={"title": title},
        keywords={"institution": [institution], "script": [script]},
        year=year,
        sort_title=sort_title or record_id,
        display={"titles": [{"text": record_id}]},
    )


@pytest.fixture
def engine(tmp_path):
    engine = TantivyEngine(tmp_path / "ix")
    engine.upsert(
        [
            document("a", ["红 楼 梦 红楼 楼梦"], year=1792, sort_title="hong lou meng"),
            document(
                "b", ["红 楼 梦 研 究"], year=1954, institution="NDL", sort_title="hong lou meng yan jiu"
            ),
            document("c", ["x y", "z w"], institution="NLK", script="Hang", sort_title="a"),
            document("d", ["yuan shi"], sort_title="yuan shi"),
        ]
    )
    engine.commit()
    return engine


def ids(result):
    return [hit.id for hit in result.hits]


def search(engine, plan, sort="relevance", facets=(), offset=0, limit=10):
    return engine.search(plan, offset=offset, limit=limit, sort=sort, facets=[FACETS[f] for f in facets])


def test_terms_and_boolean(engine):
    assert sorted(ids(search(engine, Term("title", "梦")))) == ["a", "b"]
    assert ids(search(engine, Bool(must=(Term("title", "梦"),), must_not=(Term("title", "研"),)))) == ["a"]


def test_phrase_stays_inside_one_value(engine):
    assert ids(search(engine, Phrase("title", ("x", "y")))) == ["c"]
    assert ids(search(engine, Phrase("title", ("y", "z")))) == []  # across two title forms


def test_upsert_replaces_and_delete_removes(engine):
    engine.upsert([document("a", ["new"])])
    engine.delete(["d"])
    engine.commit()
    assert engine.count() == 3
    assert ids(search(engine, Term("title", "new"))) == ["a"]
    assert ids(search(engine, Term("title", "楼梦"))) == []


def test_sorting_and_paging(engine):
    assert ids(search(engine, MatchAll(), sort="title")) == ["c", "a", "b", "d"]
    assert ids(search(engine, MatchAll(), sort="-year"))[:2] == ["b", "a"]  # undated records last
    assert ids(search(engine, MatchAll(), sort="year"))[-2:] == ["a", "b"]
    page_two = search(engine, MatchAll(), sort="title", offset=2, limit=2)
    assert ids(page_two) == ["b", "d"] and page_two.total == 4


def test_year_range_skips_undated(engine):
    assert ids(search(engine, YearBetween(1700, 1800))) == ["a"]
    assert sorted(ids(search(engine, YearBetween(None, 2000)))) == ["a", "b"]


def test_facet_counts(engine):
    result = search(engine, MatchAll(), facets=("institution", "script", "year"))
    assert result.facets["institution"] == [("NLC", 2), ("NDL", 1), ("NLK", 1)]
    assert dict(result.facets["script"]) == {"Hani": 3, "Hang": 1}
    assert result.facets["year"] == [("1790-1799", 1), ("1950-1959", 1)]


def test_index_survives_reopen(engine, tmp_path):
    reopened = TantivyEngine(tmp_path / "ix")
    assert reopened.count() == 4
    assert ids(search(reopened, Term("title", "研"))) == ["b"]


def test_another_page_or_sort_reuses_the_counts_with_the_same_answers(engine):
    first = search(engine, MatchAll(), facets=("institution", "year"), sort="-year", limit=2)
    cache = engine.counts_cache
    assert (cache.hits, cache.misses) == (0, 1)
    second = search(engine, MatchAll(), facets=("institution", "year"), sort="title", offset=2, limit=2)
    assert (cache.hits, cache.misses) == (1, 1)
    assert ids(first) == ["b", "a"] and ids(second) == ["b", "d"]  # the hits are searched anew
    assert second.total == first.total == 4 and second.facets == first.facets
    second.facets["institution"].clear()  # what a caller does to its answer stays out of the cache
    assert search(engine, MatchAll(), facets=("institution", "year")).facets == first.facets
    assert search(engine, MatchAll(), facets=("institution",)).facets.keys() == {"institution"}  # other facets


def test_counts_follow_another_process_commits_and_survive_refreshes_without_any(engine, tmp_path):
    before = search(engine, Term("title", "梦"), facets=("institution",))
    engine.refresh()  # nothing new: the counts are kept
    search(engine, Term("title", "梦"), facets=("institution",))
    assert engine.counts_cache.hits == 1

    writer = TantivyEngine(tmp_path / "ix")  # as `tongwen index` or a follower would, in its own process
    writer.upsert([document("e", ["红 楼 梦"], institution="NLK")])
    writer.commit()
    unrefreshed = search(engine, Term("title", "梦"), facets=("institution",))
    assert unrefreshed.total == before.total == 2  # one reader, one commit, until the refresh
    engine.refresh()
    after = search(engine, Term("title", "梦"), facets=("institution",))
    assert after.total == 3 and dict(after.facets["institution"]) == {"NLC": 1, "NDL": 1, "NLK": 1}
    assert sorted(ids(after)) == ["a", "b", "e"]


def test_no_cache_when_it_is_sized_zero(engine, tmp_path):
    uncached = TantivyEngine(tmp_path / "ix", cache_entries=0)
    for _ in range(2):
        assert search(uncached, MatchAll(), facets=("institution",)).total == 4
    assert (uncached.counts_cache.hits, len(uncached.counts_cache)) == (0, 0)
