"""Shared field rules: standard numbers, languages, content types, years, scripts."""

from __future__ import annotations

import pytest

from tongwen.ingest import common_rules as rules
from tongwen.model import Identifier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4-06-258087-X", "9784062580878"),
        ("978-4-344-01847-1", "9784344018471"),
        ("9781449330064 (pbk.)", "9781449330064"),
        ("ISBN 974-695-683-9", None),  # wrong check digit: not an ISBN
        ("0.00", None),
        ("20160430023600.5", None),
        ("", None),
    ],
)
def test_normalize_isbn(text, expected):
    assert rules.normalize_isbn(text) == expected


def test_normalize_issn_checks_the_check_digit():
    assert rules.normalize_issn("0125-1996") == "0125-1996"
    assert rules.normalize_issn("02770288") == "0277-0288"
    assert rules.normalize_issn("0125-1997") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja", ["jpn"]), ("jpn", ["jpn"]), ("Japanese", ["jpn"]), ("日本語", ["jpn"]),
        ("jpneng", ["jpn", "eng"]), ("zh-Hant", ["chi"]), ("zho", ["chi"]), ("chi", ["chi"]),
        ("ko_KR", ["kor"]), ("한국어", ["kor"]), ("Tiếng Việt", ["vie"]), ("ภาษาไทย", ["tha"]),
        ("ja; en", ["jpn", "eng"]), ("und", []), ("klingonish", []),
    ],
)
def test_normalize_languages(text, expected):
    assert rules.normalize_languages(text) == expected


def test_unknown_languages_are_reported_but_undetermined_is_not():
    assert rules.unknown_languages("jpn, klingonish, und") == ["klingonish"]


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("urn:isbn:9784794602237", None, Identifier("isbn", "9784794602237")),
        ("urn:issn:02770288", None, Identifier("issn", "0277-0288")),
        ("https://doi.org/10.1000/xyz123", None, Identifier("doi", "10.1000/xyz123")),
        ("http://example.org/item/1", None, Identifier("uri", "http://example.org/item/1")),
        ("2012532441", "lccn", Identifier("lccn", "2012532441")),
        ("ocn781679351", "oclc", Identifier("oclc", "781679351")),
        ("21859930", "http://ndl.go.jp/dcndl/terms/JPNO", Identifier("nbn", "21859930", "JPNO")),
        ("0953-2048", "issn-l", Identifier("issn", "0953-2048")),
        ("12345", "isbn", Identifier("other", "12345", "invalid ISBN")),
    ],
)
def test_identifier_from_text(text, hint, expected):
    assert rules.identifier_from_text(text, hint) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Text", "book"), ("http://purl.org/dc/dcmitype/MovingImage", "video"), ("cartographic", "map"),
        ("notated music", "score"), ("http://ndl.go.jp/ndltype/Book", "book"), ("地図", "map"),
        ("info:eu-repo/semantics/article", "article"), ("something else", None),
    ],
)
def test_content_type_from(text, expected):
    assert rules.content_type_from(text) == expected


def test_year_range_reads_western_years_and_ranges():
    assert rules.year_range("1996.9").year_from == 1996
    found = rules.year_range("1990-1995")
    assert (found.year_from, found.year_to) == (1990, 1995)
    assert rules.year_range("no date") is None


def test_parse_lang_tag_marks_readings():
    assert rules.parse_lang_tag("ja-hrkt") == rules.LanguageTag("jpn", "Hrkt", True)
    assert rules.parse_lang_tag("ja-Latn") == rules.LanguageTag("jpn", "Latn", False)
    assert rules.parse_lang_tag(None) == rules.LanguageTag(None, None, False)


def test_text_script_tells_a_kana_reading_from_the_title():
    assert rules.text_script("ノイマン ノ ユメ") == "Kana"
    assert rules.text_script("ノイマンの夢") == "Jpan"
    assert rules.text_script("Hong lou meng") == "Latn"


def test_clean_text_composes_decomposed_vietnamese():
    decomposed = "Nha\u0300 Xu\u00e2\u0301t Ba\u0309n"
    assert rules.clean_text(decomposed) == "Nhà Xuất Bản"
