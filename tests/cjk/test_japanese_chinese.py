"""Japanese readings and Hepburn (pykakasi), Chinese pinyin (pypinyin)."""

import pytest

from tongwen.cjk.chinese import pinyin
from tongwen.cjk.japanese import hepburn, reading


@pytest.mark.parametrize(
    ("text", "hiragana"),
    [
        ("源氏物語", "げんじものがたり"),
        ("ゲンジモノガタリ", "げんじものがたり"),
        ("国立国会図書館", "こくりつこっかいとしょかん"),
        ("國立國會圖書館", "こくりつこっかいとしょかん"),  # kyūjitai read after t2jp
        ("アトリヱ社", "あとりえしゃ"),
    ],
)
def test_reading(text, hiragana):
    assert reading(text) == hiragana


def test_catalogue_reading_beats_the_guess():
    assert reading("言林", catalogue_reading="ゲンリン") == "げんりん"
    assert hepburn("言林", catalogue_reading="ゲンリン") == "genrin"


@pytest.mark.parametrize(
    ("text", "romaji"),
    [
        ("源氏物語", "genjimonogatari"),
        ("げんじものがたり", "genjimonogatari"),
        ("村上春樹", "murakamiharuki"),
        ("解說", "kaisetsu"),  # old form 說
        ("東京", "toukyou"),
    ],
)
def test_hepburn(text, romaji):
    assert hepburn(text) == romaji


@pytest.mark.parametrize(
    ("text", "syllables"),
    [
        ("红楼梦", "hong lou meng"),
        ("紅樓夢", "hong lou meng"),
        ("重庆", "chong qing"),  # polyphone read from the phrase
        ("女神", "nü shen"),
        ("景印文淵閣四庫全書", "jing yin wen yuan ge si ku quan shu"),
        ("三体2", "san ti 2"),
        ("", ""),
    ],
)
def test_pinyin(text, syllables):
    assert pinyin(text) == syllables
