"""Era-aware dates: small examples first, then real catalogue dates, then the tables against DILA."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import unicodedata
from pathlib import Path

import pymarc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.cjk import eras
from tongwen.cjk.eras import OPEN_END, DateRange, find_eras, kanji_number, parse_date, parse_year_range_008

# ------------------------------------------------------------------------------------------------------------
# Small examples: text -> (year_from, year_to, calendar)

EXAMPLES = [
    # Japanese eras in kanji, numerals in digits or kanji, 元年, ranges, squares, one-kanji abbreviations
    ("明治29年", 1896, 1896, "japanese"),
    ("昭和46-47", 1971, 1972, "japanese"),
    ("昭和46年-47年", 1971, 1972, "japanese"),
    ("平成元年", 1989, 1989, "japanese"),
    ("令和元年", 2019, 2019, "japanese"),
    ("昭和64年", 1989, 1989, "japanese"),
    ("安永3", 1774, 1774, "japanese"),
    ("天保3", 1832, 1832, "japanese"),  # 天保 was proclaimed 1831-01-23, before the lunar New Year of 1831
    ("明治二十年", 1887, 1887, "japanese"),
    ("昭和卅年", 1955, 1955, "japanese"),
    ("大正十五年", 1926, 1926, "japanese"),
    ("明治29-大正3", 1896, 1914, "japanese"),
    ("㍻2年", 1990, 1990, "japanese"),
    ("明39", 1906, 1906, "japanese"),
    ("正徳3", 1713, 1713, "japanese"),
    ("寶暦6", 1756, 1756, "japanese"),  # kyūjitai spelling of 宝暦
    ("慶應2年", 1866, 1866, "japanese"),
    # romanized, with or without macrons, Kunrei or Hepburn
    ("Meiji 29", 1896, 1896, "japanese"),
    ("Shōwa 46-47", 1971, 1972, "japanese"),
    ("Showa 46", 1971, 1971, "japanese"),
    ("Syôwa 46", 1971, 1971, "japanese"),
    ("Heisei 2", 1990, 1990, "japanese"),
    ("Taishō 3", 1914, 1914, "japanese"),
    ("An'ei 3", 1774, 1774, "japanese"),
    ("Tenpō 3", 1832, 1832, "japanese"),
    ("Tempō 3", 1832, 1832, "japanese"),
    ("Heisei gannen", 1989, 1989, "japanese"),
    ("Meiji era", 1868, 1912, "japanese"),
    # Chinese reign titles, traditional and simplified, year numbers, ganzhi years, bare titles
    ("乾隆五年", 1740, 1740, "chinese-reign"),
    ("光緒三十四年", 1908, 1908, "chinese-reign"),
    ("光绪三十四年", 1908, 1908, "chinese-reign"),
    ("康熙", 1662, 1722, "chinese-reign"),
    ("萬曆", 1573, 1620, "chinese-reign"),
    ("万历十年", 1582, 1582, "chinese-reign"),
    ("乾隆元年", 1736, 1736, "chinese-reign"),
    ("乾隆丙午", 1786, 1786, "chinese-reign"),
    ("清乾隆丙午(1786)", 1786, 1786, "chinese-reign"),
    ("乾隆刊本", 1736, 1795, "chinese-reign"),
    ("崇禎十七年", 1644, 1644, "chinese-reign"),
    ("宣統三年", 1911, 1911, "chinese-reign"),
    ("嘉慶十年", 1805, 1805, "chinese-reign"),  # Japan had a 嘉慶 too, but only three years long
    ("正德十年", 1515, 1515, "chinese-reign"),  # 德: the Chinese form; Japanese 正徳 is 1711
    ("Kangxi 20", 1681, 1681, "chinese-reign"),
    # the Republic of China
    ("民國35年", 1946, 1946, "minguo"),
    ("民国35年", 1946, 1946, "minguo"),
    ("中華民國一百年", 2011, 2011, "minguo"),
    ("Minguo 35", 1946, 1946, "minguo"),
    ("Min'guo 35", 1946, 1946, "minguo"),
    # Korea
    ("光武", 1897, 1907, "korean-era"),
    ("光武2年", 1898, 1898, "korean-era"),
    ("隆熙3年", 1909, 1909, "korean-era"),
    ("開國503年", 1894, 1894, "korean-era"),
    ("建陽元年", 1896, 1896, "korean-era"),
    ("Kwangmu 3", 1899, 1899, "korean-era"),
    ("대한민국 30년", 1948, 1948, "korean-era"),
    ("세종 5년", 1423, 1423, "korean-era"),
    ("단기 4290", 1957, 1957, "dangi"),
    ("檀紀4290年", 1957, 1957, "dangi"),
    ("주체 100", 2011, 2011, "juche"),
    ("主體100年", 2011, 2011, "juche"),
    # Thai Buddhist Era, Thai digits
    ("พ.ศ. 2500", 1957, 1957, "buddhist"),
    ("พ.ศ.๒๕๐๐", 1957, 1957, "buddhist"),
    ("B.E. 2500", 1957, 1957, "buddhist"),
    ("BE2500", 1957, 1957, "buddhist"),
    ("2500 B.E.", 1957, 1957, "buddhist"),
    ("๒๕๐๐", 1957, 1957, "buddhist"),
    ("2561.", 2018, 2018, "buddhist"),
    # Gregorian: plain, copyright, ranges, uncertain, full-width, bidi controls, YYYYMMDD, NDL year.month
    ("1998", 1998, 1998, "gregorian"),
    ("c1998", 1998, 1998, "gregorian"),
    ("©1998", 1998, 1998, "gregorian"),
    ("p1998.", 1998, 1998, "gregorian"),
    ("[1998?]", 1998, 1998, "gregorian"),
    ("1998-2001", 1998, 2001, "gregorian"),
    ("1998-99", 1998, 1999, "gregorian"),
    ("1998-03", 1998, 1998, "gregorian"),  # W3CDTF year-month, not a range
    ("1998 printing", 1998, 1998, "gregorian"),
    ("１９９８年", 1998, 1998, "gregorian"),
    ("\u200f1998\u200e", 1998, 1998, "gregorian"),
    ("\u202b٢٠١٠\u202c", 2010, 2010, "gregorian"),
    ("19--", 1900, 1999, "gregorian"),
    ("[18--?]", 1800, 1899, "gregorian"),
    ("196-?", 1960, 1969, "gregorian"),
    ("199u", 1990, 1999, "gregorian"),
    ("19uu", 1900, 1999, "gregorian"),
    ("2011-", 2011, OPEN_END, "gregorian"),
    ("20220603", 2022, 2022, "gregorian"),
    ("2015.12", 2015, 2015, "gregorian"),
    ("53(4) 1987.10", 1987, 1987, "gregorian"),
    ("1971 [i.e. 1972]", 1972, 1972, "gregorian"),
    ("12th cent", 1100, 1199, "gregorian"),
    ("19세기", 1800, 1899, "gregorian"),  # Korean and Japanese/Chinese centuries, as NLK and NDL transcribe them
    ("19世紀", 1800, 1899, "gregorian"),
    ("-2nd cent", -200, -101, "gregorian"),
    ("-507 - -400", -507, -400, "gregorian"),
    ("127 - 200", 127, 200, "gregorian"),
    ("d.ca. 1660", 1660, 1660, "gregorian"),
    ("ค.ศ. 2000", 2000, 2000, "gregorian"),
]


@pytest.mark.parametrize(("text", "year_from", "year_to", "calendar"), EXAMPLES)
def test_examples(text: str, year_from: int, year_to: int, calendar: str) -> None:
    result = parse_date(text)
    assert result is not None, text
    assert (result.year_from, result.year_to, result.calendar) == (year_from, year_to, calendar)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shōwa 46-47 [1971-1972]", DateRange(1971, 1972, "Shōwa 46-47", "japanese")),
        ("昭和 46-47 [1971-1972]", DateRange(1971, 1972, "昭和 46-47", "japanese")),
        ("2010（平成22）年", DateRange(2010, 2010, "平成22", "japanese")),
        ("安永3 [1774]", DateRange(1774, 1774, "安永3", "japanese")),
        ("An'ei 3 [1774]", DateRange(1774, 1774, "An'ei 3", "japanese")),
        ("平成2 [1991]", DateRange(1991, 1991, "平成2", "japanese")),  # the Gregorian year is trusted
        ("乾隆五年", DateRange(1740, 1740, "乾隆五年", "chinese-reign")),
    ],
)
def test_era_is_kept_for_display_and_gregorian_wins(text: str, expected: DateRange) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["", "   ", "n.d.", "s.a.", "[出版年不明]", "明治書院", "康熙字典", "大正大学", "民國", "Vol. 3"]
)
def test_no_year(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("country", "lang", "year"),
    [
        (None, None, 1946),
        ("ch", None, 1946),
        ("TW", None, 1946),
        ("cc", "chi", 1946),
        ("ko", None, 1953),
        ("KR", None, 1953),
        ("KP", None, 1953),
        (None, "kor", 1953),
        ("xxu", "kor", 1953),
    ],
)
def test_minguo_base_depends_on_korean_hints(country: str | None, lang: str | None, year: int) -> None:
    result = parse_date("民國35年", country=country, lang=lang)
    assert result is not None and result.year_from == year


def test_hints_break_ties_between_countries() -> None:
    assert parse_date("弘治3年", lang="chi").year_from == 1490  # Ming
    assert parse_date("弘治3年", lang="jpn").year_from == 1557  # Japan
    assert (
        parse_date("世宗 5年") is None
    )  # 世宗 is also a Chinese temple name: regnal years need a Korean hint
    assert parse_date("世宗 5年", lang="kor").year_from == 1423
    assert parse_date("4290", country="ko") == DateRange(1957, 1957, "4290", "dangi")
    assert parse_date("4290") is None


def test_find_eras_lists_every_country() -> None:
    assert [(e.country, e.start) for e in find_eras("嘉慶")] == [("JP", 1387), ("CN", 1796)]
    assert [e.name for e in find_eras("Guangxu")] == ["光緒"]
    assert find_eras("光绪") == find_eras("光緒")


@pytest.mark.parametrize(
    ("text", "value"),
    [("五", 5), ("十", 10), ("二十", 20), ("廿", 20), ("廿五", 25), ("卅", 30), ("卌二", 42), ("百", 100),
     ("一百", 100), ("五百三", 503), ("〇", 0), ("一九九八", 1998), ("二〇一〇", 2010), ("元", 1), ("拾貳", 12),
     ("42", 42), ("二二十", None), ("年", None)],
)  # fmt: skip
def test_kanji_number(text: str, value: int | None) -> None:
    assert kanji_number(text) == value


@pytest.mark.parametrize(
    ("date_type", "date1", "date2", "expected"),
    [
        ("s", "1998", "    ", (1998, 1998)),
        ("s", "19uu", "    ", (1900, 1999)),
        ("s", "199u", "    ", (1990, 1999)),
        ("q", "18uu", "19uu", (1800, 1999)),
        ("m", "1971", "1972", (1971, 1972)),
        ("t", "1971", "1972", (1971, 1971)),  # 1972 is the copyright date
        ("r", "1985", "1901", (1985, 1985)),
        ("c", "2004", "9999", (2004, OPEN_END)),
        ("d", "1950", "1960", (1950, 1960)),
        ("u", "1950", "uuuu", (1950, 1950)),
        ("s", "2561", "####", (2018, 2018)),  # a Thai catalogue writing the Buddhist Era
        ("n", "uuuu", "uuuu", None),
        ("s", "    ", "    ", None),
        ("|", "||||", "||||", None),
        ("s", "1u9u", "    ", None),
    ],
)
def test_parse_year_range_008(
    date_type: str, date1: str, date2: str, expected: tuple[int, int] | None
) -> None:
    result = parse_year_range_008(date1, date2, date_type)
    assert ((result.year_from, result.year_to) if result else None) == expected


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=80)
    | st.from_regex(
        r"[明大昭平令民光乾康][治正和成國緒隆熙]?[0-9〇一二三四五六七八九十百廿卅元-]{0,6}年?.{0,5}"
    ),
    country=st.sampled_from([None, "ja", "ko", "cc", "th", "KP", "", "zz"]),
    lang=st.sampled_from([None, "jpn", "kor", "chi", "tha", "xx"]),
)
def test_parse_date_never_raises(text: str, country: str | None, lang: str | None) -> None:
    result = parse_date(text, country=country, lang=lang)
    assert result is None or result.year_from <= result.year_to


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789u|# -", max_size=5),
    st.text(alphabet="0123456789u|# -", max_size=5),
    st.text(max_size=1),
)
def test_parse_year_range_008_never_raises(date1: str, date2: str, date_type: str) -> None:
    result = parse_year_range_008(date1, date2, date_type)
    assert result is None or result.year_from <= result.year_to


# ------------------------------------------------------------------------------------------------------------
# Real catalogue dates


def _marc_dates(records: list[pymarc.Record]) -> list[tuple[str, str, str]]:
    """(imprint date $c, 008/06-14, 008/35-37) for each record with an imprint date."""
    out = []
    for record in records:
        fixed = record["008"].data if "008" in record else ""
        for field in record.get_fields("260", "264", "880"):
            if field.tag == "880" and not (field.get("6") or "").startswith(("260", "264")):
                continue
            for value in field.get_subfields("c"):
                out.append((value, fixed[6:15], fixed[35:38]))
    return out


def _princeton_records(folder: Path) -> list[pymarc.Record]:
    records = [r for xml in sorted(folder.glob("*.xml")) for r in pymarc.parse_xml_to_array(str(xml))]
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for bib in data.get("bib", [data]):
            for marcxml in bib.get("anies") or []:
                # the embedded strings declare UTF-16 but are ordinary str: drop the declaration
                marcxml = re.sub(r"^<\?xml[^>]*\?>", "", marcxml)
                records += pymarc.parse_xml_to_array(io.BytesIO(marcxml.encode("utf-8")))
    return [r for r in records if r is not None]


def test_marc_imprint_dates_agree_with_008(shared_data: Path) -> None:
    records = []
    for path in sorted((shared_data / "openlibrary-marc-880" / "bin_input").glob("*.mrc")):
        with open(path, "rb") as fh:
            records += [r for r in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True) if r is not None]
    records += _princeton_records(shared_data / "princeton-bibdata-alma")
    dates = _marc_dates(records)
    assert len(dates) >= 10
    seen = set()
    for value, fixed, lang in dates:
        parsed = parse_date(value, lang=lang)
        from_008 = parse_year_range_008(fixed[1:5], fixed[5:9], fixed[0])
        assert parsed is not None, value
        assert from_008 is not None and parsed.year_from == from_008.year_from, (value, fixed)
        seen.add((unicodedata.normalize("NFC", value), parsed))  # MARC-8-era records store ō decomposed
    assert ("Shōwa 46-47 [1971-1972]", DateRange(1971, 1972, "Shōwa 46-47", "japanese")) in seen
    assert ("安永3 [1774]", DateRange(1774, 1774, "安永3", "japanese")) in seen
    assert ("An'ei 3 [1774]", DateRange(1774, 1774, "An'ei 3", "japanese")) in seen


def test_kanripo_dates(shared_data: Path) -> None:
    values = []
    for path in sorted((shared_data / "kanripo-kr-catalog" / "KR").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.match(r"\s*:DATES?:\s*(.+?)\s*$", line):
                values.append(m.group(1))
    assert len(values) > 2000
    unparsed = [v for v in values if parse_date(v, lang="chi") is None]
    assert unparsed == []
    reigns = [(v, parse_date(v, lang="chi")) for v in values if re.search("[乾康雍弘]", v)]
    assert len(reigns) >= 60
    for value, parsed in reigns:
        assert parsed.calendar == "chinese-reign"
        assert parsed.era in unicodedata.normalize("NFKC", value)  # one value spells 隆 as U+F9DC
        (era,) = [e for e in find_eras(parsed.era[:2]) if e.country == "CN"]
        assert era.start <= parsed.year_from <= era.end
    assert parse_date("乾隆四十六年").year_from == 1781


def _ndl_date_values(folder: Path) -> list[str]:
    tags = "dcterms:issued|dcterms:date|dc:date|dcndl:publicationDate|prism:publicationDate"
    pattern = re.compile(rf"(?:<|&lt;)({tags})(?:\s[^>&]*)?(?:>|&gt;)([^<&]+)")
    values = []
    for path in sorted(folder.rglob("*.xml")):
        values += [
            m.group(2).strip() for m in pattern.finditer(path.read_text(encoding="utf-8", errors="replace"))
        ]
    return values


def test_ndl_and_cinii_dates(shared_data: Path) -> None:
    values = _ndl_date_values(shared_data / "enju-ndl-cinii-loc-api-responses")
    assert len(values) > 100
    for value in values:
        parsed = parse_date(value, lang="jpn")
        digits = re.search(r"(?<!\d)(\d{4})(?!\d)", value)
        if digits:
            assert parsed is not None and parsed.year_from == int(digits.group(1)), value
    assert parse_date("明39") == DateRange(1906, 1906, "明39", "japanese")
    assert "明39" in values


def test_thai_catalogue_buddhist_era(shared_data: Path) -> None:
    with open(shared_data / "rmutl-thai-library-catalog" / "databib.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fixed = {r["Bib_ID"]: r["Subfield"] for r in rows if r["Field"] == "008"}
    checked = buddhist = 0
    for row in rows:
        if row["Field"] != "260" or "#c=" not in row["Subfield"] or row["Bib_ID"] not in fixed:
            continue
        imprint = row["Subfield"].split("#c=")[1]
        f008 = fixed[row["Bib_ID"]]
        parsed = parse_date(imprint, country="th")
        expected = parse_year_range_008(f008[7:11], f008[11:15], f008[6])
        assert parsed is not None, imprint
        if expected is not None:  # one record's 008 has no date
            assert parsed.year_from == expected.year_from, imprint
        assert 1980 <= parsed.year_from <= 2020, imprint
        buddhist += parsed.calendar == "buddhist"
        checked += 1
    assert checked >= 20 and buddhist >= 15  # the English-language books give Gregorian years


def test_korean_national_library_years(shared_data: Path) -> None:
    data = json.loads(
        (shared_data / "nlk-kolisnet-openapi-responses" / "test_result02.json").read_text("utf-8")
    )
    years = [item["pubYearInfo"] for item in data["result"] if item.get("pubYearInfo")]
    assert len(years) >= 40
    for value in years:
        assert parse_date(value, lang="kor").year_from == int(value[:4]), value


# ------------------------------------------------------------------------------------------------------------
# The tables against the DILA Time Authority
#
# DILA gives every lunar month of every era year with Julian Day Numbers. An era's year 1 in Gregorian terms
# is the year in which its lunar months 1–11 fall (month 12 can start in the next January). Known ±1 differences:
# - Joseon kings 中宗 and 仁祖 came to the throne by coup and the Veritable Records count their first year from
#   the accession (1506, 1623); DILA counts every king from the year after accession.
# - 正慶 (northern court): DILA counts it from 1331, the year the northern court refused the 元弘 era; japanera
#   and catalogues start it in 1332, the year it was proclaimed.
# - A few DILA eras give two epochs a year apart for different months (calendar data of the 11th–14th
#   century); the earlier one is used.
KNOWN_ONE_YEAR_DIFFERENCES = {"中宗", "仁祖", "正慶"}


def _jdn_year(jdn: int) -> int:
    """Year of a Julian Day Number: Gregorian from 1582-10-15, Julian before (as DILA's dates are)."""
    if jdn >= 2299161:
        return datetime.date.fromordinal(jdn - 1721425).year
    c = jdn + 32082  # Julian calendar conversion (Richards' algorithm)
    d = (4 * c + 3) // 1461
    e = c - (1461 * d) // 4
    m = (5 * e + 2) // 153
    return d - 4800 + m // 10


def _dila_rows(folder: Path, table: str) -> list[dict[str, str]]:
    with open(folder / f"{table}.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def dila(shared_data: Path) -> dict[str, dict[str, list[int]]]:
    """country -> era or king name -> DILA start years of every era of that name."""
    out: dict[str, dict[str, list[int]]] = {}
    for country, table in (("JP", "japanese"), ("CN", "chinese"), ("KR", "korean")):
        folder = shared_data / "dila-time-authority" / table
        epochs: dict[int, int] = {}
        for row in _dila_rows(folder, "t_month"):
            if int(row["month"]) <= 11:
                epoch = _jdn_year(int(row["first"])) - int(row["year"]) + 1
                era_id = int(row["era_id"])
                epochs[era_id] = min(epoch, epochs.get(era_id, epoch))
        names: dict[str, list[int]] = {}
        for row in _dila_rows(folder, "t_era_names"):
            if int(row["era_id"]) in epochs:
                names.setdefault(row["name"], []).append(epochs[int(row["era_id"])])
        emperor_of = {int(r["id"]): int(r["emperor_id"]) for r in _dila_rows(folder, "t_era")}
        for row in _dila_rows(folder, "t_emperor_names"):  # Korean regnal years are eras named after the king
            for era_id, emperor in emperor_of.items():
                if emperor == int(row["emperor_id"]) and era_id in epochs:
                    names.setdefault("king:" + row["name"], []).append(epochs[era_id])
        out[country] = names
    return out


def _all_eras() -> list[eras.Era]:
    tables = eras._tables()
    return sorted(
        {era for candidates in tables.by_han.values() for era, _ in candidates}, key=lambda e: e.start
    )


def test_tables_agree_with_dila(dila: dict[str, dict[str, list[int]]]) -> None:
    compared, exact = 0, 0
    for era in _all_eras():
        names = dila[era.country]
        forms = [era.name, *(f for f, c in eras._tables().by_han.items() if any(e == era for e, _ in c))]
        starts = [s for form in forms for s in names.get(("king:" if era.regnal else "") + form, [])]
        if not starts:
            continue  # no lunar months in DILA after the calendar reforms (Japan 1873, Korea 1896, China 1912)
        compared += 1
        difference = min(abs(s - era.start) for s in starts)
        if era.name in KNOWN_ONE_YEAR_DIFFERENCES:
            assert difference == 1, era
        else:
            assert difference == 0, (era, sorted(starts))
            exact += 1
    # ~245 Japanese eras with lunar months in DILA, ~34 Ming/Qing reigns, 開國, 26 Joseon kings
    assert compared >= 280, compared


def test_every_japanese_adjustment_is_needed() -> None:
    import japanera

    by_key = {
        (e._kanji, e.since.isoformat()): e.since.year
        for source in (japanera.ERA_DATA_GENERAL, japanera.ERA_DATA_DAIKAKUJI, japanera.ERA_DATA_JIMYOUIN)
        for e in source
    }
    for row in eras._read_tsv("eras_japan_adjust.tsv"):
        assert by_key[(row["kanji"], row["japanera_since"])] == int(row["start"]) + 1, row


def test_japanera_covers_every_era_of_dila(dila: dict[str, dict[str, list[int]]]) -> None:
    japanese = {e.name for e in _all_eras() if e.country == "JP"}
    missing = {n for n in dila["JP"] if not n.startswith(("(", "king:")) and n not in japanese}
    # DILA lists some eras under a second spelling; all of them must be known to the OpenCC-derived variants
    assert {n for n in missing if not find_eras(n)} == set()
