"""The learned-readings lexicon and its guards (issue 13.5), on real catalogued pairs: Kanseki Repository
KR6t titles with their Hepburn, NDL titles and names with their DC-NDL transcriptions, Princeton's 100/880."""

from __future__ import annotations

from tongwen.cjk.learned_readings import ReadingLexicon


def test_a_run_learned_on_one_title_reads_another():
    lexicon = ReadingLexicon()
    lexicon.learn("祕密曼荼羅十住心論", "HIMITSU MANDARA JŪJŪSHIN RON")  # KR6t0125
    # pykakasi's words 十住 心 read "juujuu kokoro"; 秘密 and 曼荼羅 it reads right: 十住心 is cut out between them
    assert lexicon.entries()["十住心"] == ("じゅうじゅうしん",)
    assert lexicon.respell("十住心義林") == ["ジュウジュウシン 義林"]  # KR6t0160 JŪJŪSHIN GIRIN


def test_readings_pykakasi_gives_anyway_are_not_kept():
    lexicon = ReadingLexicon()
    lexicon.learn("講談社", "コウダンシャ")  # NDL publisher transcription
    lexicon.learn("情報検索演習", "ジョウホウ ケンサク エンシュウ")
    assert lexicon.entries() == {}
    assert lexicon.respell("講談社") == []


def test_a_reading_that_covers_only_part_of_the_text_teaches_nothing():
    lexicon = ReadingLexicon()
    # NDL reads only 国会案内; one cut (国会案内 こっかい, 点字版 あんない) fits, but not pykakasi's lengths
    assert lexicon.learn("国会案内 点字版", "コッカイ アンナイ") == []


def test_one_character_runs_need_two_pairs_and_a_whole_run():
    lexicon = ReadingLexicon()
    lexicon.learn("吉田一", "Yoshida, Hajime")
    assert "一" not in lexicon.entries()  # 一 alone is いち far more often: one pair is not enough
    assert lexicon.respell("吉田一著作集") == ["ヨシダ ハジメ 著作集"]  # the whole name is
    lexicon.learn("鈴木一", "Suzuki, Hajime")
    assert lexicon.entries()["一"] == ("はじめ",)
    assert lexicon.respell("第一歩") == []  # inside a word, never


def test_never_half_of_a_word():
    lexicon = ReadingLexicon()
    lexicon.learn("新村出, 1876-1967", "Shinmura, Izuru, 1876-1967")  # Princeton's 100 / 880
    assert lexicon.respell("出版年鑑") == []
    assert lexicon.respell("新村出記念財団") == ["シンムラ イズル 記念財団"]


def test_conflicting_readings_are_kept_only_with_support():
    lexicon = ReadingLexicon()
    lexicon.learn("中院通冬", "Nakanoin, Michifuyu")
    lexicon.learn("中院通冬", "Nakanoin, Michitō")
    assert "中院通冬" not in lexicon.entries()  # one pair each: neither is trusted
    lexicon.learn("中院通冬", "Nakanoin, Michifuyu")
    lexicon.learn("中院通冬", "Nakanoin, Michitō")
    assert lexicon.entries()["中院通冬"] == ("なかのいん みちふゆ", "なかのいん みちとう")
    assert lexicon.respell("中院通冬") == ["ナカノイン ミチフユ", "ナカノイン ミチトウ"]


def test_the_lexicon_is_bounded_and_round_trips():
    lexicon = ReadingLexicon(max_entries=10)
    names = ["泰智", "宜稔", "仁健", "正幹", "盈一", "光輝", "文彦", "祥寛", "尾城", "鴨沢", "出水田", "有里枝"]
    readings = ["ヤスノリ", "マサトシ", "ヨシタケ", "マサモト", "マスカズ", "ミツテル", "フミヒロ", "ヨシヒロ", "オジロ",
                "カモサワ", "イズミダ", "ユリエ"]  # NDL creators' transcriptions
    for name, reading in zip(names, readings, strict=True):
        lexicon.learn(name, reading)
    assert len(lexicon.counts()) <= 10
    again = ReadingLexicon(lexicon.counts())
    assert again.entries() == lexicon.entries() and again.entries()
    stored = ReadingLexicon.from_json(lexicon.to_json())  # as the index keeps it, guards already applied
    assert stored.entries() == lexicon.entries()
    stored.learn("泰智", "ヤスノリ")  # and it goes on learning
    assert stored.entries()["泰智"] == ("やすのり",)


def test_forgetting_a_source_takes_back_exactly_what_it_taught():
    """Two Princeton records catalogue 新村出 as Shinmura, Izuru; an NDL record transcribes him シンムラ イズル.
    Forgetting one record leaves the others' support as it was before that record taught anything."""
    lexicon = ReadingLexicon()
    lexicon.learn("新村出, 1876-1967", "Shinmura, Izuru, 1876-1967", source="princeton:9941500863506421")
    before = lexicon.counts()
    lexicon.learn("新村出", "シンムラ イズル", source="ndl:1")
    lexicon.learn("言林 / 新村出編", "Genrin / Shinmura Izuru hen", source="princeton:2")
    assert lexicon.counts()["新村出"] == {"しんむら いずる": 3}
    assert lexicon.forget("ndl:1") == 1 and lexicon.forget("princeton:2") >= 1
    assert lexicon.counts() == before and lexicon.entries()["新村出"] == ("しんむら いずる",)
    assert lexicon.forget("princeton:9941500863506421") == 1
    assert "新村出" not in lexicon.counts() and "新村出" not in lexicon.entries() and lexicon.respell("新村出") == []
    assert lexicon.forget("never-taught") == 0


def test_what_a_source_taught_survives_the_round_trip_and_pruning():
    lexicon = ReadingLexicon(max_entries=10)
    names = ["泰智", "宜稔", "仁健", "正幹", "盈一", "光輝", "文彦", "祥寛", "尾城", "鴨沢", "出水田", "有里枝"]
    readings = ["ヤスノリ", "マサトシ", "ヨシタケ", "マサモト", "マスカズ", "ミツテル", "フミヒロ", "ヨシヒロ", "オジロ",
                "カモサワ", "イズミダ", "ユリエ"]  # NDL creators' transcriptions
    for number, (name, reading) in enumerate(zip(names, readings, strict=True)):
        lexicon.learn(name, reading, source=f"ndl:{number}")
    stored = ReadingLexicon.from_json(lexicon.to_json())
    assert stored.sources() == lexicon.sources()
    for source in lexicon.sources():
        stored.forget(source)
    assert stored.counts() == {} and stored.entries() == {}  # nothing left over, nothing negative
