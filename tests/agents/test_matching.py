"""Which namings of an agent become one agent, and which homonyms stay apart."""

from __future__ import annotations

from tongwen.agents.cluster import cluster_mentions
from tongwen.agents.keys import mentions
from tongwen.model import Agent, Form, Record, Title


def record(rid: str, title: str, *agents: Agent, lang: str = "jpn", institution: str | None = None) -> Record:
    source, local = rid.split(":")
    return Record(source, local, institution=institution, languages=[lang], titles=[Title([Form(title)])],
                  agents=list(agents))


def groups_of(*records: Record) -> list[list[str]]:
    found = [m for r in records for m in mentions(r)]
    return sorted(sorted(m.record_id for m in group) for group in cluster_mentions(found))


def test_a_pair_learned_on_one_record_joins_records_naming_either_form():
    paired = record("lc:1", "Kokoro", Agent([Form("Yoshida, Hajime", "Latn"), Form("吉田, 一", "Hani")]))
    kanji_only = record("ndl:2", "心の研究", Agent([Form("吉田一", "Hani")]))
    roman_only = record("pu:3", "Nihon bungaku", Agent([Form("Yoshida, Hajime", "Latn")]))
    assert groups_of(paired, kanji_only, roman_only) == [["lc:1", "ndl:2", "pu:3"]]


def test_variant_characters_and_name_order_are_one_person():
    traditional = record("nlc:1", "邊城", Agent([Form("沈從文", "Hant")]), lang="chi")
    simplified = record("nlc:2", "边城", Agent([Form("沈从文", "Hans")]), lang="chi")
    western = record("lc:3", "Border town", Agent([Form("Shen Congwen", "Latn"), Form("沈从文", "Hans")]),
                     lang="eng")
    assert groups_of(traditional, simplified, western) == [["lc:3", "nlc:1", "nlc:2"]]


def test_a_romanized_name_meets_our_romanization_of_the_vernacular_when_a_title_agrees():
    # Kinkley's English translation names the original (246 边城), so its "Shen, Congwen" is the 沈从文 of the
    # 1934 edition, though no record carries both forms. Without the shared title they stay apart.
    original = record("nlc:1", "边城", Agent([Form("沈从文", "Hans")]), lang="chi")
    translation = record("nlb:2", "Border town : a novel", Agent([Form("Shen, Congwen", "Latn")]), lang="eng")
    translation.titles.append(Title([Form("边城")], role="variant"))
    assert groups_of(original, translation) == [["nlb:2", "nlc:1"]]
    other_book = record("lc:3", "Collected letters", Agent([Form("Shen, Congwen", "Latn")]), lang="eng")
    assert groups_of(original, other_book) == [["lc:3"], ["nlc:1"]]


def test_different_life_dates_keep_homonyms_apart_and_an_undated_one_joins_neither():
    older = record("ndl:1", "経済学", Agent([Form("山田太郎", "Hani")], dates="1931-"))
    younger = record("ndl:2", "物理学", Agent([Form("山田太郎", "Hani")], dates="1957-"))
    undated = record("ndl:3", "詩集", Agent([Form("山田太郎", "Hani")]))
    assert groups_of(older, younger, undated) == [["ndl:1"], ["ndl:2"], ["ndl:3"]]


def test_a_short_romanized_chinese_name_needs_evidence():
    one = record("lc:1", "Physics", Agent([Form("Wang, Li", "Latn")]), lang="eng")
    other = record("lc:2", "Poems", Agent([Form("Wang, Li", "Latn")]), lang="eng")
    assert groups_of(one, other) == [["lc:1"], ["lc:2"]]
    same_dates = record("lc:3", "Chemistry", Agent([Form("Wang, Li", "Latn")], dates="1962-"), lang="eng")
    also = record("lc:4", "Biology", Agent([Form("Wang, Li", "Latn")], dates="1962-"), lang="eng")
    assert ["lc:3", "lc:4"] in groups_of(same_dates, also)


def test_identifiers_decide_and_two_values_of_one_scheme_are_two_agents():
    viaf = "http://viaf.org/viaf/37004329"
    a = record("nlk:1", "A", Agent([Form("아커, 데이비드 A.", "Hang")], identifiers=[viaf]))
    b = record("lc:2", "B", Agent([Form("Aaker, David A.", "Latn")], identifiers=[viaf]))
    c = record("lc:3", "C", Agent([Form("Aaker, David A.", "Latn")], identifiers=["http://viaf.org/viaf/99999"]))
    assert groups_of(a, b, c) == [["lc:2", "nlk:1"], ["lc:3"]]


def test_two_agents_of_one_record_are_never_merged():
    both = record("ndl:1", "対談", Agent([Form("山田太郎", "Hani")]),
                  Agent([Form("山田太郎", "Hani")], role="translator"))
    assert groups_of(both) == [["ndl:1"], ["ndl:1"]]


def test_a_korean_name_meets_the_mr_spelling_other_catalogues_write_syllable_by_syllable():
    # Princeton catalogues the poet 박노해 as "Pak, No-hae" (McCune–Reischauer, the given name hyphenated);
    # the hangul-only record and the romanized-only one meet when a title agrees, as for any romanized name.
    hangul = record("nlk:1", "노동 의 새벽", Agent([Form("박노해", "Hang")]), lang="kor")
    romanized = record("pu:2", "Nodong ŭi saebyŏk", Agent([Form("Pak, No-hae", "Latn")]), lang="kor")
    romanized.titles.append(Title([Form("노동 의 새벽")], role="parallel"))
    assert groups_of(hangul, romanized) == [["nlk:1", "pu:2"]]
