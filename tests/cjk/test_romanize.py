"""roman_key() and romanizations(): one key for any romanization."""

import pytest

from tongwen.cjk.romanize import roman_grams, roman_key, romanizations

SAME_KEY = [
    ("Hong lou meng", "Honglou meng", "HONG-LOU-MENG", "hóng lóu mèng"),
    ("Genji monogatari", "genji monogatari", "Genjimonogatari", "GENJI MONOGATARI"),
    ("Ch'unhyang chŏn", "Chunhyangjeon", "Ch\u02bbunhyang-jŏn", "chunhyang jeon"),
    ("Tōkyō", "Toukyou", "Tokyo", "Tôkyô", "Tookyoo"),
    ("Kungnip Chungang Tosŏgwan", "Gungnip Jungang Doseogwan"),
    ("Sŏul", "Seoul"),
    ("Han'guk", "Hanguk"),
    ("Xi'an", "Xian"),
    ("Shimbun", "Shinbun"),
    ("Sanrom myōkyō", "Sanron myokyo"),
    ("Yi Ch'ang-sik", "I Changsik"),
    ("nü shen", "nu shen"),
    ("Kim Mu-bong", "Kim Mubong"),
]


@pytest.mark.parametrize("forms", SAME_KEY)
def test_forms_share_a_key(forms):
    assert len({roman_key(form) for form in forms}) == 1


@pytest.mark.parametrize(
    ("one", "other"), [("Genji", "Heike"), ("hong lou meng", "xi you ji"), ("Seoul", "Busan")]
)
def test_different_names_keep_different_keys(one, other):
    assert roman_key(one) != roman_key(other)


def test_grams_are_substring_closed():
    whole = set(roman_grams(roman_key("Genji monogatari")))
    assert set(roman_grams(roman_key("monogatari"))) <= whole
    assert set(roman_grams(roman_key("Genji"))) <= whole


@pytest.mark.parametrize(
    ("text", "lang", "forms"),
    [
        ("红楼梦", "chi", ["hong lou meng"]),
        (
            "紅樓夢",
            None,
            ["hong lou meng", "kourou yume", "hongnumong"],
        ),  # no language: all readings; RR = MR
        # Han-only Japanese: Hepburn, pinyin, and pinyin with the other readings of polyphones (氏 shi/zhi)
        ("源氏物語", "jpn", ["genjimonogatari", "yuan shi wu yu", "yuan zhi wu yu"]),
        # particle へ said "e"; then the devoiced forms (hiragana are written: rendaku, japanese.hepburn_forms)
        ("群論への第一歩", "jpn", ["gunron heno daiippo", "gunron eno daiippo", "kunronhenotaiippo",
                                  "kunron'enotaiippo"]),
        ("げんじものがたり", None, ["genjimonogatari", "kenshimonokatari"]),
        ("춘향전", None, ["chunhyangjeon", "ch'unhyangjŏn"]),
        ("春香傳", "kor", ["chunhyangjeon", "ch'unhyangjŏn", "chun xiang chuan"]),
        ("金大中", "eng", ["jin da zhong", "geumdaejung", "kŭmdaejung"]),  # another language: no Hepburn
        ("Genji monogatari", "jpn", ["Genji monogatari"]),
        ("", None, []),
        ("1984", None, ["1984"]),
    ],
)
def test_romanizations(text, lang, forms):
    assert romanizations(text, lang) == forms


def test_ala_lc_arabic_numerals_after_di(shared_data):
    """Princeton 245 "Zhong gong zhong yao li shi wen xian zi liao hui bian. di 5 ji, …" for the 880
    中共重要历史文献资料汇编. 第五辑, …: ALA-LC writes the number after 第 in Arabic numerals."""
    from tongwen.cjk.analysis import query_roman_tokens, roman_tokens

    rows = (shared_data / "princeton-orangelight-solr-cjk" / "title_pairs.tsv").read_text(encoding="utf-8")
    assert "di 5 ji" in rows and "第五辑" in rows
    record = roman_tokens("中共重要历史文献资料汇编. 第五辑", "chi")
    assert set(query_roman_tokens("Zhong gong zhong yao li shi wen xian zi liao hui bian. di 5 ji")) <= set(record)
    assert set(query_roman_tokens("di wu ji")) <= set(record)  # as pinyin reads it, too
