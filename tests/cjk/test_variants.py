"""fold_variants(): one ideograph form for simplified, traditional, shinjitai, kyūjitai and hanja."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongwen.cjk.variants import fold_variants, load_gap_table, to_simplified, to_traditional

SAME_WORKS = [
    ("红楼梦", "紅樓夢"),
    ("仏教", "佛教"),
    ("国立国会図書館", "國立國會圖書館"),
    ("円", "圓"),
    ("戸", "戶"),
    ("戸", "户"),
    ("桜", "櫻"),
    ("研", "硏"),
    ("清", "淸"),
    ("説", "說"),
    ("経済", "經濟"),
    ("韓国経済", "韓國經濟"),
    ("春香伝", "春香傳"),
    ("嫌疑人X的献身", "嫌疑犯X的獻身"[:2] + "人X的獻身"),  # Douban simplified/traditional editions
    ("房思琪的初恋乐园", "房思琪的初戀樂園"),
    ("浄名玄論", "淨名玄論"),  # Princeton: Japanese 浄 vs traditional 淨
    ("解説", "解說"),  # Stanford 44794: 解說, 硏究, 刋行
    ("研究", "硏究"),
    ("刊行", "刋行"),
    ("清朝", "淸朝"),  # Kanripo dynasty 淸 vs 清
    ("高島屋", "髙嶋屋"),
    ("渡辺", "渡邉"),
    ("姫路", "姬路"),
    ("青春", "靑春"),
    ("和尚", "和尙"),
    ("国学", "國學"),
    ("挙兵", "舉兵"),
    ("黒澤", "黑沢"),
    # Forms OpenCC knows only from traditional's side (s2t 侭 → 儘): found by the property test in test_analysis
    ("我侭", "我儘"),
    ("我侭", "我尽"),
    ("毛缐", "毛線"),
]


@pytest.mark.parametrize(("one", "other"), SAME_WORKS)
def test_variant_forms_fold_together(one, other):
    assert fold_variants(one) == fold_variants(other)


@pytest.mark.parametrize(("one", "other"), [("红楼梦", "红楼"), ("日本", "中国"), ("大", "太"), ("土", "士")])
def test_different_words_stay_different(one, other):
    assert fold_variants(one) != fold_variants(other)


def test_only_ideographs_change():
    assert fold_variants("げんじ Genji 춘향전 123") == "げんじ Genji 춘향전 123"


def test_compatibility_ideographs_fold_like_their_unified_form():
    assert fold_variants("\uf981") == fold_variants("女")  # U+F981


def test_every_gap_entry_is_needed_and_works():
    gaps = load_gap_table()
    assert len(gaps) >= 30
    for source, target in gaps.items():
        assert fold_variants(source) == fold_variants(target), source


def test_to_simplified_and_to_traditional_use_phrases():
    assert to_simplified("乾隆") == "乾隆"  # phrase table keeps 乾 here; character folding may not
    assert to_simplified("紅樓夢") == "红楼梦"
    assert to_traditional("红楼梦") == "紅樓夢"
    assert to_traditional("头发") == "頭髮"


cjk_text = st.text(alphabet=st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF), max_size=20)


@given(cjk_text)
def test_fold_variants_is_idempotent(s):
    assert fold_variants(fold_variants(s)) == fold_variants(s)


def _charset(encoding: str, leads: range, trails: list[int]) -> list[str]:
    chars = []
    for lead in leads:
        for trail in trails:
            try:
                chars.append(bytes([lead, trail]).decode(encoding))
            except UnicodeDecodeError:
                continue
    return chars


def test_every_gb2312_hanzi_folds_like_its_traditional_form():
    simplified = _charset("gb2312", range(0xB0, 0xF8), list(range(0xA1, 0xFF)))
    assert len(simplified) > 6700
    assert [ch for ch in simplified if fold_variants(ch) != fold_variants(to_traditional(ch))] == []


def test_every_big5_frequent_hanzi_folds_like_its_simplified_form():
    traditional = _charset("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])
    assert len(traditional) > 5000
    assert [ch for ch in traditional if fold_variants(ch) != fold_variants(to_simplified(ch))] == []


@given(cjk_text)
def test_fold_is_context_free(s):
    """Each character folds the same wherever it stands, so one-character queries find longer titles."""
    assert fold_variants(s) == "".join(fold_variants(ch) for ch in s)
