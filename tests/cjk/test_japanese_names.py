"""Japanese name headings read as family and given name, and kanji no reader knows read through a variant
(issue 13.6), on real catalogue records.

Princeton's Solr documents pair 新村出, 1876-1967 with "Shinmura, Izuru, 1876-1967" (pykakasi: niimura shutsu)
and 山脇巖, 1898- with "Yamawaki, Iwao"; CiNii's BA85746967 gives its authors with their readings (笠井, 秀明 /
カサイ, ヒデアキ). Kanripo's KR6t0417 悉曇要訣 is by the monk 明覺 (Myōkaku): two kanji written together are not
divided. Princeton's 櫸. is "Keyaki.": neither pykakasi nor UniDic reads 櫸, both read its variant 欅.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tongwen.cjk.japanese import hepburn, hepburn_forms, personal_name_hepburn, readable_variant
from tongwen.cjk.romanize import roman_key
from tongwen.cjk.scripts import detect_script
from tongwen.cjk.variants import variant_family

_DATES = re.compile(r"[,\s]*[\d?-]+\.?$")


def name_pairs(shared_data: Path) -> list[tuple[str, str]]:
    """(kanji heading, its romanization or kana reading) of Japanese persons in Princeton's Solr documents and
    CiNii's / NDL's RDF."""
    pairs: list[tuple[str, str]] = []
    solr = shared_data / "princeton-orangelight-solr-cjk" / "current_fixtures_cjk_subset.jsonl"
    for line in solr.read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        if "Japanese" not in document.get("language_facet", []):
            continue
        names = document.get("author_s", [])
        latin = [name for name in names if detect_script(name) == "Latn"]
        han = [name for name in names if detect_script(name) == "Hani"]
        if len(latin) == 1 and len(han) == 1:
            pairs.append((han[0], latin[0]))
    person = re.compile(r'<foaf:name>([^<]*)</foaf:name>\s*<foaf:name xml:lang="ja-hrkt">([^<]*)</foaf:name>')
    for path in sorted((shared_data / "enju-ndl-cinii-loc-api-responses").glob("*/*.xml")):
        pairs.extend(person.findall(path.read_text(encoding="utf-8", errors="replace")))
    return list(dict.fromkeys((han.strip(), other.strip()) for han, other in pairs))


def name_key(name: str) -> str:
    """The roman key of a heading without its dates; kana read in Hepburn."""
    name = _DATES.sub("", name.split(" (")[0])
    return roman_key(name if detect_script(name) == "Latn" else hepburn(name))


def test_headings_are_read_as_their_catalogued_romanization(shared_data):
    assert personal_name_hepburn("新村出, 1876-1967") == "Shinmura, Izuru, 1876-1967"
    assert roman_key(personal_name_hepburn("山脇巖, 1898-")) == roman_key("Yamawaki, Iwao, 1898-")
    pairs = dict(name_pairs(shared_data))
    assert pairs["笠井, 秀明"] == "カサイ, ヒデアキ"
    assert personal_name_hepburn("笠井, 秀明") == "Kasai, Hideaki"
    assert name_key(personal_name_hepburn("津田, 宗幸")) == name_key(pairs["津田, 宗幸"])


def test_most_headings_read_are_read_as_catalogued(shared_data):
    """Over every Japanese person of the data: given names have many readings (柄谷行人 is Karatani Kōjin,
    UniDic says Yukito), so some are wrong; they are an extra form beside pykakasi's, not instead of it."""
    pairs = name_pairs(shared_data)
    read = [(han, other, personal_name_hepburn(han)) for han, other in pairs]
    read = [(han, other, name) for han, other, name in read if name]
    right = [han for han, other, name in read if name_key(name) == name_key(other)]
    assert len(pairs) >= 15 and len(read) >= 0.8 * len(pairs)
    assert len(right) >= 0.8 * len(read), [(han, name) for han, _, name in read if han not in right]


def test_what_is_not_a_family_and_given_name_is_not_read_as_one(shared_data):
    catalogue = (shared_data / "kanripo-kr-catalog" / "KR" / "KR6t.txt").read_text(encoding="utf-8")
    assert "*** KR6t0417 悉曇要訣--明覺" in catalogue
    assert personal_name_hepburn("明覺") is None  # two kanji together: a monk's name, not Myō Kaku
    assert personal_name_hepburn("国立国会図書館") is None
    assert personal_name_hepburn("松崎公紀, 新妻弘 共訳") is None  # two persons in one statement


def test_a_kanji_no_reader_knows_is_read_through_its_variant(shared_data):
    solr = (shared_data / "princeton-orangelight-solr-cjk" / "current_fixtures_cjk_subset.jsonl").read_text(
        encoding="utf-8"
    )
    assert '"title_vern_display": ["櫸."]' in solr and '"title_display": ["Keyaki."]' in solr
    assert "欅" in variant_family("櫸")
    assert readable_variant("櫸.") == "欅."
    assert roman_key("Keyaki.") in map(roman_key, hepburn_forms("櫸."))
    # Characters a reader knows stay as they are: no extra form.
    assert readable_variant("春香傳") is None and readable_variant("源氏物語") is None
