"""CSV / TSV: every table in the shared data (WEKO3 in six encodings and line ends, Tiki, RMUTL, Douban,
Aozora), mapping files, and broken input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.ingest import csv_table
from tongwen.ingest.base import MapContext, RecordRejected

WEKO_COLUMNS = {
    "columns": {
        "id": "#ID", "title": "Title[0].Title", "title_variant": ["Title[1].Title"],
        "creator": "Creator[0].作成者姓名[0].姓名", "language": "Title[0].Language",
    },
    "missing_id": "line",  # WEKO new-item rows have no ID yet
}


def read_path(path: Path, options: dict | None = None):
    with path.open("rb") as handle:
        return list(csv_table.read(handle, path.name, options or {}))


def read_bytes(data: bytes, options: dict | None = None, label: str = "t.csv"):
    return list(csv_table.read(io.BytesIO(data), label, options or {}))


def map_all(raws, options: dict | None = None):
    ctx = MapContext(source="t", options=options or {})
    return [csv_table.map(raw, ctx)[0] for raw in raws]


def data_rows(path: Path, encoding: str = "utf-8-sig") -> int:
    """Rows after the header, counted with the csv module directly (independent of the reader)."""
    with path.open(encoding=encoding, newline="") as handle:
        return sum(1 for row in csv.reader(handle) if any(c.strip() for c in row)) - 1


WEKO_FILES = [
    ("csv/utf8_lf_items.csv", "utf-8"), ("csv/utf8_crlf_items.csv", "utf-8"), ("csv/utf8_cr_items.csv", "utf-8"),
    ("csv/utf8bom_lf_items.csv", "utf-8-sig"), ("csv/sjis_lf_items.csv", "cp932"),
    ("csv/eucjp_lf_items.csv", "euc_jp"), ("tsv/utf8_lf_items.tsv", "utf-8"),
]


@pytest.mark.parametrize(("name", "encoding"), WEKO_FILES)
def test_weko_every_encoding_and_line_end_decodes_the_same(shared_data, name, encoding):
    (raw,) = read_path(shared_data / "weko3-import-csv-encodings" / name, WEKO_COLUMNS)
    assert f"encoding {encoding}" in raw.diagnostics[0].message
    assert "header on line 3" in raw.diagnostics[0].message  # of five '#' header rows, the named one
    (record,) = map_all([raw], WEKO_COLUMNS)
    assert record.local_id == "line-6"
    assert record.titles[0].text.startswith("ja_conference paperITEM00000001")
    assert record.titles[1].text.startswith("en_conference paperITEM00000001")
    assert record.agents[0].name == "情報, 太郎"
    assert record.languages == ["jpn"]


def test_douban_tables_with_bom_and_zero_padded_ids(shared_data):
    folder = shared_data / "douban-books-2020-titles"
    for path in [*folder.glob("*.csv"), *(folder / "Tags").glob("*.csv")]:
        raws = read_path(path)
        assert len(raws) == data_rows(path), path.name
        assert not [r for r in raws if r.error], path.name
    books = map_all(read_path(folder / "Books_2.csv"))
    assert (books[0].local_id, books[0].titles[0].text) == ("04913064", "活着")
    assert "guessed from the headers: id='ID', title='Title'" in read_path(folder / "Books_2.csv")[0].diagnostics[0].message


def test_books_3_count_matches_provenance(shared_data):
    assert len(read_path(shared_data / "douban-books-2020-titles" / "Books_3.csv")) == 62028


def test_aozora_person_list_guessed_japanese_headers(shared_data):
    path = shared_data / "aozora-bunko-person-list" / "list_person_all_utf8.csv"
    raws = read_path(path)
    assert len(raws) == 15226
    first = map_all(raws[:1])[0]
    assert (first.local_id, first.titles[0].text, first.agents[0].name) == ("056078", "駅伝馬車", "アーヴィング ワシントン")
    assert first.agents[1].role == "contributor" and first.agents[1].name == "高垣 松雄"
    assert first.publications[0].forms[0].publisher == "岩波文庫、岩波書店"


def test_tiki_vietnamese_books_normalised_to_nfc(shared_data):
    path = shared_data / "tiki-vietnamese-books" / "book_data.csv"
    raws = read_path(path, {"missing_id": "line"})
    assert len(raws) == data_rows(path) == 1751
    records = map_all(raws)
    assert records[0].titles[0].text == "Cây Cam Ngọt Của Tôi"
    assert records[0].publications[0].forms[0].publisher == "Nhà Xuất Bản Hội Nhà Văn"
    assert records[0].links[0].kind == "thumbnail"
    assert all(r.titles[0].text == __import__("unicodedata").normalize("NFC", r.titles[0].text) for r in records)


def test_rmutl_thai_tables(shared_data):
    folder = shared_data / "rmutl-thai-library-catalog"
    raws = read_path(folder / "buy_item.csv")
    assert len(raws) == data_rows(folder / "buy_item.csv") == 446
    records = map_all(raws)
    thai = next(r for r in records if r.titles[0].forms[0].script == "Thai")
    assert thai.titles[0].forms[0].lang == "tha"
    assert records[0].identifiers[0].value == "9789744669308"
    listbuy = map_all(read_path(folder / "listbuy.csv"))
    assert len(listbuy) == 12 and listbuy[0].titles[0].text == "บ้านและสวน"
    # the MARC-like field rows have no title column: a clear configuration error, not a crash
    with pytest.raises(ValueError, match="no title column"):
        read_path(folder / "databib.csv")
    marc_rows = read_path(folder / "databib.csv", {"columns": {"id": "ID", "title": "Subfield"}})
    assert len(marc_rows) == 564


def test_mapping_file_in_toml(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(
        '[columns]\nid = "番号"\ntitle = "書名"\ntitle_reading = "書名ヨミ"\ncreator = ["著者", "共著者"]\n'
        'language = "言語"\nisbn = "ISBN"\n[options]\nseparator = ";"\n',
        encoding="utf-8",
    )
    options = csv_table.load_column_mapping(mapping)
    assert options["separator"] == ";" and options["columns"]["creator"] == ["著者", "共著者"]
    data = "番号,書名,書名ヨミ,著者,共著者,言語,ISBN\n  7 ,源氏物語,ゲンジ モノガタリ,紫式部,与謝野晶子;谷崎潤一郎,jpneng,4-06-258087-X\n"
    (record,) = map_all(read_bytes(data.encode("cp932"), options), options)
    assert record.local_id == "7"  # padded with spaces in the file
    assert [(f.text, f.script) for f in record.titles[0].forms] == [("源氏物語", "Hani"), ("ゲンジ モノガタリ", "Kana")]
    assert [a.name for a in record.agents] == ["紫式部", "与謝野晶子", "谷崎潤一郎"]
    assert record.languages == ["jpn", "eng"]
    assert record.identifiers[0].value == "9784062580878"


def test_mapping_file_with_unknown_key_is_refused(tmp_path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text('[columns]\nid = "a"\nauthorz = "b"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="authorz"):
        csv_table.load_column_mapping(mapping)


def test_declared_header_missing_names_it():
    with pytest.raises(ValueError, match="'書名'"):
        read_bytes(b"id,title\n1,x\n", {"columns": {"id": "id", "title": "書名"}})


def test_bad_rows_are_errors_naming_line_and_column_and_the_rest_goes_in():
    data = "id,title,author\n1,One,A\n2,Two\n,Three,C\n4,Four,D,extra\n5,Five,E\n".encode()
    raws = read_bytes(data)
    assert [r.local_id for r in raws if not r.error] == ["1", "5"]
    errors = [r.error for r in raws if r.error]
    assert errors[0] == "t.csv line 3: 2 cells where the header has 3 (column 'author' and after are missing)"
    assert errors[1] == "t.csv line 4, column 'id': the id is empty"
    assert "line 5" in errors[2] and "after column 'author'" in errors[2]


def test_invalid_utf8_in_one_row_only_rejects_that_row():
    data = b"id,title\n1,\xe6\xba\x90\xe6\xb0\x8f\n2,bad \xff\xfe bytes\n3,ok\n"
    raws = read_bytes(data, {"encoding": "utf-8"})
    assert [r.local_id for r in raws if not r.error] == ["1", "3"]
    assert "line 3, column 'title': bytes that are not valid utf-8" in raws[1].error


def test_cr_only_line_ends_and_quoted_multiline_cells():
    data = b'id,title,notes\r1,"A\rtitle",x\r2,B,"two\r\nlines"\r'
    records = map_all(read_bytes(data))
    assert [r.titles[0].text for r in records] == ["A title", "B"]
    assert records[1].notes == ["two lines"]


def test_tsv_and_comment_rows_after_the_header():
    data = "# exported 2024\nid\ttitle\n1\t紅樓夢\n# a comment\n2\t三國演義\n".encode()
    raws = read_bytes(data, label="t.tsv")
    assert [r.local_id for r in raws] == ["1", "2"]


def test_euc_jp_and_gbk_detection():
    assert csv_table.detect_encoding("id,書名\n1,げんじものがたり\n".encode("euc_jp"))[0] == "euc_jp"
    encoding, _ = csv_table.detect_encoding(("id,书名\n" + "1,红楼梦是中国古典小说的巅峰之作\n" * 20).encode("gb18030"))
    assert encoding.replace("_", "").lower() in ("gb18030", "gbk", "gb2312")


def test_row_without_title_is_rejected_naming_the_column():
    (raw,) = read_bytes(b"id,title,author\n1,,Someone\n")
    with pytest.raises(RecordRejected, match="column title"):
        csv_table.map(raw, MapContext(source="t"))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fuzz_corrupted_bytes_never_crash_and_good_rows_survive(data):
    rows = [f"{i},紅樓夢 {i},曹雪芹" for i in range(20)]
    original = ("id,title,author\n" + "\n".join(rows) + "\n").encode("utf-8")
    start = data.draw(st.integers(len(b"id,title,author\n"), len(original)))
    garbage = data.draw(st.binary(min_size=1, max_size=8))
    corrupted = original[:start] + garbage + original[start + len(garbage):]
    raws = read_bytes(corrupted, {"encoding": "utf-8"})
    good = [r for r in raws if not r.error]
    untouched_before = original[:start].count(b"\n") - 1  # complete data rows before the damage
    assert len(good) >= untouched_before - 1
    for raw in good:
        try:
            csv_table.map(raw, MapContext(source="t"))
        except RecordRejected:
            pass


SHORT_GBK = "id,title,作者\n1,红楼梦,曹雪芹\n".encode("gbk")  # read as mac_latin2 by charset-normalizer alone
SJIS_WITHOUT_KANA = "id,書名,著者\n1,源氏物語,紫式部\n".encode("cp932")  # read as cp949 by it alone


@pytest.mark.parametrize("data", [SHORT_GBK, SJIS_WITHOUT_KANA])
def test_a_short_file_of_uncertain_encoding_is_refused_naming_the_candidates(data):
    with pytest.raises(csv_table.UncertainEncoding, match=r"t\.csv: the encoding is not certain.*GBK/GB18030.*--encoding"):
        read_bytes(data)


@pytest.mark.parametrize(
    ("data", "hint", "title"),
    [
        (SHORT_GBK, {"institution": "NLC"}, "红楼梦"),
        (SHORT_GBK, {"language": "zh-Hans"}, "红楼梦"),
        (SJIS_WITHOUT_KANA, {"institution": "NDL"}, "源氏物語"),
        (SJIS_WITHOUT_KANA, {"encoding": "cp932"}, "源氏物語"),
    ],
)
def test_the_institution_or_declared_language_or_encoding_decides(data, hint, title):
    (raw,) = read_bytes(data, hint)
    record, _ = csv_table.map(raw, MapContext(source="t"))
    assert record.titles[0].text == title


def test_an_encoding_key_in_the_column_mapping_is_used(tmp_path):
    mapping = tmp_path / "columns.toml"
    mapping.write_text('[columns]\nid = "id"\ntitle = "書名"\n[options]\nencoding = "cp932"\n', encoding="utf-8")
    (raw,) = read_bytes(SJIS_WITHOUT_KANA, csv_table.load_column_mapping(mapping))
    assert raw.payload["title"] == ["源氏物語"] and "encoding cp932 (declared)" in raw.diagnostics[0].message
