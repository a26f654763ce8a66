"""Catalogued yomi aligned with their text (issue 13.5): real pairs from NDL's DC-NDL transcriptions and from
ALA-LC romanized fields with their 880 partners (Princeton, Open Library), cut at the text's kana and at the
reading's word boundaries; pairs that cannot be cut one way give nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tongwen.cjk.yomi import align, romaji_to_kana


@pytest.mark.parametrize(
    ("text", "reading", "expected"),
    [
        # NDL (enju responses): kana anchors cut the katakana transcription; katakana in the title are anchors too
        ("ズッコケ三人組のダイエット講座", "ズッコケ サンニングミ ノ ダイエット コウザ",
         [("三人組", "さんにんぐみ"), ("講座", "こうざ")]),
        ("暗号技術入門 : 秘密の国のアリス", "アンゴウ ギジュツ ニュウモン : ヒミツ ノ クニ ノ アリス",
         [("暗号技術入門", "あんごう ぎじゅつ にゅうもん"), ("秘密", "ひみつ"), ("国", "くに")]),
        ("定義", "ジョウゲ", [("定義", "じょうげ")]),  # NDL's reading, not pykakasi's ていぎ: catalogued as read
        # the particles は へ を as said: ワ エ オ
        ("群論への第一歩", "グンロン エノ ダイイッポ", [("群論", "ぐんろん"), ("第一歩", "だいいっぽ")]),
        # Princeton (Solr 100 / 880): the name's comma is only a word space; dates are anchors
        ("新村出, 1876-1967", "Shinmura, Izuru, 1876-1967", [("新村出", "しんむら いずる")]),
        ("中院通冬, 1315-1363", "Nakanoin, Michifuyu, 1315-1363", [("中院通冬", "なかのいん みちふゆ")]),
        # Open Library (880_Nihon_no_chasho.mrc): Japanese word spacing in the 880 meets ALA-LC's words
        ("日本 の 茶書 /", "Nihon no chasho /", [("日本", "にほん"), ("茶書", "ちゃしょ")]),
        ("林屋 辰三郎,", "Hayashiya, Tatsusaburō,", [("林屋", "はやしや"), ("辰三郎", "たつさぶろう")]),
        # old character forms are read in shinjitai, as pykakasi reads them (解說 is 解説)
        ("解說日本経済統計", "Kaisetsu Nihon keizai tōkei", [("解説日本経済統計", "かいせつ にほん けいざい とうけい")]),
    ],
)
def test_real_pairs_align(text, reading, expected):
    assert align(text, reading) == expected


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # two kanji runs and two places to cut the reading between them: 一橋|大学 or 一橋大学|…? not guessed
        ("一橋大学. 経済研究所.", "Hitotsubashi Daigaku. Keizai Kenkyūjo."),
        ("浄名玄論", "Jing ming xuan lun"),  # a pinyin reading of a Japanese record: "xuan" is not Hepburn
        ("[東京] : 小学館, [1966]", "[Tōkyō] : Shogakukan, [1961]"),  # the two fields disagree (1966/1961)
        ("標準日本史掛図 / 児玉幸多編.", "Hyōjun Nihon shi kakezu [map] / Kodama Kōta hen."),  # [map] is not in the 880
        ("アルベール・カミュ ペスト : 果てしなき不条理との闘い", "アルベール カミュ ペスト"),  # reads only the title
    ],
)
def test_pairs_that_do_not_align_cleanly_give_nothing(text, reading):
    assert align(text, reading) is None


def test_romaji_reading_in_kana():
    assert romaji_to_kana("Kyōto Kokuritsu Hakubutsukan hen") == "きょうと こくりつ はくぶつかん へん"
    assert romaji_to_kana("Hitotsubashi Daigaku. Keizai Kenkyūjo.") == "ひとつばし だいがく. けいざい けんきゅうじょ."
    assert romaji_to_kana("TOEIC test") == "toeic test"  # not Hepburn: left as written


def test_most_japanese_pairs_of_the_real_data_align(shared_data: Path):
    """Over the Japanese pairs the cross-script checks use (NDL transcriptions, ALA-LC 880 partners), most
    align; each aligned reading has at least one kana per kanji and at most MAX_KANA_PER_KANJI."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "index"))
    from realdata_pairs import _marc_records, marc_pairs, princeton_solr_pairs
    from realdata_records import ndl

    pairs = [(sample.title, reading) for sample in ndl(shared_data) for reading in sample.readings]
    pairs += [(p.text, p.query) for p in princeton_solr_pairs(shared_data) if p.lang == "jpn"]
    pairs += [(p.text, p.query) for source, record in _marc_records(shared_data)
              for p in marc_pairs(record, source) if p.lang == "jpn"]
    aligned = [(text, align(text, reading)) for text, reading in pairs]
    runs = [(run, kana) for _, result in aligned if result for run, kana in result]
    assert len(pairs) >= 100
    assert sum(result is not None for _, result in aligned) >= 0.6 * len(pairs)
    assert all(len(run) <= len(kana.replace(" ", "")) <= 6 * len(run) for run, kana in runs)
