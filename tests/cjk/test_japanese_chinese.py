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


def test_pinyin_reads_real_titles_as_pypinyin_does(shared_data):
    """`pinyin` reads pypinyin's tables itself (for speed); on real titles it must agree with lazy_pinyin."""
    import csv
    from itertools import islice

    from pypinyin import Style, lazy_pinyin

    path = shared_data / "douban-books-2020-titles" / "Books_3.csv"
    with path.open(encoding="utf-8-sig") as rows:
        titles = [row["Title"] for row in islice(csv.DictReader(rows), 3000)]
    titles += ["重庆大学", "银行行长", "长大成人", "音乐", "快乐", "了解了", "朝阳朝代", "𠀀中", "Ⅲ 卷2"]
    for title in titles:
        expected = " ".join(" ".join(lazy_pinyin(title, style=Style.NORMAL, v_to_u=True)).split())
        assert pinyin(title) == expected, title


def test_faster_kanji_lookup_reads_as_pykakasi_does(shared_data):
    """`tongwen.cjk.japanese` swaps pykakasi's kanji dictionary scan for a prefix lookup and skips spellings it
    does not use; the readings of real titles (Chinese and Japanese, kyūjitai and variation selectors included) must not change."""
    import csv
    from itertools import islice

    import pykakasi

    from tongwen.cjk.japanese import _kakasi

    path = shared_data / "douban-books-2020-titles" / "Books_3.csv"
    with path.open(encoding="utf-8-sig") as rows:
        titles = [row["Title"] for row in islice(csv.DictReader(rows), 1500)]
    titles += ["源氏物語", "國立國會圖書館", "吉田兼好の徒然草", "葛\U000e0100飾北斎", "日本大百科全書", "大日本史"]
    stock = pykakasi.Kakasi()
    wanted = ("orig", "hira", "hepburn")  # the trimmed pykakasi spells nothing else
    for title in titles:
        ours = [tuple(item[key] for key in wanted) for item in _kakasi().convert(title)]
        assert ours == [tuple(item[key] for key in wanted) for item in stock.convert(title)], title


@pytest.mark.parametrize(
    ("text", "pronounced"),
    [
        # NDL transcriptions (enju-ndl-cinii-loc-api-responses): particles written as said, ワ エ オ
        ("群論への第一歩", "gunron eno daiippo"),
        ("知と情報はいかにして商品化したか", "shito jouhou waikanishite shouhinka shitaka"),
        ("アルジェリアを訪ねて", "arujieria o tazune te"),
    ],
)
def test_particles_get_a_second_form_as_pronounced(text, pronounced):
    from tongwen.cjk.japanese import hepburn_forms, particle_forms

    assert particle_forms(text) == [hepburn(text), pronounced]
    assert hepburn_forms(text)[:2] == [hepburn(text), pronounced]


def test_a_word_starting_with_ha_keeps_the_plain_form_first():
    from tongwen.cjk.japanese import hepburn_forms

    assert hepburn_forms("日本はじめて物語")[0] == "nippon hajimete monogatari"


def test_kanripo_pinyin_of_polyphones_is_among_our_forms(shared_data):
    """Kanripo's Japanese Buddhist works (KR6t) give the cataloguer's pinyin; where pypinyin's modern phrase
    reading differs (覺 jue/jiao, 乘 cheng/sheng, 藏 cang/zang), `pinyin_alternate` has the other one."""
    import re

    from tongwen.cjk.chinese import pinyin_alternate
    from tongwen.cjk.romanize import roman_key

    heading = re.compile(r"^\*\*\* (KR6t\w+) (.+?)-")
    pairs, title = [], None
    for path in sorted((shared_data / "kanripo-kr-catalog" / "KR").glob("KR6*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = heading.match(line)
            if match:
                title = match.group(2).strip()
            elif title and line.strip().startswith(":lang@zh-py:"):
                pairs.append((title, line.split(":", 2)[2].strip().strip("()")))
                title = None
    assert len(pairs) > 400
    plain = sum(roman_key(pinyin(t)) == roman_key(p) for t, p in pairs)
    either = sum(roman_key(p) in (roman_key(pinyin(t)), roman_key(pinyin_alternate(t) or "")) for t, p in pairs)
    # Measured on 442 titles: 360 whole keys equal with pinyin alone, 373 with the alternate form too (in the
    # index the two forms' grams add up, so titles with polyphones read both ways match as well).
    assert either - plain >= 10, (plain, either)


@pytest.mark.parametrize(
    ("title", "catalogued"),
    [
        # Princeton (princeton-orangelight-solr-cjk): series 大日本古記錄 = "Dai Nihon kokiroku"; pykakasi reads
        # 日本 inside the compound as nippon.
        ("大日本古記錄", "Dai Nihon kokiroku"),
        # the same record's 東京大學史料編纂所: pykakasi reads its 所 as the word tokoro, catalogues the suffix -jo.
        ("東京大學史料編纂所", "Tōkyō Daigaku Shiryō Hensanjo"),
    ],
)
def test_long_sino_japanese_compounds_are_read_as_catalogues_divide_them(title, catalogued):
    from tongwen.cjk.analysis import query_roman_alternatives, roman_tokens

    tokens = set(roman_tokens(title, "jpn"))
    assert any(set(grams) <= tokens for grams in query_roman_alternatives(catalogued))
