"""TEI P5 texts with page beginnings (``<pb/>``): one ``<TEI>`` document is one item, its pages the stretches
of text between one ``<pb/>`` and the next.

How the text is read (the CBETA Taishō fixture in tests/ingest/fixtures/pages shows most of it):

- ``<pb n="0848a" xml:id="…" facs="…"/>`` starts a page: ``n`` is the label kept verbatim (else ``xml:id``,
  else the page's number in order), ``xml:id`` the page id, ``facs`` its image. A ``<pb/>`` of another
  edition (``ed`` other than the first page's) only marks that edition's pagination and is dropped, so it
  never splits a page or a phrase. Text before the first ``<pb/>`` belongs to the first page.
- ``<lb/>`` ends a line; ``<lb facs="#xywh=x,y,w,h"/>`` also gives the box (page pixels, the Media Fragments
  form) of the line or column it begins, kept as one `Word` of the page for highlighting hits on the image
  (a box that is not four whole numbers is dropped with a warning naming the page). The XML's own line breaks and indentation are layout, not text (between CJK
  characters they vanish, elsewhere they are one space). Inline milestones (``<anchor/>``, ``<milestone/>``)
  leave no trace.
- Editorial matter is left out of the page text: ``<note>``, the ``<back>`` (apparatus), readings and
  originals beside their lemma or correction (``<rdg>``, ``<sic>``, ``<orig>``, ``<abbr>`` inside ``<app>``
  / ``<choice>``), forme work (``<fw>``), figure descriptions, CBETA's table-of-contents labels (``cb:mulu``).

The record: ``titleStmt/title`` → titles (a CJK-language title first; a title in the main title's language
in another script, ``zh-Latn`` beside ``zh-Hant``, is another form of it), ``author`` → creators, the
``sourceDesc`` ``bibl``'s ``date`` (as written, years from it or its ``when``) and ``publisher`` / ``pubPlace``
→ the publication, ``idno`` /
``TEI/@xml:id`` → local id (else the file name), ``extent``, ``availability`` → rights, ``langUsage`` /
``xml:lang`` → language. The original kept in provenance is the ``<teiHeader>``; the text is in the pages.
Each ``<TEI>`` is read and freed in turn, so a ``<teiCorpus>`` of many texts streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, BinaryIO

from lxml import etree

from tongwen.ingest import common_rules as rules
from tongwen.ingest.base import Diagnostic, Format, MapContext, RawRecord, RecordRejected
from tongwen.ingest.pages import finish_page, join_cjk_words, unique_labels
from tongwen.ingest.xmlsafe import iter_elements, local_name
from tongwen.model import Agent, Form, Page, PageImage, Provenance, Publication, PublicationForm, Record, Title, Word

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SNIFF = re.compile(rb"<(?:\w+:)?(?:TEI|teiCorpus)[\s>][^>]*tei-c\.org/ns/1\.0")
_LEFT_OUT = {"note", "back", "teiHeader", "fw", "figDesc", "mulu", "del"}
_ALTERNATIVES = {"rdg", "sic", "orig", "abbr"}  # left out beside their lemma / correction / expansion
_XML_WHITESPACE = re.compile(r"\s*\n\s*")
_XYWH = re.compile(r"#xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$")


def sniff(head: bytes, name: str) -> bool:
    return bool(_SNIFF.search(head))


def read(stream: BinaryIO, label: str, options: dict[str, Any] | None = None) -> Iterator[RawRecord]:
    """One `RawRecord` per ``<TEI>`` (payload: header facts and pages, already read out of the tree)."""
    number = 0
    for element in iter_elements(stream, ["TEI"]):
        number += 1
        position = f"{label} TEI {number}"
        header = _child(element, "teiHeader")
        payload = {
            "header": _header_facts(header),
            "xml_id": element.get(XML_ID),
            "file": PurePath(label).stem,
            "lang": element.get(XML_LANG),
        }
        text = _child(element, "text")
        if text is None:
            yield RawRecord(position, error=f"{label}: TEI {number} has no <text>", local_id=payload["xml_id"])
            continue
        payload["lang"] = text.get(XML_LANG) or payload["lang"]
        payload["pages"], payload["problems"] = _PageWalker().pages(text)
        original = etree.tostring(header, encoding="unicode") if header is not None else None
        yield RawRecord(position, payload=payload, original=original, local_id=payload["xml_id"])


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in element if local_name(child.tag) == name), None)


def _descendants(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [node for node in element.iter() if local_name(node.tag) == name]


def _text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _header_facts(header: etree._Element | None) -> dict[str, Any]:
    title_stmt = next(iter(_descendants(header, "titleStmt")), None)
    languages = [node.get("ident") for node in _descendants(header, "language") if node.get("ident")]
    source = next(iter(_descendants(next(iter(_descendants(header, "sourceDesc")), None), "bibl")), None)
    date = next(iter(_descendants(source, "date")), None)
    return {
        "date": (_text_of(date) or None, date.get("when")) if date is not None else None,
        "publisher": next((_text_of(node) for node in _descendants(source, "publisher")), None),
        "place": next((_text_of(node) for node in _descendants(source, "pubPlace")), None),
        "titles": [(node.get(XML_LANG), _text_of(node)) for node in _descendants(title_stmt, "title")],
        "authors": [_text_of(node) for node in _descendants(title_stmt, "author")],
        "idno": next((_text_of(node) for node in _descendants(header, "idno")), None),
        "extent": next((_text_of(node) for node in _descendants(header, "extent")), None),
        "rights": next((_text_of(node) for node in _descendants(header, "availability")), None),
        "languages": languages,
    }


class _PageWalker:
    """Walks ``<text>`` in document order, cutting it into pages at each ``<pb/>`` of the main edition."""

    def __init__(self) -> None:
        self.found: list[Page] = []
        self.problems: list[Diagnostic] = []
        self.current: Page | None = None
        self.buffer: list[str] = []
        self.edition: str | None = None
        self.line: tuple[tuple[int, int, int, int], int] | None = None  # the open line's box, its buffer start

    def pages(self, text: etree._Element) -> tuple[list[Page], list[Diagnostic]]:
        self._walk(text, inside_choice=False)
        self._end_page()
        if not self.found and "".join(self.buffer).strip():
            self.problems.append(Diagnostic("the text has no <pb/> page beginnings; it is one page, '1'", "pb"))
            self.current = Page("1")
            self._end_page()
        return self.found, self.problems

    def _walk(self, element: etree._Element, inside_choice: bool) -> None:
        for child in element:
            name = local_name(child.tag)
            if not isinstance(child.tag, str) or name in _LEFT_OUT or (inside_choice and name in _ALTERNATIVES):
                pass  # comments, processing instructions and editorial matter: only their tail is text
            elif name == "pb":
                self._page_beginning(child)
            elif name in ("lb", "cb"):
                self._end_line()
                self.buffer.append("\n")
                if name == "lb" and child.get("facs"):
                    self._begin_line(child.get("facs"))
            else:
                if child.text:
                    self.buffer.append(_layout(child.text))
                self._walk(child, inside_choice=name in ("choice", "app"))
                if name in ("p", "head", "l", "ab", "item", "byline", "lg", "div", "jhead"):
                    self.buffer.append("\n")
            if child.tail:
                self.buffer.append(_layout(child.tail))

    def _page_beginning(self, pb: etree._Element) -> None:
        edition = pb.get("ed") or pb.get("edRef")
        if self.edition is None:
            self.edition = edition or ""
        elif (edition or "") != self.edition:
            return  # another edition's pagination
        self._end_page()
        label = (pb.get("n") or pb.get(XML_ID) or str(len(self.found) + 1)).strip()
        facs = (pb.get("facs") or "").strip()
        image = None
        if facs:
            service = facs.startswith(("http://", "https://")) and facs.endswith("/info.json")
            image = PageImage(facs.removesuffix("/info.json"), "iiif") if service else PageImage(facs, "file")
        self.current = Page(label, id=pb.get(XML_ID), image=image)

    def _begin_line(self, facs: str) -> None:
        match = _XYWH.search(facs.strip())
        if match is None:
            if "xywh=" in facs:
                label = self.current.label if self.current else "1"
                self.problems.append(Diagnostic(f"page {label!r}: line box {facs!r} is not x,y,w,h in pixels; "
                                                "the line's text is kept without it", "lb/@facs"))
            return
        x, y, w, h = (int(group) for group in match.groups())
        self.line = ((x, y, w, h), len(self.buffer))

    def _end_line(self) -> None:
        if self.line is None:
            return
        (x, y, w, h), start = self.line
        self.line = None
        text = join_cjk_words(" ".join("".join(self.buffer[start:]).split()))
        if text and self.current is not None:
            self.current.words.append(Word(text, x, y, w, h))

    def _end_page(self) -> None:
        self._end_line()
        if self.current is None:
            return  # text before the first <pb/> stays in the buffer and opens the first page
        text = join_cjk_words("".join(self.buffer))
        self.buffer = []
        self.current.text = text
        self.found.append(self.current)
        self.current = None


def _layout(text: str) -> str:
    """The XML's own line breaks and indentation are one space (removed later between CJK characters)."""
    return _XML_WHITESPACE.sub(" ", text)


def _language(payload: dict[str, Any]) -> str | None:
    tags = [payload.get("lang"), *payload["header"]["languages"]]
    codes = [rules.parse_lang_tag(tag).lang for tag in tags if tag]
    cjk = [code for code in codes if code in ("chi", "jpn", "kor", "vie")]
    return (cjk or codes or [None])[0]


def map(raw: RawRecord, ctx: MapContext) -> tuple[Record, list[Diagnostic]]:
    payload: dict[str, Any] = raw.payload
    header = payload["header"]
    local_id = payload["xml_id"] or header["idno"] or payload["file"]
    record = Record(source=ctx.source, local_id=local_id, institution=ctx.institution)
    record.provenance = Provenance(ctx.source, "tei", position=raw.position, original=raw.original)
    lang = _language(payload)
    record.languages = [lang] if lang else []
    diagnostics: list[Diagnostic] = list(payload["problems"])
    titles = [(tag, text) for tag, text in header["titles"] if text]
    titles.sort(key=lambda pair: rules.parse_lang_tag(pair[0]).lang not in ("chi", "jpn", "kor", "vie"))
    for number, (tag, text) in enumerate(titles):
        parsed = rules.parse_lang_tag(tag)
        script = parsed.script or rules.text_script(text)
        form = Form(text, script, parsed.lang or rules.form_language(script, lang))
        main = record.titles[0] if record.titles else None
        if main and len(main.forms) == 1 and form.lang == main.forms[0].lang and form.script != main.forms[0].script:
            main.forms.append(form)  # 論語 / Lun yu: one title in two scripts
        else:
            role = "main" if main is None else "variant" if form.lang == main.forms[0].lang else "parallel"
            record.titles.append(Title([form], role))
    if not record.titles:
        raise RecordRejected("the TEI header has no title", "teiHeader/fileDesc/titleStmt/title")
    record.agents = [Agent([Form(name, rules.text_script(name))]) for name in header["authors"] if name]
    _publication(record, header, lang, diagnostics)
    record.extent = header["extent"]
    record.rights = header["rights"]
    record.content_type = "book"
    pages = []
    for page in payload["pages"]:
        finished, problems = finish_page(page, lang=lang, source="transcription")
        pages.append(finished)
        diagnostics.extend(problems)
    record.pages = pages
    diagnostics.extend(unique_labels(pages))
    return record, diagnostics


def _publication(record: Record, header: dict[str, Any], lang: str | None, diagnostics: list[Diagnostic]) -> None:
    """The source's date as written (era names kept) with its years, and its publisher and place."""
    date_text, when = header["date"] or (None, None)
    if date_text or when:
        record.date_display = date_text or when
        found = rules.year_range(date_text, lang=lang) if date_text else None
        if found is None and when and re.fullmatch(r"-?\d{1,4}(?:-\d\d){0,2}", when):
            year = int(when[: 5 if when.startswith("-") else 4])
            record.year_from = year
        elif found is not None:
            record.year_from, record.year_to = found.year_from, found.year_to
        else:
            diagnostics.append(Diagnostic(f"no year found in {date_text!r}", "sourceDesc/bibl/date"))
    if header["publisher"] or header["place"]:
        text = header["publisher"] or header["place"]
        record.publications.append(Publication([PublicationForm(header["place"], header["publisher"],
                                                                record.date_display, rules.text_script(text))]))


FORMAT = Format(
    name="tei",
    description="TEI P5 text with <pb/> page beginnings (one item per <TEI>)",
    sniff=sniff,
    read=read,
    map=map,
)
