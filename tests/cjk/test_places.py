"""Place names as real catalogues transcribe them (MARC 260/264 $a in ../shared/data), cleaned and keyed."""

import pytest

from tongwen.cjk.places import place_keys, place_names, split_qualifier


@pytest.mark.parametrize(("transcribed", "expected"), [
    # princeton-bibdata-alma 99111299423506421: the cataloguer supplies the modern name in brackets
    ("東武 [江戶]", [("東武", "江戶")]),
    ("Tōbu [Edo]", [("Tōbu", "Edo")]),
    # marc4j pride-and-prejudice: several places, a bracketed qualifier, an address in parentheses
    ("Oxford [England] ; New York", [("Oxford", "England"), ("New York",)]),
    ("London (18 Grosvenor St., W1A 4SF)", [("London",)]),
    ("Champaign, Ill. (P.O. Box 2782, Champaign 61825)", [("Champaign, Ill",)]),
    ("Harmondsworth [etc.]", [("Harmondsworth",)]),
    ("a [Franklin, Tenn.]", [("Franklin, Tenn",)]),
    ("[Tokyo] :", [("Tokyo",)]),
    ("<Hong Kong>", [("Hong Kong",)]),
    ("長泉町 (静岡県)", [("長泉町 (静岡県)", "長泉町")]),
    ("Korea (North)", [("Korea (North)", "Korea")]),
    ("台北縣中和市 ; 香港", [("台北縣中和市",), ("香港",)]),
    # not places: unknown place, a date in $a, undecoded MARC-8 escapes
    ("[S.l.]", []),
    ("1996", []),
    ("$1!4I!0a(B", []),
    ("$1&apos;T+!4I!&lt;D(B", []),  # the same, XML-escaped twice: its ";" is no separator
])
def test_place_names(transcribed, expected):
    assert place_names(transcribed) == expected


@pytest.mark.parametrize("forms", [
    ("東京", "东京", "[東京]"),  # NDL, Chinese cataloguing
    ("江戶", "江戸"),  # kyūjitai / shinjitai
    ("Tōkyō", "Tokyo", "tōkyō", "Toukyou"),  # ALA-LC, plain, Kunrei-ish
    ("Sŏul", "Seoul", "Soul"),  # MR, RR, MR with its breve lost
    ("P'aju", "Paju"),
    ("Kyŏngsŏng", "Kyongsong", "Gyeongseong"),
])
def test_spellings_share_a_key(forms):
    firsts = {place_keys(place_names(form)[0][0])[0] for form in forms}
    assert len(firsts) == 1


def test_administrative_suffixes_give_a_second_key():
    assert place_keys("台北市")[-1] == place_keys("台北")[0]
    assert place_keys("Taibei shi")[-1] == place_keys("Taibei")[0]
    assert place_keys("Sŏul-si")[-1] == place_keys("Seoul")[0]
    assert place_keys("서울시")[-1] == place_keys("서울")[0]
    assert place_keys("京都")[0] != place_keys("京")[0]  # the full form is tried first: 京都 is Kyoto


def test_kana_and_korean_readings():
    assert place_keys("トウキョウ")[-1] == place_keys("Tokyo")[0]  # kana is read (Hepburn)
    assert place_keys("京城", "kor")[1] == place_keys("경성")[0]  # hanja in a Korean record read in hangul
    assert len(place_keys("京城", "chi")) == 1


def test_split_qualifier():
    assert split_qualifier("Cambridge, Mass") == ("Cambridge", ["Mass"])
    assert split_qualifier("Tokyo") == ("Tokyo", [])
