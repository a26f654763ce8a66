"""clean() and fold(): text hygiene before any matching."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongwen.cjk.text import clean, fold


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("\uf981", "\u5973"),  # CJK compatibility ideograph 女 → unified
        ("부인良방", "부인良방"),
        ("\u200f紅樓夢\u200e", "紅樓夢"),  # bidi marks
        ("源氏\u200b物語\ufeff", "源氏物語"),  # zero-width space, BOM
        ("列夫・托尔斯泰", "列夫·托尔斯泰"),  # U+30FB → U+00B7
        ("列夫･托尔斯泰", "列夫·托尔斯泰"),  # half-width U+FF65
        ("国立\u3000国会  図書館", "国立 国会 図書館"),  # ideographic space, runs of spaces
        ("  Genji\tmonogatari \n", "Genji monogatari"),
        ("春香傳 ✹", "春香傳"),  # stray trailing symbol
        ("三体 ★★", "三体"),
        ("태의비□진후생사부", "태의비□진후생사부"),  # placeholder for an effaced character stays
        ("大醫秘□", "大醫秘□"),
        ("", ""),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ＡＢＣ１２３", "abc123"),
        ("ｶﾞﾝﾀﾞﾑ", "がんだむ"),  # half-width katakana with voiced marks
        ("メタフュシカ", "めたふゅしか"),
        ("アトリヱ社", "あとりえ社"),  # old kana ヱ (Princeton: アトリヱ社)
        ("ゐなか", "いなか"),
        ("霞ヶ関", "霞け関"),
        ("三体Ⅱ", "三体ii"),  # Roman numeral code point (Douban quirk)
        ("Harry POTTER", "harry potter"),
        ("Straße", "strasse"),
        ("紅樓夢", "紅樓夢"),  # ideographs are left to fold_variants
    ],
)
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_makes_katakana_and_hiragana_equal():
    assert fold("ゲンジモノガタリ") == fold("げんじものがたり")


@given(st.text())
def test_clean_is_idempotent(s):
    assert clean(clean(s)) == clean(s)


@given(st.text())
def test_fold_is_idempotent(s):
    assert fold(fold(s)) == fold(s)
