"""ALTO XML (v1–v4): OCR text of page images, word by word with coordinates.

An ALTO file usually holds one page of a book; the files of one book (``bsb00084914_00001.xml`` …) are one
item, read one after the other (`Format.item_key`, `tongwen.ingest.pages.item_parts`). Each ``<Page>``
becomes a `Page`:

- label: ``PRINTED_IMG_NR`` (the number printed on the page) kept verbatim, else ``PHYSICAL_IMG_NR``, else
  the page ``ID``; id: the ``ID``; size: ``WIDTH`` × ``HEIGHT``; image: ``sourceImageInformation/fileName``;
- text: ``<String CONTENT>`` joined by ``<SP/>``, ``<HYP/>`` kept as written, one line per ``<TextLine>``,
  an empty line between ``<TextBlock>``s; spaces OCR put between CJK characters are dropped;
- words: one `Word` per ``<String>`` with ``HPOS/VPOS/WIDTH/HEIGHT`` and ``WC`` (0–1) when the
  measurement unit is ``pixel`` (in ``mm10`` / ``inch1200`` boxes cannot be placed on the image without its
  resolution: they are left out, said once); a String whose coordinates are missing or not numbers keeps
  its text and loses only its box, with a warning naming page, string and attribute;
- OCR engine: ``softwareName`` + ``softwareVersion`` of the OCR processing step; confidence: the page's
  ``PC``, else the mean ``WC`` of its words.

ALTO carries no bibliographic description (that lives in METS/MODS beside it): the record's id and title
are the item's file name stem (``bsb00084914``), said in an info note. The original kept is the
``<Description>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, BinaryIO

from lxml import etree

from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.ingest.pages import finish_page, item_parts, join_cjk_words, numbered_item_key, unique_labels
from tongwen.ingest.xmlsafe import iter_elements, local_name
from tongwen.model import Form, Page, PageImage, Provenance, Record, Title, Word

_SNIFF = re.compile(rb"<(?:\w+:)?alto[\s>][^>]*(?:loc\.gov/standards/alto|schema\.ccs-gmbh\.com/ALTO)")
_BOX = ("HPOS", "VPOS", "WIDTH", "HEIGHT")


def sniff(head: bytes, name: str) -> bool:
    return bool(_SNIFF.search(head)) or (b"<alto" in head[:2000] and b"<Layout" in head)


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """One `RawRecord` for the item (all files handed together), payload: its pages and what was wrong."""
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    originals: list[str] = []
    for name, part in item_parts(stream, label):
        description: dict[str, Any] = {"unit": "pixel", "engine": None, "image": None}
        for element in iter_elements(part, ["Description", "Page"]):
            if local_name(element.tag) == "Description":
                description = _description(element)
                originals.append(etree.tostring(element, encoding="unicode"))
                if description["unit"] != "pixel":
                    problems.append(
                        Diagnostic(
                            f"{name}: coordinates are in {description['unit']}, not pixels; word boxes are "
                            "left out (the text is kept)",
                            "MeasurementUnit",
                            "info",
                        )
                    )
            else:
                page, found = _page(element, description, name, len(pages) + 1)
                pages.append(page)
                problems.extend(found)
    key = numbered_item_key(label.split(" … ")[0]) or PurePath(label).stem
    yield RawRecord(
        f"{label} item {key}",
        payload={"key": key, "pages": pages, "problems": problems},
        original="\n".join(originals) or None,
        local_id=key,
    )


def _first(element: etree._Element, *path: str) -> etree._Element | None:
    """The first descendant reached by local names ``path`` (ALTO's namespace changes with its version)."""
    nodes = [element]
    for name in path:
        nodes = [child for node in nodes for child in node.iter() if local_name(child.tag) == name]
        if not nodes:
            return None
    return nodes[0]


def _description(element: etree._Element) -> dict[str, Any]:
    unit = _first(element, "MeasurementUnit")
    image = _first(element, "sourceImageInformation", "fileName")
    step = _first(element, "ocrProcessingStep")
    if step is None:
        step = _first(element, "Processing")  # ALTO 4
    software = _first(step, "processingSoftware") if step is not None else None
    engine = None
    if software is not None:
        parts = [_first(software, name) for name in ("softwareName", "softwareVersion")]
        engine = " ".join((part.text or "").strip() for part in parts if part is not None).strip() or None
    return {
        "unit": ((unit.text or "pixel").strip() if unit is not None else "pixel") or "pixel",
        "engine": engine,
        "image": (image.text or "").strip() or None if image is not None else None,
    }


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _page(
    element: etree._Element, description: dict[str, Any], name: str, number: int
) -> tuple[Page, list[Diagnostic]]:
    labels = [(element.get(key) or "").strip() for key in ("PRINTED_IMG_NR", "PHYSICAL_IMG_NR", "ID")]
    label = next((value for value in labels if value), str(number))
    width, height = _number(element.get("WIDTH")), _number(element.get("HEIGHT"))
    pixels = description["unit"] == "pixel"
    page = Page(
        label,
        id=element.get("ID"),
        image=PageImage(description["image"], "file") if description["image"] else None,
        width=int(width) if width and pixels else None,
        height=int(height) if height and pixels else None,
        text_source="ocr",
        ocr_engine=description["engine"],
    )
    problems: list[Diagnostic] = []
    lines: list[str] = []
    confidences: list[float] = []
    for block in (node for node in element.iter() if local_name(node.tag) == "TextBlock"):
        for line in (node for node in block.iter() if local_name(node.tag) == "TextLine"):
            pieces: list[str] = []
            for node in line:
                kind = local_name(node.tag)
                if kind == "SP":
                    pieces.append(" ")
                elif kind == "HYP":
                    pieces.append(node.get("CONTENT") or "-")
                elif kind == "String":
                    content = node.get("CONTENT") or ""
                    pieces.append(content)
                    confidence = _number(node.get("WC"))
                    if confidence is not None and 0 <= confidence <= 1:
                        confidences.append(confidence)
                    if pixels and content.strip():
                        word, problem = _word(node, content, confidence, label)
                        if word is not None:
                            page.words.append(word)
                        if problem is not None:
                            problems.append(problem)
            lines.append(join_cjk_words("".join(pieces)))
        lines.append("")
    page.text = "\n".join(lines)
    page_confidence = _number(element.get("PC"))
    if page_confidence is not None and 0 <= page_confidence <= 1:
        page.ocr_confidence = page_confidence
    elif confidences:
        page.ocr_confidence = round(sum(confidences) / len(confidences), 3)
    return page, problems


def _word(
    node: etree._Element, content: str, confidence: float | None, label: str
) -> tuple[Word | None, Diagnostic | None]:
    values = [_number(node.get(key)) for key in _BOX]
    broken = [key for key, value in zip(_BOX, values) if value is None or value < 0]
    if broken:
        where = node.get("ID") or repr(content)
        return None, Diagnostic(
            f"page {label!r}, string {where}: {', '.join(broken)} missing or not a number; its text is kept "
            "without a box",
            f"String/@{broken[0]}",
        )
    x, y, w, h = (int(round(value)) for value in values)  # type: ignore[arg-type]
    return Word(content, x, y, w, h, confidence), None


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
    payload: dict[str, Any] = raw.payload
    if not payload["pages"]:
        raise RecordRejected("no <Page> in the ALTO file(s)", "Layout/Page")
    key = payload["key"]
    record = Record(source=ctx.source, local_id=key, institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "alto", position=raw.position, original=raw.original)
    record.titles = [Title([Form(key)])]
    diagnostics = [
        *payload["problems"],
        Diagnostic(f"ALTO has no bibliographic description; the item is named by its file name {key!r}", None, "info"),
    ]
    for page in payload["pages"]:
        _, found = finish_page(page, source="ocr")
        diagnostics.extend(found)
    record.languages = sorted({page.lang for page in payload["pages"] if page.lang})
    record.pages = payload["pages"]
    diagnostics.extend(unique_labels(record.pages))
    return record, diagnostics


FORMAT = Format(
    name="alto",
    description="ALTO XML OCR text with word coordinates (v1–v4); the page files of one book are one item",
    sniff=sniff,
    read=read,
    map=map,
    item_key=numbered_item_key,
)
