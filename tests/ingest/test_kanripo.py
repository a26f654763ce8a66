"""The Kanseki Repository's own text format, read from the shared 論語 and 孟子 (one file per juan)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tongwen.ingest import detect_format, kanripo
from tongwen.ingest.base import MapContext
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store

TEXTS = "kanripo-texts"


def juan_files(shared_data: Path, text_id: str) -> list[Path]:
    return sorted((shared_data / TEXTS / text_id).glob("*.txt"))


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "tongwen.sqlite") as opened:
        yield opened


def test_every_juan_file_is_detected(shared_data: Path) -> None:
    assert {detect_format(path).name for path in juan_files(shared_data, "KR1h0004")} == {"kanripo"}


def test_all_juan_of_a_text_are_one_item_with_every_page(shared_data: Path, store: Store) -> None:
    files = juan_files(shared_data, "KR1h0004") + juan_files(shared_data, "KR1h0001")
    summary = import_files(store, files, source="kanripo")
    assert summary.counts["added"] == 2 and summary.counts["rejected"] == 0, summary.first_problems
    lunyu = store.get("kanripo:KR1h0004")
    markers = sum(path.read_text().count("<pb:") for path in juan_files(shared_data, "KR1h0004"))
    assert len(lunyu.pages) == markers == 690
    assert lunyu.titles[0].text == "論語" and lunyu.extent == "20 juan (卷)"
    assert [page.label for page in lunyu.pages[:2]] == ["KR1h0004_CHANT_001-1a", "KR1h0004_CHANT_001-2a"]
    assert lunyu.pages[-1].label.startswith("KR1h0004_CHANT_020-")
    assert lunyu.viewing_direction == "right-to-left"
    assert {(p.lang, p.script, p.text_source) for p in lunyu.pages} == {("chi", "Hant", "transcription")}


def test_page_text_follows_the_markers_and_line_ends(shared_data: Path) -> None:
    with open(juan_files(shared_data, "KR1h0004")[0], "rb") as stream:
        [raw] = kanripo.read(stream, "KR1h0004_001.txt", {})
    record, problems = kanripo.map(raw, MapContext("kanripo"))
    first, second = record.pages[0], record.pages[1]
    # The marker stood mid-line after 不亦君子乎？」: that text ends page 1a, the next starts 2a.
    assert first.text.endswith("不亦君子乎？」") and "<pb" not in first.text
    assert "¶" not in first.text and "# src" not in second.text
    assert second.text.startswith("1.2有子曰：\n「其為人也孝弟")
    assert problems == []


def test_a_line_wrapped_without_a_pilcrow_runs_on() -> None:
    text = "# -*- mode: mandoku-view -*-\n#+TITLE: 測試\n#+PROPERTY: ID KR9z0001\n<pb:KR9z0001_X_001-1a>¶\n「弟子\n入則孝，¶\n"
    [raw] = kanripo.read(io.BytesIO(text.encode()), "KR9z0001_001.txt", {})
    record, _ = kanripo.map(raw, MapContext("t"))
    assert record.pages[0].text == "「弟子入則孝，"


def test_markers_of_another_witness_never_break_the_text() -> None:
    text = (
        "# -*- mode: mandoku-view -*-\n#+TITLE: 測試\n#+PROPERTY: ID KR9z0001\n#+PROPERTY: BASEEDITION WYG\n"
        "<pb:KR9z0001_WYG_001-1a>¶\n學而時<pb:KR9z0001_SBCK_001-3b>習之¶\n<pb:KR9z0001_WYG_001-1b>¶\n不亦說乎¶\n"
    )
    [raw] = kanripo.read(io.BytesIO(text.encode()), "KR9z0001_001.txt", {})
    record, _ = kanripo.map(raw, MapContext("t"))
    assert [(p.label, p.text) for p in record.pages] == [
        ("KR9z0001_WYG_001-1a", "學而時習之"),
        ("KR9z0001_WYG_001-1b", "不亦說乎"),
    ]


def test_a_juan_without_page_markers_is_one_page_and_said_so() -> None:
    text = "# -*- mode: mandoku-view -*-\n#+TITLE: 測試\n#+PROPERTY: ID KR9z0001\n#+PROPERTY: JUAN 3\n學而時習之¶\n"
    [raw] = kanripo.read(io.BytesIO(text.encode()), "KR9z0001_003.txt", {})
    record, problems = kanripo.map(raw, MapContext("t"))
    assert [(p.label, p.text) for p in record.pages] == [("KR9z0001_003", "學而時習之")]
    assert "juan 3 has no <pb:…> page markers" in str(problems[0])


def test_a_file_without_the_header_is_a_clear_error() -> None:
    [raw] = kanripo.read(io.BytesIO("學而時習之¶\n".encode()), "notes.txt", {})
    assert raw.error and "not a Kanseki Repository text" in raw.error


def test_juan_given_out_of_order_are_read_in_order_and_a_reimport_changes_nothing(
    shared_data: Path, store: Store
) -> None:
    files = juan_files(shared_data, "KR1h0001")
    import_files(store, [*reversed(files)], source="kanripo")
    labels = [page.label for page in store.get("kanripo:KR1h0001").pages]
    assert labels[0] == "KR1h0001_tls_001-1a" and labels[-1].startswith("KR1h0001_tls_014-")
    again = import_files(store, files, source="kanripo")
    assert again.counts["unchanged"] == 1 and again.counts["added"] == again.counts["updated"] == 0
