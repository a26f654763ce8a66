"""Safe, streaming XML for every XML reader (MARCXML, Dublin Core, MODS, OAI-PMH pages).

Safety: no DTD loading, no entity resolution, no network — so "billion laughs" entity expansion and external
entities (file:// or http:// SYSTEM ids) never run. A document that declares entities is refused outright
with a clear message, because a catalogue record never needs them. libxml's huge-tree mode is on: without
it one text over 10 MB ends the whole document ("try XML_PARSE_HUGE"), the good records after it included;
instead the readers reject just the record whose field is over `base.FIELD_LIMIT` (`oversized_part`).

Streaming: `iter_elements` yields each wanted element as it completes and then frees it and the siblings
before it, so memory stays flat however large the file is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from lxml import etree

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENCODING_DECL = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._-]+)(["'])""")


class UnsafeXML(ValueError):
    """The document declares entities (possible entity expansion or external entity attack)."""


def local_name(tag: object) -> str:
    """'{http://www.loc.gov/MARC21/slim}record' -> 'record' (any namespace prefix is irrelevant)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def split_tag(tag: object) -> tuple[str | None, str]:
    """'{ns}name' -> ('ns', 'name'). Never raises: damaged input can leave an undeclared 'dc:title' as a
    tag, which lxml's QName refuses; that comes back as (None, 'dc:title')."""
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return None, tag


def _parser_options() -> dict:
    return dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True)


def fix_declared_encoding(head: bytes) -> bytes:
    """A file that says encoding="UTF-16" but is plainly 8-bit (seen in real MARCXML) is read as UTF-8."""
    match = _ENCODING_DECL.match(head)
    if match and match.group(2).upper().startswith(b"UTF-16") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[: match.start(2)] + b"UTF-8" + head[match.end(2) :]
    return head


def declares_entities(head: bytes) -> bool:
    """Does the document type declaration define entities? Only there can they be declared; "<!ENTITY" met
    later, inside the body, is a syntax error the parser reports at that point (keeping the records before)."""
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        return False
    end = head.find(b"]>", doctype.end())
    return bool(_ENTITY_DECL.search(head, doctype.end(), end if end != -1 else len(head)))


class _CheckedStream:
    """Wraps a binary stream: refuses entity declarations in the prolog and mends a lying encoding."""

    def __init__(self, stream: BinaryIO, prolog_bytes: int = 65536):
        self._stream = stream
        head = stream.read(prolog_bytes)
        if declares_entities(head):
            raise UnsafeXML("the document declares XML entities (<!ENTITY …>); refused for safety")
        self._pending = fix_declared_encoding(head)

    def read(self, size: int = -1) -> bytes:
        if self._pending:
            if size is None or size < 0:
                data, self._pending = self._pending + self._stream.read(), b""
                return data
            data, self._pending = self._pending[:size], self._pending[size:]
            return data
        return self._stream.read(size)


def iter_elements(stream: BinaryIO, wanted: Iterable[str], chunk_size: int = 65536) -> Iterator[etree._Element]:
    """Yield every element whose local name is in `wanted`, in document order, freeing memory behind it.

    Nested wanted elements are not yielded twice: only the outermost match is returned. Raises `UnsafeXML`
    or `etree.XMLSyntaxError` (with line and column) when the document itself is bad — but only after every
    element completed before the damage has been yielded, so a caller that reports the error keeps them.

    A pull parser fed chunk by chunk rather than `etree.iterparse`: when a chunk holds both complete records
    and the damage, iterparse raises before handing out the records it has already parsed in that chunk.
    """
    names = set(wanted)
    depth_inside = 0
    checked = _CheckedStream(stream)
    parser = etree.XMLPullParser(events=("start", "end"), **_parser_options())
    failure: etree.XMLSyntaxError | None = None
    chunk = b"x"
    while chunk and failure is None:
        chunk = checked.read(chunk_size)
        try:
            parser.feed(chunk) if chunk else parser.close()
        except etree.XMLSyntaxError as exc:
            failure = exc
        events = list(parser.read_events())
        if failure is not None and not chunk:
            # A document that ends too early: libxml closes the elements still open, so the trailing run
            # of "end" events belongs to unfinished elements (a half record) and must not be yielded.
            while events and events[-1][0] == "end":
                events.pop()
        for event, element in events:
            if local_name(element.tag) not in names:
                if event == "end" and depth_inside == 0:
                    _free(element)
                continue
            if event == "start":
                depth_inside += 1
                continue
            depth_inside -= 1
            if depth_inside == 0:
                yield element
                _free(element)
    if failure is not None:
        raise failure


def oversized_part(element: etree._Element, limit: int) -> tuple[str, int] | None:
    """(name, length) of the first text or attribute inside `element` longer than `limit` characters."""
    for node in element.iter():
        for where, value in (("", node.text), (" (after it)", node.tail if node is not element else None),
                             *((f"/@{k}", v) for k, v in node.attrib.items())):
            if value and len(value) > limit:
                return f"{split_tag(node.tag)[1]}{where}", len(value)
    return None


def damage_message(label: str, exc: etree.XMLSyntaxError) -> str:
    """What a librarian reads when a file breaks off: where (line and column), what, and what it means.

    >>> try:
    ...     etree.fromstring(b"<a>\\n<b>x\\x00</b></a>")
    ... except etree.XMLSyntaxError as exc:
    ...     print(damage_message("page3.xml", exc))
    page3.xml line 2, column 5: not well-formed XML (Invalid character: Char 0x0 out of allowed range); \
records after this point were not read
    """
    line, column = exc.position if exc.position else (exc.lineno, None)
    where = f"line {line}, column {column}" if column else f"line {line}"
    what = (exc.msg or str(exc)).split("\n")[0].strip().rstrip(",")
    return f"{label} {where}: not well-formed XML ({what}); records after this point were not read"


def _free(element: etree._Element) -> None:
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def parse_fragment(data: bytes | str) -> etree._Element:
    """Parse one small XML document (a single record, an OAI page) safely."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if declares_entities(raw[:65536]):
        raise UnsafeXML("the document declares XML entities (<!ENTITY …>); refused for safety")
    parser = etree.XMLParser(**_parser_options())
    return etree.fromstring(fix_declared_encoding(raw), parser)
