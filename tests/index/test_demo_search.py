"""Hand-written cross-script cases over the demo collection (tongwen/demo_collection/), imported by the real
pipeline into a temp store and indexed. The records that should be found come from the ``work`` keys in
tongwen/demo_collection/facts.py."""

from __future__ import annotations

import importlib.util
import sys
import tomllib

import pytest

from tongwen.demo import DEMO_DIR as DEMO
from tongwen.index import SearchIndex, SearchRequest
from tongwen.ingest.csv_table import load_column_mapping
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store



def demo_facts():
    spec = importlib.util.spec_from_file_location("demo_facts", DEMO / "facts.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_facts"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(index, {work key: set of record local ids})."""
    base = tmp_path_factory.mktemp("demo")
    manifest = tomllib.loads((DEMO / "manifest.toml").read_text(encoding="utf-8"))
    with Store.open(base / "tongwen.sqlite") as store:
        for collection in manifest["collection"]:
            options = load_column_mapping(DEMO / collection["columns"]) if "columns" in collection else {}
            import_files(
                store,
                [DEMO / collection["file"]],
                source=collection["source"],
                institution=collection["institution"],
                format=collection["format"],
                options=options or None,
            )
        index = SearchIndex.open(base / "index")
        index.sync(store)
    facts = demo_facts()
    works: dict[str, set[str]] = {}
    for name in dir(facts):
        value = getattr(facts, name)
        if isinstance(value, list) and value and isinstance(value[0], facts.Fact):
            for fact in value:
                if fact.work:
                    works.setdefault(fact.work, set()).add(fact.id)
    return index, works


def found(index, query, size=20):
    """Local ids of the hits ("nlc-demo:oai:nlc-demo:nlc0001" → "nlc0001", as in facts.py)."""
    result = index.search(SearchRequest(query, facets=(), page_size=size))
    return {hit.id.rsplit(":", 1)[1] for hit in result.hits}


@pytest.mark.parametrize(
    ("work", "queries"),
    [
        ("hongloumeng", ["紅樓夢", "红楼梦", "Hong lou meng", "Honglou meng"]),
        ("genji", ["源氏物語", "源氏物语", "Genji monogatari", "げんじものがたり"]),
        ("chunhyang", ["춘향전", "春香傳", "春香传", "Ch'unhyang chŏn", "Chunhyangjeon"]),
    ],
)
def test_one_work_in_every_script(demo, work, queries):
    index, works = demo
    expected = works[work]
    assert len(expected) >= 3
    for query in queries:
        hits = found(index, query)
        share = len(hits & expected) / len(expected)
        assert share >= 0.6, f"{query}: {sorted(hits & expected)} of {sorted(expected)}"


def test_japanese_reading_finds_japanese_records_only(demo):
    # Chinese records are romanized in pinyin only (reading every Chinese title in Hepburn and Korean too
    # would double indexing time), so "Kōrōmu" finds NDL's 紅樓夢, not NLC's.
    index, _ = demo
    hits = found(index, "Kōrōmu")
    assert "ndl0019" in hits and "nlc0001" not in hits


def test_variant_forms_give_the_same_results(demo):
    index, _ = demo
    for first, second in [("紅樓夢", "红楼梦"), ("源氏物語", "源氏物语"), ("春香傳", "春香传")]:
        a = index.search(SearchRequest(first, facets=(), page_size=50))
        b = index.search(SearchRequest(second, facets=(), page_size=50))
        assert a.total == b.total and {h.id for h in a.hits} == {h.id for h in b.hits}, (first, second)


def test_work_is_found_across_institutions(demo):
    index, _ = demo
    result = index.search(SearchRequest("紅樓夢", facets=("institution",)))
    assert len(result.facets["institution"]) >= 3


@pytest.mark.parametrize(
    ("work", "query", "also"),
    [("genji", "Tale of Genji", "源氏物語"), ("hongloumeng", "Dream of the Red Chamber", "红楼梦"),
     ("lunyu", "Analects", "论语")],
)
def test_an_english_title_finds_the_originals_through_the_translations_titles(demo, work, query, also):
    """The English translations name the original (246/240/765); the originals share no word with English."""
    index, works = demo
    result = index.search(SearchRequest(query, facets=(), page_size=20))
    hits = {hit.id.rsplit(":", 1)[1] for hit in result.hits}
    assert result.also_searched == [also]
    assert len(hits & works[work]) / len(works[work]) >= 0.8, sorted(hits & works[work])


def test_one_english_word_of_a_title_is_no_name_of_it(demo):
    """"tale" is a word of "The tale of Genji", not its name: nothing else is searched."""
    index, _ = demo
    result = index.search(SearchRequest("tale", facets=(), page_size=20))
    assert result.total > 0 and result.also_searched == []
    assert index.search(SearchRequest("title:(Tale of Genji)", facets=())).also_searched == []  # fields: as typed


@pytest.mark.parametrize(
    "query",
    [
        "text:人類平等의大義",  # hanja and hangul mixed, as the page prints it (the bug: nothing found)
        "text:人類平等",
        "text:의大義",
        'text:"人類平等의大義"',
        "text:인류평등의대의",  # all in hangul, read through the hanja
        "人類平等의大義",  # unfielded: the pages are searched too
    ],
)
def test_mixed_script_phrase_finds_the_declaration_page(demo, query):
    """The 1919 Declaration of Independence (獨立宣言書, NLK's digitised item in the demo): page 1 has
    …告하야人類平等의大義를克明하며…; a phrase mixing its hanja and hangul finds it, as either part does."""
    index, _works = demo
    assert "nlkdig0001" in found(index, query)
    record = next(hit.id for hit in index.search(SearchRequest("text:人類平等", facets=())).hits)
    pages = index.search_in_item(record, query.removeprefix("text:"))
    assert [page["label"] for page in pages["pages"]] == ["1"], pages


def test_mixed_script_phrase_keeps_its_order(demo):
    """Precision: the words of the phrase side by side, not anywhere on the page."""
    index, _works = demo
    assert "nlkdig0001" not in found(index, "text:大義人類平等의")
