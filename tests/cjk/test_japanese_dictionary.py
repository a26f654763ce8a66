"""UniDic's reading beside pykakasi's where pykakasi is unsure (issue 13.5): real catalogue texts.

Princeton catalogues 言林 (9941500863506421) as "Genrin." and 山脇巖 as "Yamawaki, Iwao"; NDL transcribes
未曾有と想定外 as ミゾウ ト ソウテイガイ. pykakasi reads each kanji of these alone (げん はやし, やまわき がん,
そうてい そと); fugashi with UniDic-lite reads them as catalogued. Where pykakasi reads whole dictionary words
(国立国会図書館), nothing is added.
"""

from __future__ import annotations

from tongwen.cjk.analysis import roman_keys
from tongwen.cjk.japanese import dictionary_hepburn, hepburn_forms, pykakasi_unsure
from tongwen.cjk.romanize import roman_key


def test_pykakasi_is_unsure_where_it_reads_a_kanji_alone_inside_a_run():
    assert pykakasi_unsure("言林.") and pykakasi_unsure("山脇巖, 1898-") and pykakasi_unsure("想定外")
    assert not pykakasi_unsure("国立国会図書館") and not pykakasi_unsure("源氏物語")
    assert not pykakasi_unsure("伊勢の家つと")  # okurigana and particles between kanji are not runs


def test_the_dictionary_reading_is_a_second_form_of_what_pykakasi_is_unsure_of():
    assert "gen rin" in hepburn_forms("言林")
    assert dictionary_hepburn("山脇巖") == "yamawaki iwao"
    assert any("soutei gai" in form for form in hepburn_forms("未曾有と想定外 : 東日本大震災に学ぶ"))
    assert hepburn_forms("国立国会図書館") == ["kokuritsu kokkaitoshokan"]  # pykakasi alone, as before


def test_a_record_in_kanji_carries_the_key_of_its_catalogued_romanization():
    assert roman_key("Genrin.") in roman_keys("言林.", "jpn")
    assert roman_key("Yamawaki, Iwao") in roman_keys("山脇巖", "jpn")
    assert roman_key("Genrin.") not in roman_keys("言林.", "chi")  # Chinese text is read in pinyin only
