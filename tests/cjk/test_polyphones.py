"""Polyphonic hanja (issue 13.6): a title read one way by one catalogue and another way by another.

The pairs are rows of the Korean medical classics union list (../shared/data/mediclassics-hangul-hanja-titles,
read here by their seq number): the list's own hangul reading takes a reading of a polyphone that our everyday
table does not (識 지 beside 식, 劑 자 beside 제, 槌 추 beside 퇴), or reads a character the Chinese converter
would change first (霉 매, which OpenCC makes 黴 미), or mixes kana in (a Japanese title read in hangul). Each
side is indexed alone and found from the other, and an unrelated title is not found.
"""

import csv
from pathlib import Path

import pytest

from tongwen.cjk.korean import _alternate_table, alternate_hanja_readings, hanja_reading_combinations, hanja_to_hangul
from tongwen.index import SearchIndex, SearchRequest
from tongwen.model import Form, Record, Title

# seq → why the row was missed before
ROWS = {
    "1863": "十劑表 십자표: 劑 자 (the list reads 劑 both ways: 要藥分劑 요약분자 and 요약분제)",
    "774": "靈樞識 영추지: 識 지 (Unihan kHangul 식, 지)",
    "7120": "素問識 소문지",
    "2249": "殺車槌法 살거추법: 槌 추 (Unihan kKorean THOY CHWU)",
    "486": "傷寒家秘殺車槌法 상한가비살차추법: 車 차 and 槌 추 in one title",
    "2943": "參譜 삼보: 參 삼 outside 人參",
    "7800": "內科易知 내과이지: 易 이",
    "6071": "醫意不執方 의의불집방: 不 불 before ㅈ, where the everyday rule says 부",
    "7441": "不可不知 불가불지",
    "3499": "蘇沈良方 소심양방: 沈 심 (a surname, 沈括)",
    "43": "霉癘新書 매려신서: 霉 read as written, not as OpenCC's 黴",
    "1535": "丹台玉案 단태옥안: 台 태, not 臺 대",
    "333": "種痘の理論と實務 종두の이론と실무: hanja among kana",
    "2078": "맥訣理玄秘要 맥결이현비요: hanja among hangul",
    "539": "藥方(醫方) 약방(의방): the words of the query read apart (no 방의 across the parenthesis)",
    "2385": "「海東文獻總錄」中の醫書 「해동문헌총록」중_의서: the particle の left out of the hangul reading",
    "5199": "마경쵸집언해(馬經抄集諺解) 마경초집언해: 쵸 is 초 in older spelling",
    "134": "桑韓塤箎集 상한훈지집: 箎 is 篪 (Unihan kSemanticVariant), read 지",
    "4430": "耆婆脈經 기바맥경: 耆婆 Jīvaka, read 기바",
    "3794": "西域波羅仙人方 서역바라선인방: 波羅 바라",
}
ONE_WAY = ("333", "2078", "43", "1535", "539", "2385", "5199")  # the hangul side is not the reading of the hanja alone


@pytest.fixture(scope="module")
def rows(shared_data: Path) -> dict[str, tuple[str, str]]:
    path = shared_data / "mediclassics-hangul-hanja-titles" / "title_pairs.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["seq"]: (row["hanja_title"], row["hangul_reading"]) for row in csv.DictReader(handle, delimiter="\t")
                if row["seq"] in ROWS}


def _first_hit(tmp_path: Path, titles: list[str], query: str) -> list[str]:
    index = SearchIndex.open(tmp_path / "index")
    index.add(
        Record(source="m", local_id=str(number), languages=["kor"], titles=[Title([Form(title)])])
        for number, title in enumerate(titles)
    )
    return [hit.id for hit in index.search(SearchRequest(query, facets=(), page_size=10)).hits]


@pytest.mark.parametrize("seq", list(ROWS))
def test_hanja_query_finds_the_hangul_reading(rows, seq, tmp_path):
    hanja, hangul = rows[seq]
    assert _first_hit(tmp_path, [hangul, "동의보감"], hanja) == ["m:0"], ROWS[seq]


@pytest.mark.parametrize("seq", [seq for seq in ROWS if seq not in ONE_WAY])
def test_hangul_query_finds_the_hanja_title(rows, seq, tmp_path):
    hanja, hangul = rows[seq]
    assert _first_hit(tmp_path, [hanja, "東醫寶鑑"], hangul) == ["m:0"], ROWS[seq]


def test_a_one_syllable_query_is_not_matched_by_an_alternative_reading(tmp_path):
    """識 is read 지 as well as 식, but a query 지 finds only titles whose everyday reading has it."""
    assert _first_hit(tmp_path, ["靈樞識", "本草知"], "지") == ["m:1"]


def test_alternative_readings():
    assert hanja_to_hangul("十劑表") == "십제표"
    assert alternate_hanja_readings("十劑表") == ("십자표",)
    assert "불가불지" in hanja_reading_combinations("不可不知")
    assert alternate_hanja_readings("東醫寶鑑") == ()  # no polyphone, no other reading


def test_variant_fold_of_the_flute():
    from tongwen.cjk.variants import fold_variants

    assert fold_variants("塤箎") == fold_variants("塤篪")


def test_every_alternative_reading_has_a_source():
    data = Path(__file__).parents[2] / "tongwen" / "cjk" / "data" / "hanja_alternate_readings.tsv"
    for line in data.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            hanja, readings, source = line.split("\t")
            assert readings.split() and source.startswith(("Unihan 14.0", "mediclassics")), line
    assert _alternate_table()["識"] == ("지",) and "추" in _alternate_table()["槌"]
