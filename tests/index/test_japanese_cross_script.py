"""Japanese queries for records written in another script (issue 13.6): kanji typed for a record catalogued
in romanization only, and the reverse, from real records.

Open Library's 3835178 (880_Nihon_no_chasho.mrc) is 日本の茶書 / 林屋辰三郎 in its 880s and "Nihon no chasho" /
"Hayashiya, Tatsusaburō" in its 245/700; a catalogue without 880s holds only the latter. Princeton's
9941500863506421 is 言林 / "Genrin.", which pykakasi reads "gen hayashi" and UniDic "gen rin"
(`tongwen.cjk.japanese.dictionary_hepburn`). Distractors: Chinese and Japanese titles from the same data.
"""

from __future__ import annotations

import pytest

from tongwen.index import SearchIndex, SearchRequest
from tongwen.model import Agent, Form, Record, Title


def record(source: str, local_id: str, title: str, lang: str, *agents: str) -> Record:
    return Record(source, local_id, languages=[lang], titles=[Title([Form(title)])],
                  agents=[Agent([Form(agent)]) for agent in agents])


CHASHO_LATIN = record("openlibrary", "3835178", "Nihon no chasho / Hayashiya Tatsusaburō, Yokoi Kiyoshi, "
                      "Narabayashi Tadao henchū.", "jpn", "Hayashiya, Tatsusaburō, 1914-1998.", "Yokoi, Kiyoshi.")
TOYO_BUNKO_LATIN = record("openlibrary", "3835178-series", "Tōyō bunko ;", "jpn")  # its 490 $a
GENRIN_LATIN = record("princeton", "9941500863506421-latin", "Genrin.", "jpn", "Shinmura, Izuru, 1876-1967")
GENRIN_KANJI = record("ndl", "genrin", "言林.", "jpn")
DISTRACTORS = [
    record("princeton", "chi-1", "茶經", "chi"),
    record("ndl", "ndl-1", "日本の茶道", "jpn"),
    record("princeton", "jpn-2", "Nihon no chadō", "jpn"),
    record("ndl", "ndl-3", "言語学", "jpn"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = SearchIndex.open(tmp_path_factory.mktemp("index"), countries={})
    index.add([CHASHO_LATIN, TOYO_BUNKO_LATIN, GENRIN_LATIN, GENRIN_KANJI, *DISTRACTORS])
    yield index
    index.close()


def top(index: SearchIndex, query: str) -> list[str]:
    return [hit.id for hit in index.search(SearchRequest(query, facets=(), page_size=10)).hits]


def test_kanji_typed_find_the_record_catalogued_in_romanization_only(index):
    assert top(index, "日本の茶書")[0] == "openlibrary:3835178"
    assert top(index, "林屋辰三郎") == ["openlibrary:3835178"]  # a name: its key is long enough for trigrams
    assert top(index, "東洋文庫")[0] == "openlibrary:3835178-series"  # a whole title (with its numbering,
    # "Tōyō bunko ; 201, 206", it would not be: toyobunko is too short a key for trigrams)


def test_where_pykakasi_is_unsure_the_dictionary_reading_finds_it_both_ways(index):
    assert "princeton:9941500863506421-latin" in top(index, "言林")  # UniDic's Genrin, as a whole title
    assert "ndl:genrin" in top(index, "Genrin")  # and the kanji record carries it


def test_a_short_reading_matches_whole_titles_only(index):
    """言語 is gengo: a guessed reading of two kanji does not match every title that has its trigrams
    somewhere ("Nihon no chadō" has neither, 言語学 gengogaku is not the title 言語)."""
    assert top(index, "言語") == ["ndl:ndl-3"]
    assert "princeton:jpn-2" not in top(index, "茶書")


def test_simplified_forms_are_read_as_their_traditional_ones_and_japanese_as_written(tmp_path):
    """An imprint of the ALA-LC pairs (princeton-solr: 東京 : 岩波書店, / "Tōkyō : Iwanami Shoten,") is read as
    written (岩 is no simplified form; OpenCC's traditional 巖波 would be read otherwise); the relevance suite's
    variant 尚书全解 of Kanripo's 尚書全解 is read as 尚書, since pykakasi has no reading of 书 (the record here
    holds the Hepburn of the title, as a catalogue without vernacular fields would)."""
    index = SearchIndex.open(tmp_path / "index", countries={})
    index.add([record("princeton", "iwanami", "Tōkyō : Iwanami Shoten,", "jpn"),
               record("kanripo", "shosho", "Shōsho zenkai", "jpn")])
    assert top(index, "東京 : 岩波書店,") == ["princeton:iwanami"]
    assert top(index, "尚书全解") == top(index, "尚書全解") == ["kanripo:shosho"]


def test_a_name_heading_in_kanji_is_found_by_its_romanization(tmp_path):
    """Princeton's Solr documents pair 新村出, 1876-1967 with "Shinmura, Izuru, 1876-1967" and 山脇巖, 1898- with
    "Yamawaki, Iwao, 1898-1987": a record naming them in kanji only is found by the romanized heading
    (pykakasi alone reads niimura shutsu)."""
    index = SearchIndex.open(tmp_path / "index", countries={})
    index.add([record("ndl", "genrin", "言林.", "jpn", "新村出, 1876-1967"),
               record("ndl", "yamawaki", "バウハウスの人々", "jpn", "山脇巖, 1898-"),
               record("kanripo", "KR6t0417", "悉曇要訣", "jpn", "明覺"), *DISTRACTORS])
    assert top(index, "Shinmura, Izuru, 1876-1967") == ["ndl:genrin"]
    assert top(index, "Shinmura Izuru") == ["ndl:genrin"]
    assert top(index, "Yamawaki, Iwao, 1898-1987") == ["ndl:yamawaki"]
    # 明覺 keeps its one reading (Myōkaku, which "Myō Kaku" also finds): no family + given name form is added,
    # see tests/cjk/test_japanese_names.py.


def test_a_kanji_no_reader_knows_is_read_through_its_variant(tmp_path):
    """Princeton's 櫸. / "Keyaki.": pykakasi and UniDic read 欅, not 櫸. Both ways round."""
    index = SearchIndex.open(tmp_path / "index", countries={})
    index.add([record("princeton", "keyaki", "櫸.", "jpn"), record("princeton", "keyaki-latin", "Keyaki.", "jpn"),
               *DISTRACTORS])
    assert "princeton:keyaki" in top(index, "Keyaki.")
    assert "princeton:keyaki-latin" in top(index, "櫸")


def test_a_simplified_query_is_read_as_its_traditional_form_not_through_a_variant():
    """春香传 is read as 春香傳 (OpenCC), as before: the variant fallback is for characters no reader knows, so it
    does not read 传 as Japanese 伝 and the two queries look for the same readings."""
    from tongwen.index.analysis import default_analysis
    from tongwen.index.compiler import QueryCompiler

    compiler = QueryCompiler(default_analysis())
    assert compiler._hepburn_reading("春香传", None) == compiler._hepburn_reading("春香傳", None) is not None
    assert compiler._hepburn_reading("尚书全解", None) == compiler._hepburn_reading("尚書全解", None)


def test_a_long_romanized_query_differing_across_two_segments_is_found(tmp_path):
    """Real pairs where one stretch differs and lies across two of `_tolerant_all`'s segments: Princeton's
    9981818493506421 romanizes 石塚晴道 as "Ishihara Harumichi"; NDL transcribes the IT of
    イラストで合格!ITパスポートキーワード図鑑 as アイティ (pykakasi: "it")."""
    jomyo = ("浄名玄論 / 京都国立博物館編 ; 解說石塚晴道 (北海道大学名誉教授), 赤尾栄慶 (京都国立博物館学芸部上席研究員).")
    index = SearchIndex.open(tmp_path / "index", countries={})
    index.add([record("princeton", "9981818493506421", jomyo, "jpn"),
               record("ndl", "it", "イラストで合格!ITパスポートキーワード図鑑", "jpn"), *DISTRACTORS])
    query = ("Jōmyō genron / Kyōto Kokuritsu Hakubutsukan hen ; kaisetsu Ishihara Harumichi (Hokkaidō Daigaku "
             "Meiyo Kyōju), Akao Eikei (Kyōto Kokuritsu Hakubutsukan Gakugeibu Jōseki Kenkyūin).")
    assert top(index, query) == ["princeton:9981818493506421"]
    assert top(index, "イラスト デ ゴウカク アイティ パスポート キー ワード ズカン") == ["ndl:it"]
    assert top(index, "Kyōto Kokuritsu Hakubutsukan hen ; kaisetsu Ishihara Harumichi Nihon no chadō") == []
