"""Kanseki Repository (漢籍リポジトリ) texts: the repository's own plain-text format ("mandoku").

One file per juan (卷), each starting with a header::

    # -*- mode: mandoku-view -*-
    #+TITLE: 論語
    #+PROPERTY: ID KR1h0004
    #+PROPERTY: BASEEDITION CHANT
    #+PROPERTY: JUAN 1
    <pb:KR1h0004_CHANT_001-1a>¶
    ** 1 《學而篇第一》
    1.1子曰：¶
    不亦君子乎？」<pb:KR1h0004_CHANT_001-2a>¶

How it is read:

- ``<pb:TEXT_WITNESS_JUAN-LEAF>`` starts a page, wherever it stands in a line; its content is the page label,
  kept verbatim (``KR1h0004_CHANT_001-2a``). Markers of another witness than the base edition are dropped
  from the text (they belong to another edition's pagination), so they never break a phrase.
- ``¶`` ends a line of the original; a line break without ``¶`` is only the file's wrapping, so the text
  runs on. Empty lines are paragraph breaks, ``*`` lines are headings (kept as a line of text), ``#+``
  lines are the header, other ``#`` lines (``# src:``, ``# dating:``) are editors' comments, left out.
- Several files of one text (``KR1h0004_001.txt`` … ``_020.txt``) are one item: the import hands them to
  the reader together (`item_key`), and consecutive juan with the same ``ID`` become one record whose pages
  run through all of them. Memory holds one text at a time.

The record: ``ID`` → local id, ``TITLE`` → the main title (Classical Chinese, ``chi``), ``CAT`` → subjects
(scheme ``kanripo``), the number of juan → extent, the base edition → a note, a link to the text on
kanripo.org; pages read right to left. The original kept in provenance is the first file's header (the
text itself is in the pages).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.ingest.pages import finish_page, numbered_item_key, unique_labels
from tongwen.model import Form, Link, Page, Provenance, Record, Subject, Title

MODE_LINE = "-*- mode: mandoku-view -*-"
_PAGE_MARKER = re.compile(r"<pb:([^>\s]+)>")
_OTHER_MARKER = re.compile(r"<[a-z]+:[^>]*>")  # other mandoku inline markers (<md:…>): never text
_PROPERTY = re.compile(r"^#\+(\w+):\s*(.*?)\s*$")


def sniff(head: bytes, name: str) -> bool:
    return b"mode: mandoku" in head[:200] or (b"#+PROPERTY: ID KR" in head and b"<pb:" in head)


@dataclass(slots=True)
class _Text:
    """One text being read: its header, its pages so far, and the page being filled."""

    text_id: str
    title: str | None = None
    base_edition: str | None = None
    categories: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    juan: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    label: str | None = None  # of the page being filled
    buffer: list[str] = field(default_factory=list)

    def start_page(self, label: str) -> None:
        self.end_page()
        self.label = label

    def end_page(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        if self.label is None:
            if text.strip():  # text before the first marker of a juan opens that juan's first page
                self.buffer = [text]
            return
        page, problems = finish_page(  # the repository transcribes in traditional characters
            Page(self.label, text=text, script="Hant"), lang="chi", source="transcription"
        )
        self.pages.append(page)
        self.diagnostics.extend(problems)
        self.label = None

    def end_juan(self) -> None:
        self.end_page()
        if self.buffer:  # a juan with text but no page marker: one page, said so
            juan = self.juan[-1] if self.juan else str(len(self.juan))
            label = f"{self.text_id}_{juan.zfill(3)}"
            self.diagnostics.append(
                Diagnostic(f"juan {juan} has no <pb:…> page markers; its text is one page, {label!r}", "pb")
            )
            self.label = label
            self.end_page()


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """One `RawRecord` per text (payload: the `_Text`), however many juan files it spans."""
    lines = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline=None)
    current: _Text | None = None
    in_header = False
    header: list[str] = []
    properties: dict[str, list[str]] = {}
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.rstrip("\n")
        if MODE_LINE in line and line.startswith("#"):
            if current is not None:
                current.end_juan()
            in_header, header, properties = True, [line], {}
            continue
        if in_header and line.startswith("#+"):
            header.append(line)
            match = _PROPERTY.match(line)
            if match:
                key, value = match.group(1).upper(), match.group(2)
                if key == "PROPERTY":
                    key, _, value = value.partition(" ")
                    key, value = key.upper(), value.strip()
                properties.setdefault(key, []).append(value)
            continue
        if in_header:
            in_header = False
            text_id = _text_id(properties, label)
            if current is not None and current.text_id != text_id:
                yield _raw(current, label)
                current = None
            if current is None:
                current = _Text(text_id, header=header)
                current.title = (properties.get("TITLE") or [None])[0]
                current.base_edition = (properties.get("BASEEDITION") or [None])[0]
                current.categories = [c.strip() for c in ",".join(properties.get("CAT", [])).split(",")]
            juan_numbers = [value for value in properties.get("JUAN", []) if value.isdigit()]
            current.juan.append(juan_numbers[0] if juan_numbers else str(len(current.juan) + 1))
        if current is None:
            yield RawRecord(
                f"{label} line {number}",
                error=f"{label}: not a Kanseki Repository text (no '# {MODE_LINE}' header before line {number})",
            )
            return
        _body_line(current, line)
    if current is not None:
        current.end_juan()
        yield _raw(current, label)


def _text_id(properties: dict[str, list[str]], label: str) -> str:
    """The text's ``ID`` property: the Kanripo one (``KR…``) when a witness adds its own (``H15-21-0081``)."""
    ids = properties.get("ID", [])
    fallback = ids[0] if ids else numbered_item_key(label) or label
    return next((value for value in ids if value.startswith("KR")), fallback)


def _body_line(text: _Text, line: str) -> None:
    stripped = line.strip()
    if not stripped:
        text.buffer.append("\n")  # paragraph break
        return
    if stripped.startswith("#"):
        return  # editors' comments (# src:, # dating:) and stray header lines
    if stripped.startswith("*"):
        text.buffer.append(stripped.lstrip("*").strip() + "\n")
        return
    position = 0
    for match in _PAGE_MARKER.finditer(line):
        text.buffer.append(_clean(line[position : match.start()]))
        position = match.end()
        marker = match.group(1)
        if _is_base_edition(marker, text):
            text.start_page(marker)
    text.buffer.append(_clean(line[position:]))


def _clean(segment: str) -> str:
    return _OTHER_MARKER.sub("", segment).replace("¶", "\n")


def _is_base_edition(marker: str, text: _Text) -> bool:
    parts = marker.split("_")
    if len(parts) < 3 or not text.base_edition:
        return True
    return parts[1].lower() == text.base_edition.lower()


def _raw(text: _Text, label: str) -> RawRecord:
    return RawRecord(
        position=f"{label} text {text.text_id}",
        payload=text,
        original="\n".join(text.header),
        local_id=text.text_id,
    )


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
    text: _Text = raw.payload
    if not text.pages:
        raise RecordRejected(f"the text {text.text_id} has no pages", "pb")
    if not text.title:
        raise RecordRejected(f"the text {text.text_id} has no title", "#+TITLE")
    record = Record(source=ctx.source, local_id=text.text_id, institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "kanripo", position=raw.position, original=raw.original)
    record.titles = [Title([Form(text.title, "Hant", "chi")])]
    record.languages = ["chi"]
    record.content_type = "book"
    record.subjects = [
        Subject(term, scheme="kanripo") for term in text.categories if term and not term[:1].isdigit()
    ]
    record.extent = f"{len(text.juan)} juan (卷)"
    if text.base_edition:
        record.notes.append(f"Base edition: {text.base_edition}")
    record.links = [Link(f"https://www.kanripo.org/text/{text.text_id}/", "landing", "Kanseki Repository")]
    record.pages = text.pages
    record.viewing_direction = "right-to-left"
    return record, [*text.diagnostics, *unique_labels(text.pages)]


FORMAT = Format(
    name="kanripo",
    description="Kanseki Repository text (mandoku: '#+PROPERTY' header, <pb:…> page markers), one file per juan",
    sniff=sniff,
    read=read,
    map=map,
    item_key=numbered_item_key,
)
