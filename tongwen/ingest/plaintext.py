"""Plain text whose pages are separated by form feeds (``\\f``, as ``pdftotext`` and many OCR exports write).

The file is one item; each form feed starts a new page, labelled by its number in the file (``1``, ``2`` …:
a plain text carries no page labels of its own). The record's id is the file name stem and its title the
first line of text. Pages are read one at a time, so a large file streams. A ``.txt`` file is recognised as
this format only when it contains a form feed; one without (``--format text``) is read as a single page,
with a warning. Text is UTF-8 (a BOM is allowed); bytes that are not are replaced and reported.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, BinaryIO

from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.ingest.common_rules import text_script
from tongwen.ingest.pages import finish_page, numbered_item_key
from tongwen.model import Form, Page, Provenance, Record, Title

FORM_FEED = "\f"
_CHUNK = 1 << 16
MAX_TITLE = 200


def sniff(head: bytes, name: str) -> bool:
    return name.lower().endswith(".txt") and b"\f" in head and b"mode: mandoku" not in head[:200]


def _pages(stream: BinaryIO) -> Iterator[tuple[str, bool]]:
    """(page text, had undecodable bytes) for each form-feed-separated page, one chunk of the file at a time."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    pending = ""
    while True:
        chunk = stream.read(_CHUNK)
        pending += decoder.decode(chunk, final=not chunk)
        *complete, pending = pending.split(FORM_FEED)
        for text in complete:
            yield text, "\ufffd" in text
        if not chunk:
            break
    yield pending, "\ufffd" in pending


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for number, (text, damaged) in enumerate(_pages(stream), start=1):
        if damaged:
            problems.append(
                Diagnostic(f"page {number} has bytes that are not UTF-8; they were replaced", f"page {number} text")
            )
        page, found = finish_page(Page(str(number), text=text))
        problems.extend(found)
        pages.append(page)
    while pages and not pages[-1].text:  # a trailing form feed is no page
        pages.pop()
    if len(pages) == 1:
        problems.append(Diagnostic("no form feeds in the file: read as a single page", "page breaks"))
    key = numbered_item_key(label) or PurePath(label).stem
    yield RawRecord(f"{label}", payload={"key": key, "pages": pages, "problems": problems}, local_id=key)


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
    payload: dict[str, Any] = raw.payload
    pages: list[Page] = payload["pages"]
    first_line = next((line.strip() for page in pages for line in (page.text or "").split("\n") if line.strip()), None)
    if first_line is None:
        raise RecordRejected("the file has no text", "text")
    title = first_line[:MAX_TITLE]
    record = Record(source=ctx.source, local_id=payload["key"], institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "text", position=raw.position)
    record.titles = [Title([Form(title, text_script(title))])]
    record.languages = sorted({page.lang for page in pages if page.lang})
    record.pages = pages
    return record, list(payload["problems"])


FORMAT = Format(
    name="text",
    description="plain text, pages separated by form feeds (one item per file)",
    sniff=sniff,
    read=read,
    map=map,
)
