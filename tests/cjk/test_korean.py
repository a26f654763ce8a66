"""Korean: hanja readings (with the initial-sound law), Revised Romanization, McCune–Reischauer (ALA-LC)."""

import csv

import pytest

from tongwen.cjk.korean import hanja_to_hangul, initial_sound_fold, romanize_mr, romanize_rr
from tongwen.cjk.analysis import query_roman_alternatives, roman_tokens
from tongwen.cjk.romanize import roman_key
from tongwen.cjk.text import clean


@pytest.mark.parametrize(
    ("hanja", "hangul"),
    [
        ("大韓民國", "대한민국"),
        ("春香傳", "춘향전"),
        ("韓國經濟", "한국경제"),
        ("雷公", "뇌공"),  # 뢰 → 뇌 at a word start
        ("李舜臣", "이순신"),  # 리 → 이
        ("女子", "여자"),  # 녀 → 여
        ("論語", "논어"),  # 론 → 논
        ("羅列", "나열"),  # 렬 → 열 after a vowel
        ("規律", "규율"),
        ("不動産", "부동산"),  # 不 → 부 before ㄷ
        ("不足", "부족"),
        ("不安", "불안"),
        ("醫脈眞經", "의맥진경"),
        ("國立中央圖書館", "국립중앙도서관"),
        ("韓國經濟 연구", "한국경제 연구"),  # hangul kept
        ("婦영新說", "부영신설"),
    ],
)
def test_hanja_to_hangul(hanja, hangul):
    assert hanja_to_hangul(hanja) == hangul


def test_mediclassics_readings_match_after_the_initial_sound_fold(shared_data):
    """7,896 real hangul reading ↔ hanja title pairs. Misses are polyphones (易 이/역, 葉 섭/엽), typos and
    notes in parentheses; the initial-sound fold removes the word-start differences inside compounds."""
    path = shared_data / "mediclassics-hangul-hanja-titles" / "title_pairs.tsv"
    with path.open(encoding="utf-8") as rows:
        pairs = [
            (clean(row["hanja_title"]), clean(row["hangul_reading"]))
            for row in csv.DictReader(rows, delimiter="\t")
        ]
    assert len(pairs) == 7896
    exact = sum(hanja_to_hangul(hanja) == hangul for hanja, hangul in pairs)
    folded = sum(
        initial_sound_fold(hanja_to_hangul(hanja)) == initial_sound_fold(hangul) for hanja, hangul in pairs
    )
    assert exact / len(pairs) > 0.88
    assert folded / len(pairs) > 0.93
    assert folded > exact


@pytest.mark.parametrize(
    ("hangul", "rr"),
    [
        ("국립중앙도서관", "gungnipjungangdoseogwan"),
        ("춘향전", "chunhyangjeon"),
        ("대한민국", "daehanminguk"),
        ("서울", "seoul"),
        ("신라", "silla"),
        ("종로", "jongno"),
        ("독립문", "dongnimmun"),
        ("설날", "seollal"),
        ("백마", "baengma"),
        ("같이", "gachi"),
        ("굳이", "guji"),
        ("좋고", "joko"),
        ("묵호", "mukho"),
        ("집현전", "jiphyeonjeon"),
        ("한글", "hangeul"),
        ("의사", "uisa"),
        ("민속학 연구", "minsokhak yeongu"),
        ("있어", "isseo"),
        ("닭이", "dalgi"),
    ],
)
def test_romanize_rr(hangul, rr):
    assert romanize_rr(hangul) == rr


@pytest.mark.parametrize(
    ("hangul", "mr"),
    [
        ("춘향전", "ch'unhyangjŏn"),
        ("수원", "suwŏn"),
        ("사카이 마사노스케", "sak'ai masanosŭk'e"),
        ("묵자 지음", "mukcha chiŭm"),
        ("최 환 옮김", "ch'oe hwan omgim"),
        ("역주 불설 아미타경 언해", "yŏkchu pulsŏl amit'agyŏng ŏnhae"),
        ("알지 못했던", "alji mothaettŏn"),
        ("모든 것", "modŭn kŏt"),
        ("레가토", "regat'o"),
        ("눈물", "nunmul"),
        ("유고집", "yugojip"),
        ("빌려", "pillyŏ"),
        ("독립군", "tongnipkun"),
        ("전투", "chŏnt'u"),
        ("한국", "han'guk"),
        ("신라", "silla"),
        ("학교", "hakkyo"),
        ("서울", "sŏul"),
    ],
)
def test_romanize_mr_matches_ala_lc(hangul, mr):
    assert romanize_mr(hangul) == mr


def test_non_hangul_text_passes_through():
    assert romanize_rr("1Q84 : 소설") == "1Q84 : soseol"
    assert romanize_mr("(주)레드로버") == "(chu)redŭrobŏ"


KOREAN_PRINCETON_TITLES = {
    # romanized title_display → vernacular title_vern_display (Princeton orangelight fixtures)
    "Mukcha / Mukcha chiŭm ; Ch'oe Hwan omgim.": "묵자 / 묵자 지음 ; 최 환 옮김.",
    "Regat'o : Kwŏn Yŏ-sŏn changp'yŏn sosŏl.": "레가토 : 권여선장편소설.",
    "Nunmul : Ch'oe In-ho yugojip.": "눈물 : 최 인호 유고집.",
    "Tongnipkun ŭi chŏnt'u / Sin Chae-hong chipp'il.": "독립군의전투　/ 신재홍집필.",
    "Suwŏn / Sak'ai Masanosŭk'e chŏ ; Yi Ch'ang-sik yŏk.": "수원 / 사카이 마사노스케 저 ; 이 창식 역.",
}


@pytest.mark.parametrize(("romanized", "vernacular"), KOREAN_PRINCETON_TITLES.items())
def test_generated_mr_has_the_catalogued_key(romanized, vernacular):
    """Word division and voicing differ (독립군의전투 has no spaces); the match key does not."""
    assert roman_key(romanize_mr(clean(vernacular))) == roman_key(romanized)
    assert roman_key(romanize_rr(clean(vernacular))) == roman_key(romanized)


# ---------------------------------------------------------------------------------------------------------------
# Issue 13.6: the McCune–Reischauer forms other catalogues write. A romanized query in any of them must find the
# hangul record, and the hangul the romanized record (`roman_tokens` is a record's side, `query_roman_*` a
# query's: a query matches when a record has all the grams of one of its alternatives).


def finds(query: str, record_text: str, lang: str | None = "kor") -> bool:
    tokens = set(roman_tokens(record_text, lang))
    return any(set(grams) <= tokens for grams in query_roman_alternatives(query))


# Princeton 99... incremental_11_records.xml: 245 "Nodong ŭi saebyŏk : Pak No-hae sijip." / 880 "노동 의 새벽 :
# 박 노해 詩集."; North Korean usage keeps the word-initial ㄹ (로동, as in 로동신문 Rodong sinmun, 조선로동당
# Chosŏn Rodongdang), so the same title printed in Pyongyang reads 로동 의 새벽.
NORTH_SOUTH = [
    ("Nodong ŭi saebyŏk", "로동 의 새벽"),
    ("Rodong ŭi saebyŏk", "노동 의 새벽"),
    ("Rodong sinmun", "노동신문"),
    ("Nodong sinmun", "로동신문"),
    ("Chosŏn Rodongdang", "조선 노동당"),
    ("Ryŏksa kwahak", "역사 과학"),  # 력사과학, the Pyongyang history journal
    ("Yŏksa kwahak", "력사과학"),
    ("Ri Ch'ang-sik", "이 창식"),  # Princeton's "Yi Ch'ang-sik yŏk." / "이 창식 역." as the North writes 리
    ("Yi Ch'ang-sik", "리 창식"),
    ("Rim Hwa", "임화"),
    ("Im Hwa", "림화"),
    ("Ryu Kyŏng", "유경"),
    ("Ri Sŭng-man", "李承晩"),  # hanja read by the initial-sound law (이승만), then as the North writes it
]


@pytest.mark.parametrize(("query", "record"), NORTH_SOUTH)
def test_north_and_south_korean_word_starts_find_each_other(query, record):
    assert finds(query, record)


def test_hangul_in_north_korean_usage_finds_the_south_korean_romanization():
    assert finds("로동신문", "Nodong sinmun", None)
    assert finds("리 창식", "Yi Ch'ang-sik", None)


def test_north_korean_forms_do_not_merge_other_words():
    assert not finds("Rodong", "노래")  # 노래 "song" becomes 로래 at most, never 로동
    assert not finds("Ri Ch'ang-sik", "김 창식")


# Real names as the catalogues write them (Princeton's Solr documents: 880 credits 김상경, 문정희, 권여선, 신재홍),
# and the same syllables in the styles other catalogues and searchers use.
NAME_STYLES = {
    "김상경": ["Kim Sang-gyŏng", "Kim Sang Gyŏng", "Kim Sanggyŏng", "Kim Sang-Gyŏng", "KIM Sang-gyong"],
    "권여선": ["Kwŏn, Yŏ-sŏn", "Kwŏn Yŏ Sŏn", "Kwon Yoson", "Kwŏn Yŏ-Sŏn"],
    "신재홍": ["Sin, Chae-hong", "Sin Chae Hong", "Sin Chaehong"],
    "김일성": ["Kim Il-sŏng", "Kim Il Sŏng", "Kim Ilsŏng", "Kim Il-Sŏng"],
    # One word in hangul, as Korean catalogues write names; ALA-LC keeps the syllables apart (no
    # nasalisation across the hyphen): Princeton's "Pak, No-hae" for 박 노해.
    "박노해": ["Pak, No-hae", "Pak No Hae", "Pangnohae"],
}


@pytest.mark.parametrize(("hangul", "written"), [(h, w) for h, forms in NAME_STYLES.items() for w in forms])
def test_name_in_any_syllable_style_finds_the_hangul(hangul, written):
    assert finds(written, hangul)


@pytest.mark.parametrize(
    ("hangul", "mr"),
    [
        # Titles in NLK's authority samples (../shared/data/nlk-lod-jsonld-samples), read as pronounced
        ("독서(읽기) 능력", "toksŏ (ilgi) nŭngnyŏk"),  # ㄺ before ㄱ in a verb stem: [일끼]
        ("닭고기 수프", "takkogi sup'ŭ"),  # …but a noun's ㄺ stays ㄱ: [닥꼬기]
        ("(새롭게 읽는) 조선의 궁술", "saeropke ingnŭn chosŏnŭi kungsul"),  # ㄺ before ㄴ: [잉는]
        ("철학, 예술을 읽다", "ch'ŏrhak, yesurŭl ikta"),  # ㄹ before ㅎ: ALA-LC rh
        ("많은", "manŭn"),
        # the other clusters
        ("밟다", "papta"),  # ㄼ is ㅂ in 밟-
        ("넓다", "nŏlta"),  # …and ㄹ elsewhere
        ("싫어", "sirŏ"),  # ㅀ before a vowel: ㄹ moves on, ㅎ is silent
        ("잃다", "ilt'a"),  # ㅀ before ㄷ aspirates it
        # ㄹ-initial loanwords keep r (Princeton: 레가토 Regat'o, 레드로버 Redŭ Robŏ)
        ("라디오", "radio"),
        ("레드로버", "redŭ robŏ"),
    ],
)
def test_consonant_clusters_and_loanwords(hangul, mr):
    assert roman_key(romanize_mr(hangul)) == roman_key(mr)
    assert finds(mr, hangul)


# Sino-Korean readings of hanja titles (issue 13.6): the compound table, and the ALA-LC romanization of hanja
# titles after the sound changes. Pairs from the Korean medical classics union list (the list's own hangul
# reading, row seq in the comment) and NLK's corporate-name authority labels.
@pytest.mark.parametrize(
    ("hanja", "hangul"),
    [
        ("簡易方論", "간이방론"),  # 47: 易 is 이 in 簡易, 易簡, 平易…
        ("世宗易簡方", "세종이간방"),  # 308
        ("易筋經圖說", "역근경도설"),  # 9: …and 역 elsewhere
        ("人參譜", "인삼보"),  # 756: 參 삼 in 人參
        ("三元參贊延壽書", "삼원참찬연수서"),  # 146: …and 참 elsewhere
        ("辟瘟方", "벽온방"),  # 519
        ("家藏龜鑑", "가장귀감"),  # 1073
        ("婆羅門諸仙藥方", "바라문제선약방"),  # 2552
        ("葉天士醫案精華", "섭천사의안정화"),  # 274: 葉 as a surname
        ("國立國樂院", "국립국악원"),  # NLK: 樂 악 in 國樂
        ("韓國. 法務部. 更生保護會", "한국. 법무부. 갱생보호회"),  # NLK: 更 갱 in 更生
        ("經濟企畵院", "경제기획원"),  # NLK: 畵 획 in 企畵
        ("鍼炙大成", "침구대성"),  # 2725: 炙 written for 灸 in acupuncture titles
        ("本草易讀", "본초이독"),  # 7125
        ("沈氏醫案", "심씨의안"),  # 3871: 沈 as a surname
    ],
)
def test_compound_readings(hanja, hangul):
    assert hanja_to_hangul(hanja) == hangul


@pytest.mark.parametrize(
    ("romanized", "hanja"),
    [
        # Inside a hanja run the sound changes apply across the characters, as ALA-LC romanizes them
        ("Tongnip sinmun", "獨立新聞"),  # 독립 [동닙]
        ("Silla", "新羅"),  # 신라 [실라]
        ("Hakkyo", "學校"),
        ("Chosŏn wangjo sillok", "朝鮮王朝實錄"),
        ("Kyŏngguk taejŏn", "經國大典"),
        ("Tongŭi pogam", "東醫寶鑑"),
        # …and where the cataloguer divides the words, the initial-sound law applies at the second word
        ("Han'guk yŏksa", "韓國歷史"),  # 력사 → 역사
        ("Sin yŏsŏng", "新女性"),  # 녀성 → 여성
        ("Kungnip Kugagwŏn", "國立國樂院"),  # and 樂 read 악 in 國樂
        # Yale University Library's MLA citation guide (Korean examples, romanized by ALA-LC):
        ("Wŏnyung kwa chohwa: Han'guk kodae chogaksa ŭi wŏlli", "圓融과調和: 韓國古代彫刻史의原理"),
        ("Pulgyo hakpo", "佛敎學報"),
        ("Kang U-bang", "姜友邦"),
    ],
)
def test_romanized_hanja_titles_find_the_hanja(romanized, hanja):
    assert finds(romanized, hanja)


def _romanized_syllable_by_syllable(text: str, render) -> str:
    """The romanization rule as first written: walk the text a character at a time, and apply the sound
    changes (`_sound_changes`) and the letters (`render`) to each run of hangul syllables as it ends."""
    from tongwen.cjk.korean import _sound_changes, is_hangul_syllable

    out: list[str] = []
    word: list[str] = []
    for ch in text + " ":
        if is_hangul_syllable(ch):
            word.append(ch)
            continue
        if word:
            out.append(render([list(syllable) for syllable in _sound_changes("".join(word))]))
            word = []
        out.append(ch)
    return "".join(out)[:-1]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item)


def test_cached_word_romanization_is_the_syllable_rule(shared_data):
    """`romanize_rr` / `romanize_mr` romanize each hangul word once (cached; the syllables split by a table)
    for speed: on real Korean text — mediclassics' hangul readings and its hanja read as hangul, every string of
    KOLIS-NET's responses (titles, names, places, with Latin, digits and punctuation) — they must give what the
    syllable-by-syllable rule gives, and names read syllable by syllable the rule's syllables."""
    import json

    from tongwen.cjk.korean import _render_mr, _render_rr, is_hangul_syllable, romanize_mr_by_syllable

    with (shared_data / "mediclassics-hangul-hanja-titles" / "title_pairs.tsv").open(encoding="utf-8") as rows:
        pairs = list(csv.DictReader(rows, delimiter="\t"))
    texts = [clean(row["hangul_reading"]) for row in pairs]
    texts += [hanja_to_hangul(clean(row["hanja_title"])) for row in pairs]
    for path in sorted((shared_data / "nlk-kolisnet-openapi-responses").glob("*.json")):
        texts += [clean(text) for text in _strings(json.loads(path.read_text(encoding="utf-8")))]
    assert len(texts) > 16_000
    for text in texts:
        assert romanize_rr(text) == _romanized_syllable_by_syllable(text, _render_rr), text
        assert romanize_mr(text) == _romanized_syllable_by_syllable(text, _render_mr), text
    names = {word for text in texts for word in text.split()
             if 2 <= len(word) <= 4 and all(map(is_hangul_syllable, word))}
    for name in sorted(names)[:3000]:
        expected = "-".join(_romanized_syllable_by_syllable(ch, _render_mr) for ch in name)
        assert romanize_mr_by_syllable(name) == expected, name
