"""Readers of page-bearing formats: TEI P5 with <pb/> (a real CBETA text), ALTO, plain text with form feeds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tongwen.ingest import alto, detect_format, hocr, plaintext, tei
from tongwen.ingest.base import MapContext
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
HEART_SUTRA = FIXTURES / "T08n0251.xml"


def mapped(fmt, data: bytes, label: str):
    [raw] = list(fmt.read(io.BytesIO(data), label, {}))
    return fmt.map(raw, MapContext("test"))


# ---- TEI ------------------------------------------------------------------------------------------------


def test_tei_pages_are_the_text_between_page_beginnings() -> None:
    assert detect_format(HEART_SUTRA).name == "tei"
    record, problems = mapped(tei, HEART_SUTRA.read_bytes(), HEART_SUTRA.name)
    assert record.local_id == "T08n0251" and problems == []
    assert [(p.label, p.id) for p in record.pages] == [
        ("0848a", "T08.0251.0848a"),
        ("0848b", "T08.0251.0848b"),
        ("0848c", "T08.0251.0848c"),
    ]
    assert record.titles[0].text == "大正新脩大藏經數位版, No. 251 般若波羅蜜多心經"
    assert record.agents[0].name == "唐 玄奘譯" and record.languages == ["chi"]
    # A sentence running over a <pb/> is split where the page turns: 唐之 | 玄宗.
    assert record.pages[0].text.endswith("漢之武帝，唐之") and record.pages[1].text.startswith("玄宗，")
    assert {(p.script, p.lang, p.text_source) for p in record.pages} == {("Hant", "chi", "transcription")}


def test_tei_line_beginnings_anchors_and_apparatus_never_break_or_pollute_the_text() -> None:
    record, _ = mapped(tei, HEART_SUTRA.read_bytes(), HEART_SUTRA.name)
    sutra = record.pages[2].text
    assert "照見五\n蘊皆空" in sutra  # <lb/> is a line end, the XML's own newline is not text
    assert "揭帝\u3000揭帝\u3000般羅揭帝" in sutra  # <anchor/>s inside 揭<anchor/>帝 leave no trace
    assert "諦" not in sutra and "薩婆" not in sutra  # variant readings of the <back> apparatus stay out
    assert "大明太祖高皇帝御製序" not in record.pages[0].text  # CBETA's table-of-contents label (cb:mulu)


def test_tei_without_page_beginnings_is_one_page_and_said_so() -> None:
    data = (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>論語</title>'
        "</titleStmt></fileDesc></teiHeader><text><body><p>學而時習之</p></body></text></TEI>"
    ).encode()
    record, problems = mapped(tei, data, "lunyu.xml")
    assert [(p.label, p.text) for p in record.pages] == [("1", "學而時習之")]
    assert "no <pb/>" in str(problems[0])


def test_tei_line_boxes_source_date_and_romanized_title() -> None:
    """What the demo's digitised items use: a box per column in <lb facs="#xywh=…"/>, the source's date in
    sourceDesc, the title's romanization as another form of it."""
    data = (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
        '<title xml:lang="ja">方丈記</title><title xml:lang="ja-Latn">Hōjōki</title><author>鴨長明</author>'
        '</titleStmt><sourceDesc><bibl><date when="1212">建暦2 [1212]</date><publisher>書肆</publisher>'
        '<pubPlace>京</pubPlace></bibl></sourceDesc></fileDesc></teiHeader><text xml:lang="ja"><body>'
        '<p><pb n="1オ" facs="pages/01.jpg"/><lb facs="#xywh=855,110,64,192"/>方丈記</p>'
        '<p><lb facs="#xywh=769,110,64,1152"/>ゆく河の流れは\n  絶えずして<lb facs="#xywh=1,2,3"/>しかも</p>'
        "</body></text></TEI>"
    ).encode()
    record, problems = mapped(tei, data, "hojoki.tei.xml")
    assert [(form.text, form.script) for form in record.titles[0].forms] == [("方丈記", "Hani"), ("Hōjōki", "Latn")]
    assert (record.date_display, record.year_from) == ("建暦2 [1212]", 1212)
    assert (record.publications[0].forms[0].publisher, record.publications[0].forms[0].place) == ("書肆", "京")
    [page] = record.pages
    assert page.text == "方丈記\n\nゆく河の流れは絶えずして\nしかも"
    assert [(w.text, w.x, w.y, w.w, w.h) for w in page.words] == [
        ("方丈記", 855, 110, 64, 192), ("ゆく河の流れは絶えずして", 769, 110, 64, 1152)]
    assert [p.field for p in problems] == ["lb/@facs"] and "'1オ'" in problems[0].message


def test_tei_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x "boom">]>'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p></body></text></TEI>'
    )
    with Store.open(":memory:") as store:
        summary = import_files(store, [path], source="t", format="tei")
    assert summary.counts["added"] == 0 and "entities" in str(summary.first_problems[0])


# ---- ALTO -----------------------------------------------------------------------------------------------


def alto_page(number: int, strings: str, unit: str = "pixel", namespace: str = "ns-v4#") -> bytes:
    """An ALTO document of one page, as an OCR engine writes it (ALTO 4 elements, any namespace version)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/{namespace}">
  <Description>
    <MeasurementUnit>{unit}</MeasurementUnit>
    <sourceImageInformation><fileName>T08n0251_{number:04}.jpg</fileName></sourceImageInformation>
    <OCRProcessing ID="OCR_0"><ocrProcessingStep><processingSoftware>
      <softwareName>Tesseract</softwareName><softwareVersion>5.3.0</softwareVersion>
    </processingSoftware></ocrProcessingStep></OCRProcessing>
  </Description>
  <Layout>
    <Page ID="P{number}" PHYSICAL_IMG_NR="{number}" PRINTED_IMG_NR="848{'abc'[number - 1]}" WIDTH="1600" HEIGHT="2400">
      <PrintSpace><TextBlock ID="B{number}"><TextLine ID="L{number}">{strings}</TextLine></TextBlock></PrintSpace>
    </Page>
  </Layout>
</alto>""".encode()


SUTRA_STRINGS = (
    '<String ID="S1" CONTENT="觀自在" HPOS="1400" VPOS="100" WIDTH="60" HEIGHT="180" WC="0.97"/><SP/>'
    '<String ID="S2" CONTENT="菩薩" HPOS="1400" VPOS="290" WIDTH="60" HEIGHT="120" WC="0.91"/>'
)


def test_alto_gives_text_word_boxes_engine_and_confidence() -> None:
    record, problems = mapped(alto, alto_page(3, SUTRA_STRINGS), "T08n0251_0003.xml")
    [page] = record.pages
    assert (page.label, page.id, page.width, page.height) == ("848c", "P3", 1600, 2400)
    assert page.text == "觀自在菩薩"  # the space OCR put between CJK words is not text
    assert [(w.text, w.x, w.y, w.w, w.h, w.confidence) for w in page.words] == [
        ("觀自在", 1400, 100, 60, 180, 0.97),
        ("菩薩", 1400, 290, 60, 120, 0.91),
    ]
    assert (page.text_source, page.ocr_engine, page.ocr_confidence) == ("ocr", "Tesseract 5.3.0", 0.94)
    assert page.image.url == "T08n0251_0003.jpg" and page.image.kind == "file"


def test_alto_pages_of_one_book_are_one_item(tmp_path: Path) -> None:
    for number in (1, 2, 3):
        (tmp_path / f"T08n0251_{number:04}.xml").write_bytes(alto_page(number, SUTRA_STRINGS, namespace="ns-v2#"))
    with Store.open(":memory:") as store:
        summary = import_files(store, sorted(tmp_path.glob("*.xml")), source="ocr")
        assert summary.counts["added"] == 1, summary.first_problems
        assert [p.label for p in store.get("ocr:T08n0251").pages] == ["848a", "848b", "848c"]


def test_alto_broken_coordinates_lose_the_box_not_the_text() -> None:
    strings = '<String ID="S9" CONTENT="般若" HPOS="x12" VPOS="10" WIDTH="40" HEIGHT="80"/>'
    record, problems = mapped(alto, alto_page(1, strings), "p.xml")
    assert record.pages[0].text == "般若" and record.pages[0].words == []
    assert any("page '848a', string S9: HPOS" in str(p) and p.field == "String/@HPOS" for p in problems)


def test_alto_in_tenths_of_millimetres_keeps_text_without_boxes() -> None:
    record, problems = mapped(alto, alto_page(1, SUTRA_STRINGS, unit="mm10"), "p.xml")
    assert record.pages[0].text == "觀自在菩薩" and record.pages[0].words == []
    assert any(p.field == "MeasurementUnit" for p in problems)


# ---- plain text -----------------------------------------------------------------------------------------


def test_plain_text_pages_are_split_at_form_feeds(tmp_path: Path) -> None:
    path = tmp_path / "rongo.txt"
    path.write_text("論語 學而第一\n子曰學而時習之\f不亦說乎\f有朋自遠方來\f", encoding="utf-8")
    assert detect_format(path).name == "text"
    record, problems = mapped(plaintext, path.read_bytes(), path.name)
    assert [(p.label, p.text) for p in record.pages] == [
        ("1", "論語 學而第一\n子曰學而時習之"),
        ("2", "不亦說乎"),
        ("3", "有朋自遠方來"),
    ]
    assert record.titles[0].text == "論語 學而第一" and problems == []


def test_plain_text_without_form_feeds_is_one_page_with_a_warning() -> None:
    record, problems = mapped(plaintext, "學而時習之".encode(), "one.txt")
    assert len(record.pages) == 1 and "no form feeds" in str(problems[0])


@pytest.mark.parametrize("size", [plaintext._CHUNK - 1, plaintext._CHUNK, plaintext._CHUNK + 1])
def test_plain_text_streams_across_chunk_boundaries(size: int) -> None:
    data = ("學" * (size // 3)).encode() + b"\f" + "習".encode()
    record, _ = mapped(plaintext, data, "big.txt")
    assert [len(p.text) for p in record.pages] == [size // 3, 1]


# ---- hOCR -----------------------------------------------------------------------------------------------

HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head><title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='tesseract 5.3.0'/>
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>
 </head>
 <body>
  <div class='ocr_page' id='page_1' title='image "T08n0251_0003.png"; bbox 0 0 1600 2400; ppageno 0'>
   <p class='ocr_par' id='par_1_1' lang='chi_tra' title="bbox 100 100 1500 400">
    <span class='ocr_line' id='line_1_1' title="bbox 100 100 1500 160">
     <span class='ocrx_word' id='word_1_1' title='bbox 100 100 160 160; x_wconf 96'>觀</span>
     <span class='ocrx_word' id='word_1_2' title='bbox 160 100 220 160; x_wconf 90'>自</span>
     <span class='ocrx_word' id='word_1_3' title='bbox 220 100 280 160; x_wconf 93'>在</span>
    </span>
    <span class='ocr_line' id='line_1_2' title="bbox 100 170 1500 230">
     <span class='ocrx_word' id='word_1_4' title='bbox 100 170 220 230; x_wconf 81'>菩薩</span>
     <span class='ocrx_word' id='word_1_5' title='x_wconf 70'>行</span>
    </span>
   </p>
  </div>
 </body>
</html>"""


def test_hocr_gives_lines_word_boxes_language_and_engine(tmp_path: Path) -> None:
    path = tmp_path / "T08n0251_0003.hocr"
    path.write_text(HOCR, encoding="utf-8")
    assert detect_format(path).name == "hocr"
    record, problems = mapped(hocr, path.read_bytes(), path.name)
    [page] = record.pages
    assert (page.label, page.width, page.height, page.image.url) == ("page_1", 1600, 2400, "T08n0251_0003.png")
    assert page.text == "觀自在\n菩薩行" and record.languages == ["chi"]
    assert [(w.text, w.x, w.y, w.w, w.h, w.confidence) for w in page.words][:2] == [
        ("觀", 100, 100, 60, 60, 0.96),
        ("自", 160, 100, 60, 60, 0.9),
    ]
    assert (page.ocr_engine, page.ocr_confidence, page.text_source) == ("tesseract 5.3.0", 0.9, "ocr")
    assert any("word 'word_1_5': no bbox" in str(p) for p in problems)  # kept as text, without a box
