"""Full-text search in the pages of digitised items: the shared Kanseki Repository 論語 and 孟子 imported like
any text, searched across scripts, page by page, through the index, `tongwen search` and /api/search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from tongwen.cli import main
from tongwen.config import Settings
from tongwen.index.search_index import SearchIndex, SearchRequest
from tongwen.ingest.pipeline import import_files
from tongwen.model import Form, Page, Record, Title
from tongwen.store import Store
from tongwen.web.app import create_app

LUNYU, MENGZI = "kanripo:KR1h0004", "kanripo:KR1h0001"


def kanripo_files(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "kanripo-texts").glob("*/*.txt"))


@pytest.fixture(scope="module")
def classics(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """Store and index with the two classics and a catalogue record titled 孟子 without pages."""
    root = tmp_path_factory.mktemp("fulltext")
    store = Store.open(root / "tongwen.sqlite")
    import_files(store, kanripo_files(shared_data), source="kanripo")
    store.upsert(Record("nlc", "mengzi", titles=[Title([Form("孟子", "Hant", "chi")])], languages=["chi"]))
    index = SearchIndex.open(root / "index", countries={})
    index.sync(store)
    yield store, index
    index.close()
    store.close()


def search(index: SearchIndex, query: str):
    result = index.search(SearchRequest(query, page_size=50))
    assert result.query_error is None, result.query_error
    return result


def test_a_phrase_typed_in_simplified_finds_the_traditional_page(classics) -> None:
    _, index = classics
    [hit] = search(index, "学而时习之").hits
    assert hit.id == LUNYU
    assert hit.in_text["count"] == 1 and hit.in_text["pages"][0]["label"] == "KR1h0004_CHANT_001-1a"
    assert "<mark>學而時習之</mark>" in hit.in_text["pages"][0]["snippet"]


def test_punctuation_and_line_ends_never_break_a_phrase(classics) -> None:
    _, index = classics
    # On the page: 「學而時習之，¶ 不亦說乎？¶ — a comma and a Kanripo line end between 之 and 不.
    for query in ("習之不亦說", "习之，不亦说", '"時習之 不亦"'):
        hits = search(index, query).hits
        assert [hit.id for hit in hits] == [LUNYU], query
        assert hits[0].in_text["pages"][0]["label"] == "KR1h0004_CHANT_001-1a"


def test_a_phrase_never_runs_from_one_page_into_the_next(tmp_path: Path) -> None:
    record = Record("demo", "1", titles=[Title([Form("論語")])], languages=["chi"],
                    pages=[Page("1a", text="學而時習之"), Page("1b", text="不亦說乎")])
    index = SearchIndex.open(tmp_path / "index", countries={})
    try:
        index.add([record])
        assert index.search("text:時習之").total == 1 and index.search("text:習之不亦").total == 0
    finally:
        index.close()


def test_characters_scattered_over_a_book_are_no_match(classics) -> None:
    _, index = classics
    # 學, 樂 and 仁 each occur many times in the 孟子, never side by side as 學樂仁.
    assert search(index, "text:學樂仁").total == 0


def test_hits_list_the_matching_pages_by_their_source_labels(classics) -> None:
    _, index = classics
    [hit] = search(index, "text:仁義").hits
    assert hit.id == MENGZI
    labels = [page["label"] for page in hit.in_text["pages"]]
    assert hit.in_text["count"] > len(labels) == 5 and labels == sorted(labels)
    assert all(label.startswith("KR1h0001_tls_") for label in labels)
    assert all("<mark>仁義</mark>" in page["snippet"] for page in hit.in_text["pages"])


def test_a_title_match_ranks_above_a_passing_mention_deep_in_a_book(classics) -> None:
    _, index = classics
    hits = search(index, "孟子").hits
    ids = [hit.id for hit in hits]
    # 孟子 is a title (with pages, and without); the 論語 mentions 吳孟子 once, in juan 7 of 20.
    assert set(ids[:2]) == {MENGZI, "nlc:mengzi"} and ids[2] == LUNYU
    assert hits[2].in_text["count"] == 1 and hits[2].in_text["pages"][0]["label"].startswith("KR1h0004_CHANT_007-")


def test_the_text_field_searches_only_pages(classics) -> None:
    _, index = classics
    ids = {hit.id for hit in search(index, "text:孟子").hits}
    assert ids == {MENGZI, LUNYU}  # the catalogue record titled 孟子 has no text
    assert {hit.id for hit in search(index, "fulltext:孟子").hits} == ids


def test_the_digitised_facet_counts_and_filters_items_with_text(classics) -> None:
    _, index = classics
    result = index.search(SearchRequest("孟子", facets=["digitised"]))
    assert result.facets["digitised"] == [("full text", 2)]
    kept = index.search(SearchRequest("孟子", filters={"digitised": ["full text"]}))
    assert {hit.id for hit in kept.hits} == {MENGZI, LUNYU}


def test_search_inside_one_item_pages_through_every_matching_page(classics) -> None:
    _, index = classics
    everything = index.search_in_item(MENGZI, "仁義", page_size=100)
    assert everything["query_error"] is None and everything["count"] == len(everything["pages"]) > 5
    second = index.search_in_item(MENGZI, "仁义", page=2, page_size=5)  # simplified, page 2 of the list
    assert [p["label"] for p in second["pages"]] == [p["label"] for p in everything["pages"][5:10]]
    assert index.search_in_item(LUNYU, "仁義")["count"] < everything["count"]
    assert index.search_in_item(MENGZI, '"仁義')["query_error"]


def test_kana_shinjitai_width_and_hangul_reading_fold_in_page_text(tmp_path: Path) -> None:
    japanese = Record(
        "demo", "ja", titles=[Title([Form("学問のすゝめ", "Jpan", "jpn")])], languages=["jpn"],
        pages=[Page("初編 1", text="天ハ人ノ上ニ人ヲ造ラズ、人ノ下ニ人ヲ造ラズト云ヘリ。\n學問ヲ勧ム", lang="jpn")],
    )
    korean = Record(
        "demo", "ko", titles=[Title([Form("三國史記", "Hani", "kor")])], languages=["kor"],
        pages=[Page("卷一 1a", text="新羅始祖赫居世居西干，姓朴氏", lang="kor")],
    )
    index = SearchIndex.open(tmp_path / "index", countries={})
    index.add([japanese, korean])
    try:
        for query, expected in [
            ("text:学問を勧む", "demo:ja"),  # shinjitai 学 finds 學, hiragana を finds katakana ヲ
            ("text:造らずと云へり。学问", "demo:ja"),  # hiragana finds katakana; the 。 and line end between
            ("text:ﾄ云ﾍﾘ", "demo:ja"),  # half-width katakana
            ("text:人を造る", None),  # 造ラズ, not 造ル: no match
            ("text:신라시조", "demo:ko"),  # hangul reading of the hanja page (Korean)
            ("text:新罗始祖", "demo:ko"),  # simplified 罗 finds 羅
        ]:
            ids = [hit.id for hit in index.search(SearchRequest(query)).hits]
            assert ids == ([expected] if expected else []), query
    finally:
        index.close()


def test_updates_and_deletions_reach_the_page_index(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "tongwen.sqlite")
    record = Record("demo", "1", titles=[Title([Form("論語")])], languages=["chi"],
                    pages=[Page("1a", text="學而時習之"), Page("1b", text="不亦說乎")])
    store.upsert(record)
    index = SearchIndex.open(tmp_path / "index", countries={})
    try:
        index.sync(store)
        assert index.pages.count() == 2
        record.pages = [Page("1a", text="有朋自遠方來")]
        store.upsert(record)
        index.sync(store)
        assert index.search("text:學而").total == 0
        assert index.search("text:有朋").hits[0].in_text["pages"][0]["label"] == "1a"
        store.delete("demo:1")
        index.sync(store)
        assert index.pages.count() == 0 and index.search("text:有朋").total == 0
        index.rebuild(store, workers=1)
        assert index.pages.count() == 0
    finally:
        index.close()
        store.close()


def test_cli_and_api_list_matching_pages_by_label(shared_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    runner = CliRunner()
    files = [str(path) for path in kanripo_files(shared_data) if "KR1h0004" in path.name]
    imported = runner.invoke(main, ["--data", str(data), "import", *files, "--source", "kanripo"])
    assert imported.exit_code == 0, imported.output
    found = runner.invoke(main, ["--data", str(data), "search", "text:有朋自远方来"])
    assert "in the text: 1 pages (KR1h0004_CHANT_001-1a)" in found.output
    as_json = json.loads(runner.invoke(main, ["--data", str(data), "search", "学而时习之", "--json"]).output)
    [hit] = as_json["hits"]
    assert hit["in_text"]["pages"][0]["label"] == "KR1h0004_CHANT_001-1a"
    inside = runner.invoke(main, ["--data", str(data), "search", "君子", "--in", LUNYU, "--page-size", "3"])
    assert inside.exit_code == 0 and "pages of kanripo:KR1h0004 match" in inside.output
    assert "KR1h0004_CHANT_001-1a: " in inside.output and "[君子]" in inside.output
    with TestClient(create_app(Settings(data_dir=data))) as client:
        body = client.get("/api/search", params={"q": "text:不亦乐乎"}).json()
    assert body["hits"][0]["id"] == LUNYU
    assert body["hits"][0]["in_text"]["pages"][0] == hit["in_text"]["pages"][0] | {
        "snippet": body["hits"][0]["in_text"]["pages"][0]["snippet"]
    }
    assert "<mark>不亦樂乎</mark>" in body["hits"][0]["in_text"]["pages"][0]["snippet"]
