"""analyze(), roman_tokens(), query_roman_tokens(): what the search index stores and asks for."""

import csv
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongwen.cjk.analysis import analyze, query_roman_alternatives, query_roman_tokens, roman_tokens
from tongwen.cjk.variants import to_simplified, to_traditional


def finds(query: str, document: str, lang: str | None = None, readings=()) -> bool:
    """Does the document match every token of the query, in the full-text or the romanized field?"""
    full_text = set(analyze(query)) <= set(analyze(document, lang)) and analyze(query) != []
    document_grams = set(roman_tokens(document, lang, readings))
    return full_text or any(set(grams) <= document_grams for grams in query_roman_alternatives(query))


# (query, document, document language): the goals of the issue
CROSS_SCRIPT = [
    ("红楼梦", "紅樓夢", "chi"),
    ("紅樓夢", "红楼梦", "chi"),
    ("hong lou meng", "红楼梦", "chi"),
    ("Honglou meng", "紅樓夢", "chi"),
    ("楼梦", "紅樓夢", "chi"),
    ("樓", "红楼梦", "chi"),
    ("源氏物語", "源氏物語", "jpn"),
    ("げんじものがたり", "源氏物語", "jpn"),
    ("ゲンジモノガタリ", "源氏物語", "jpn"),
    ("Genji monogatari", "源氏物語", "jpn"),
    ("genjimonogatari", "源氏物語", "jpn"),
    ("monogatari", "源氏物語", "jpn"),
    ("춘향전", "春香傳", "kor"),
    ("春香傳", "춘향전", "kor"),  # bare Han query: its Korean reading is one of its roman alternatives
    ("Chunhyangjeon", "춘향전", "kor"),
    ("Ch'unhyang chŏn", "춘향전", "kor"),
    ("Ch'unhyang chŏn", "春香傳", "kor"),
    ("仏教", "佛教", "chi"),
    ("佛教", "仏教", "jpn"),
    ("国立国会図書館", "國立國會圖書館", "jpn"),
    ("國立國會圖書館", "国立国会図書館", "jpn"),
    ("한국경제", "韓國經濟", "kor"),
    ("韓國經濟", "韓国経済", "jpn"),
    ("국립 중앙 도서관", "국립중앙도서관", "kor"),
    ("gungnip jungang doseogwan", "국립중앙도서관", "kor"),
    ("Kungnip Chungang Tosŏgwan", "국립중앙도서관", "kor"),
    ("研究", "硏究", "jpn"),
    ("清", "淸", "chi"),
    ("三体II", "三體 Ⅱ", "chi"),
    ("アトリエ", "アトリヱ社", "jpn"),
    ("Tram Nam Co Don", "Trăm Năm Cô Đơn", "vie"),
]


@pytest.mark.parametrize(("query", "document", "lang"), CROSS_SCRIPT)
def test_query_finds_the_same_work_in_another_script(query, document, lang):
    assert finds(query, document, lang)


@pytest.mark.parametrize(
    ("query", "document", "lang"),
    [
        ("红楼梦", "西游记", "chi"),
        ("Genji monogatari", "平家物語", "jpn"),
        ("춘향전", "심청전", "kor"),
        ("hong lou meng", "xi you ji", "chi"),
    ],
)
def test_query_does_not_find_another_work(query, document, lang):
    assert not finds(query, document, lang)


def test_cjk_runs_give_unigrams_and_bigrams():
    assert analyze("源氏物語") == ["源", "源氏", "氏", "氏物", "物", "物语", "语"]


def test_spacing_inside_korean_does_not_matter():
    assert analyze("국립 중앙 도서관") == analyze("국립중앙도서관")


def test_punctuation_ends_a_run():
    assert "ぐ柄" not in analyze("ダイアローグ　／ 柄谷行人．")


def test_latin_words_are_lowercased_and_folded():
    assert analyze("Harry Potter and the Sorcerer’s Stone") == [
        "harry",
        "potter",
        "and",
        "the",
        "sorcerers",
        "stone",
    ]
    assert analyze("1Q84 : a novel") == ["1q84", "a", "novel"]


def test_thai_words_keep_their_vowel_marks():
    assert analyze("ภาษาไทย") == ["ภาษาไทย"]


def test_hanja_get_hangul_tokens_only_in_korean_context():
    assert "한국" in analyze("韓國經濟", "kor")
    assert "한국" in analyze("韓國經濟 연구")
    assert "한국" not in analyze("韓國經濟", "chi")


def test_catalogue_reading_comes_first_in_roman_tokens():
    tokens = roman_tokens("言林", "jpn", readings=["Genrin."])
    assert tokens[:3] == ["ken", "enr", "nri"]
    assert set(query_roman_tokens("Genrin")) <= set(tokens)


def test_kana_reading_is_romanized():
    assert set(query_roman_tokens("Genrin")) <= set(roman_tokens("言林", "jpn", readings=["ゲンリン"]))


def test_short_query_words_match_through_bigrams():
    for word in ("hong", "lou", "meng"):
        assert set(query_roman_tokens(word)) <= set(roman_tokens("紅樓夢", "chi"))


def test_bare_han_query_has_one_alternative_per_reading():
    alternatives = query_roman_alternatives("春香傳")
    assert len(alternatives) == 3  # pinyin, Hepburn, Korean (RR and MR share a key)
    assert any(set(grams) <= set(roman_tokens("춘향전")) for grams in alternatives)


def test_princeton_romanized_titles_find_their_vernacular_record(shared_data):
    """Catalogued romanizations (ALA-LC pinyin, Hepburn, MR) against our romanizations of the vernacular 245.
    Misses are pykakasi misreadings (言林 as "gen hayashi") and catalogue additions like "[map]"."""
    path = shared_data / "princeton-orangelight-solr-cjk" / "title_pairs.tsv"
    languages = {"Chinese": "chi", "Japanese": "jpn", "Korean": "kor"}
    with path.open(encoding="utf-8") as rows:
        pairs = {row["id"]: row for row in csv.DictReader(rows, delimiter="\t")}.values()
    found = total = 0
    for row in pairs:
        lang = languages.get(row["language_facet"].split(" | ")[0])
        if lang is None:
            continue
        total += 1
        found += set(query_roman_tokens(row["title_display"])) <= set(
            roman_tokens(row["title_vern_display"], lang)
        )
    assert total > 30
    assert found / total >= 0.75


def test_stanford_record_with_mixed_old_and_new_forms(shared_data):
    record = json.loads((shared_data / "stanford-searchworks-traject-fixtures" / "44794.json").read_text())
    vernacular = " ".join(
        subfield_value
        for field in record["fields"]
        if "880" in field
        for subfield in field["880"]["subfields"]
        for code, subfield_value in subfield.items()
        if code not in ("6", "=", "?")
    )
    assert "硏究" in vernacular or "解說" in vernacular
    tokens = set(analyze(vernacular, "jpn"))
    assert {"研", "研究"} <= tokens or {"说"} <= tokens


def test_douban_simplified_and_traditional_editions_analyze_alike(shared_data):
    path = shared_data / "douban-books-2020-titles" / "Books_3.csv"
    with path.open(encoding="utf-8-sig") as rows:
        titles = [row["Title"] for _, row in zip(range(2000), csv.DictReader(rows))]
    differing = [title for title in titles if analyze(to_traditional(title)) != analyze(to_simplified(title))]
    # OpenCC's phrase tables swap whole words now and then (想象 → 想像): distinct characters, not variants.
    assert len(differing) <= len(titles) // 200, differing


@given(st.text(), st.sampled_from([None, "chi", "jpn", "kor", "eng"]))
def test_analysis_never_raises(s, lang):
    assert isinstance(analyze(s, lang), list)
    assert isinstance(roman_tokens(s, lang, readings=(s,)), list)
    assert isinstance(query_roman_tokens(s), list)


cjk_words = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=12
)


@given(cjk_words)
def test_query_and_its_variant_form_give_identical_tokens(s):
    assert analyze(to_simplified(s)) == analyze(to_simplified(to_traditional(to_simplified(s))))
    assert analyze(s) == analyze(s.translate({}))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz '-", min_size=1, max_size=30))
def test_word_division_never_matters_in_the_roman_field(s):
    assert query_roman_tokens(s) == query_roman_tokens(s.replace(" ", "").replace("-", ""))


def test_a_catalogue_reading_replaces_the_machine_hepburn_but_not_pinyin():
    """日本書紀 catalogued as ニホンギ: the catalogue's reading is indexed instead of pykakasi's guess
    (nihonshoki); the pinyin of the ideographs stays, for sinologists."""
    from tongwen.cjk.analysis import roman_keys

    assert roman_keys("日本書紀", "jpn") == ["nihonshoki", "ripenshuchi"]
    assert roman_keys("日本書紀", "jpn", readings=["ニホンギ"]) == ["nihongi", "ripenshuchi"]
