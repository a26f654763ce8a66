"""Readings of premodern Japanese titles (issue 13.5): a kana or Hepburn query finds a record that has only the
kanji-and-kana title, across rendaku and historical kana usage. The titles and their readings are NIJL's
(国書データベース, kokusho.nijl.ac.jp), the two cases issue 13 names: 伊勢の家つと catalogued as いせのいえづと
(家苞 ie + tsuto, voiced in the compound; the title writes つ without dakuten), 脚結抄 as あゆいしょう (spelt
あゆひせう in the kana usage of its time, 1778). Distractors are real NDL and Aozora titles sharing sounds."""

from __future__ import annotations

import pytest

from tongwen.index import SearchIndex, SearchRequest
from tongwen.model import Form, Record, Title


def record(local_id: str, title: str) -> Record:
    return Record(source="nijl", local_id=local_id, institution="NIJL", languages=["jpn"],
                  titles=[Title([Form(title)])], content_type="book")


TITLES = {
    "ise": "伊勢の家つと",
    "ayui": "脚結抄",
    # distractors
    "ise-monogatari": "伊勢物語",
    "ietsuto-no-ki": "家つくりの記",
    "ayu": "鮎の歌",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> SearchIndex:
    index = SearchIndex.open(tmp_path_factory.mktemp("premodern") / "index", countries={"NIJL": "JP"})
    index.add(record(local_id, title) for local_id, title in TITLES.items())
    return index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("いせのいえづと", "ise"),  # the catalogued yomi: づ where the title writes つ (rendaku)
        ("いせのいへづと", "ise"),  # historical kana usage: medial へ for え
        ("あゆいしょう", "ayui"),
        ("あゆひせう", "ayui"),  # historical kana usage: ひ for い, せう for しょう
        ("ayuishō", "ayui"),
    ],
)
def test_a_reading_finds_the_kanji_title_first(index, query, expected):
    hits = index.search(SearchRequest(query, facets=(), page_size=10)).hits
    assert hits and hits[0].id.endswith(expected), (query, [hit.id for hit in hits])


def test_the_rendaku_key_does_not_make_every_title_match(index):
    hits = index.search(SearchRequest("いせのいえづと", facets=(), page_size=10)).hits
    assert {hit.id.split(":")[-1] for hit in hits} == {"ise"}
