"""hOCR (HTML with OCR properties, as Tesseract, OCRopus and Kraken write it): page text with word boxes.

One file is one item; its ``ocr_page`` elements are its pages (several hOCR files of one book, named with a
running number, are one item too, as for ALTO). From the hOCR 1.2 properties in ``title``:

- page: ``bbox 0 0 W H`` → size, ``image "…"`` → image file; label: the page's ``id`` (``page_1``) as
  written, else its number in order;
- words: each ``ocrx_word`` with its ``bbox x0 y0 x1 y1`` (stored as x, y, w, h) and ``x_wconf`` (0–100,
  stored 0–1); a word with a broken bbox keeps its text without a box, with a warning;
- text: words of a line (``ocr_line``, ``ocrx_line``, ``ocr_textfloat``, ``ocr_header``, ``ocr_caption``)
  joined by spaces (none between CJK characters), one line per line, an empty line between paragraphs;
- language: the ``lang`` of paragraphs and words (Tesseract's ``jpn``, ``chi_tra``, ``kor``); engine: the
  ``ocr-system`` meta; confidence: the mean ``x_wconf`` of the page's words.

Parsed with lxml's HTML parser (no DTD, no entities, no network: hOCR is often XHTML with a DOCTYPE).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, BinaryIO

from lxml import etree
from lxml import html as lxml_html

from tongwen.ingest import common_rules as rules
from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.ingest.pages import finish_page, item_parts, join_cjk_words, numbered_item_key, unique_labels
from tongwen.model import Form, Page, PageImage, Provenance, Record, Title, Word

_LINES = {"ocr_line", "ocrx_line", "ocr_textfloat", "ocr_header", "ocr_caption"}
_BBOX = re.compile(r"\bbbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_IMAGE = re.compile(r'\bimage\s+"([^"]*)"')
_WCONF = re.compile(r"\bx_wconf\s+(-?[\d.]+)")
_MAX_FILE = 50_000_000  # an hOCR file is parsed whole; a bigger one is refused rather than filling memory


def sniff(head: bytes, name: str) -> bool:
    return b"ocr_page" in head or b"ocr-system" in head or b"ocr-capabilities" in head


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    langs: list[str] = []
    for name, part in item_parts(stream, label):
        data = part.read(_MAX_FILE + 1)
        if len(data) > _MAX_FILE:
            yield RawRecord(f"{name}", error=f"{name}: larger than {_MAX_FILE:,} bytes; not read")
            return
        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, encoding="utf-8")
        document = lxml_html.document_fromstring(data, parser=parser)
        engine = next((m.get("content") for m in document.iter("meta") if m.get("name") == "ocr-system"), None)
        for element in document.iter():
            if isinstance(element.tag, str) and "ocr_page" in _classes(element):
                page, found = _page(element, len(pages) + 1, engine, langs)
                pages.append(page)
                problems.extend(found)
    key = numbered_item_key(label.split(" … ")[0]) or PurePath(label).stem
    yield RawRecord(f"{label} item {key}", payload={"key": key, "pages": pages, "problems": problems,
                                                     "langs": langs}, local_id=key)


def _page(element: etree._Element, number: int, engine: str | None, langs: list[str]) -> tuple[Page, list[Diagnostic]]:
    title = element.get("title") or ""
    label = (element.get("id") or "").strip() or str(number)
    page = Page(label, id=element.get("id"), text_source="ocr", ocr_engine=engine)
    box = _BBOX.search(title)
    if box:
        page.width, page.height = int(box.group(3)) - int(box.group(1)), int(box.group(4)) - int(box.group(2))
    image = _IMAGE.search(title)
    if image and image.group(1).strip() and image.group(1) != "unknown":
        page.image = PageImage(image.group(1).strip(), "file")
    problems: list[Diagnostic] = []
    confidences: list[float] = []
    paragraphs: list[str] = []
    for paragraph in _descendants_with(element, {"ocr_par"}) or [element]:
        lang = paragraph.get("lang")
        if lang:
            langs.append(lang)
        lines = []
        for line in _descendants_with(paragraph, _LINES) or [paragraph]:
            words = []
            for node in _descendants_with(line, {"ocrx_word"}):
                text = " ".join(node.text_content().split())
                if not text:
                    continue
                words.append(text)
                if node.get("lang"):
                    langs.append(node.get("lang"))
                word, problem = _word(node, text, label)
                if word is not None:
                    page.words.append(word)
                    if word.confidence is not None:
                        confidences.append(word.confidence)
                if problem is not None:
                    problems.append(problem)
            lines.append(join_cjk_words(" ".join(words)))
        paragraphs.append("\n".join(lines))
    page.text = "\n\n".join(paragraphs)
    if confidences:
        page.ocr_confidence = round(sum(confidences) / len(confidences), 3)
    return page, problems


def _descendants_with(element: etree._Element, classes: set[str]) -> list[etree._Element]:
    return [node for node in element.iter() if node is not element and isinstance(node.tag, str)
            and _classes(node) & classes]


def _word(node: etree._Element, text: str, label: str) -> tuple[Word | None, Diagnostic | None]:
    title = node.get("title") or ""
    box = _BBOX.search(title)
    confidence = _WCONF.search(title)
    value = float(confidence.group(1)) / 100 if confidence else None
    if value is not None and not 0 <= value <= 1:
        value = None
    if box is None:
        return None, Diagnostic(f"page {label!r}, word {node.get('id') or text!r}: no bbox; its text is kept "
                                "without a box", "ocrx_word/@title bbox")
    x0, y0, x1, y1 = (int(group) for group in box.groups())
    if x1 < x0 or y1 < y0 or min(x0, y0) < 0:
        return None, Diagnostic(f"page {label!r}, word {node.get('id') or text!r}: bbox {x0} {y0} {x1} {y1} is "
                                "not a box; its text is kept without one", "ocrx_word/@title bbox")
    return Word(text, x0, y0, x1 - x0, y1 - y0, value), None


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
    payload: dict[str, Any] = raw.payload
    if not payload["pages"]:
        raise RecordRejected("no ocr_page in the hOCR file(s)", "ocr_page")
    key = payload["key"]
    codes = [code for code in (rules.parse_lang_tag(tag).lang for tag in payload["langs"]) if code]
    cjk = [code for code in codes if code in ("chi", "jpn", "kor")]
    lang = max(set(cjk or codes), key=(cjk or codes).count) if codes else None
    record = Record(source=ctx.source, local_id=key, institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "hocr", position=raw.position)
    record.titles = [Title([Form(key)])]
    record.languages = [lang] if lang else []
    diagnostics = [
        *payload["problems"],
        Diagnostic(f"hOCR has no bibliographic description; the item is named by its file name {key!r}", None, "info"),
    ]
    for page in payload["pages"]:
        diagnostics.extend(finish_page(page, lang=lang, source="ocr")[1])
    record.pages = payload["pages"]
    diagnostics.extend(unique_labels(record.pages))
    return record, diagnostics


FORMAT = Format(
    name="hocr",
    description="hOCR (HTML OCR output with word boxes, e.g. Tesseract); the page files of one book are one item",
    sniff=sniff,
    read=read,
    map=map,
    item_key=numbered_item_key,
)
