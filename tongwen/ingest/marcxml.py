"""MARCXML reader: collections, single records, SRU responses (``xml`` or escaped ``string`` packing).

    >>> raws = list(read(open("alma.xml", "rb"), "alma.xml", {}))  # doctest: +SKIP
    >>> raws[0].payload["245"]["a"]  # doctest: +SKIP
    'Nodong ŭi saebyŏk :'

Parsing goes through `xmlsafe.iter_elements` (no entities, no DTD, no network, constant memory); each
``record`` element is turned into a `pymarc.Record` here rather than by pymarc's SAX reader, which is not
safe against entity expansion. Any namespace prefix, or none, is accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import pymarc
from lxml import etree

from tongwen.ingest import marc_rules
from tongwen.ingest.base import Diagnostic, Format, RawRecord
from tongwen.ingest.marc import raw_from_record, record_position
from tongwen.ingest.xmlsafe import UnsafeXML, damage_message, iter_elements, local_name, parse_fragment

_MARC_PARTS = {"leader", "controlfield", "datafield"}


class MalformedRecord(ValueError):
    """The element cannot be read as a MARC record at all."""


def element_to_record(element: etree._Element, diagnostics: list[Diagnostic]) -> pymarc.Record:
    """Build a `pymarc.Record` from a MARCXML ``record`` element, repairing what can be repaired.

    >>> xml = b'<record><leader>00000nam-a2200000-i-4500</leader><datafield tag="245" ind1="1" ind2="0">'
    >>> xml += b'<subfield code="a">Kaitai shinsho /</subfield></datafield></record>'
    >>> notes = []
    >>> str(element_to_record(parse_fragment(xml), notes)["245"])
    '=245  10$aKaitai shinsho /'
    >>> str(notes[0])
    "leader: '-' used for blanks in the leader; read as blanks"
    """
    record = pymarc.Record()
    leader_seen = False
    for child in element:
        name = local_name(child.tag)
        if name == "leader":
            leader_seen = True
            record.leader = pymarc.Leader(_leader(child.text or "", diagnostics))
        elif name == "controlfield":
            tag = (child.get("tag") or "").strip()
            if not _valid_tag(tag):
                diagnostics.append(Diagnostic(f"controlfield with tag {tag!r} skipped", "controlfield"))
                continue
            record.add_field(pymarc.Field(tag=tag, data=child.text or ""))
        elif name == "datafield":
            field = _datafield(child, diagnostics)
            if field is not None:
                record.add_field(field)
    if not record.fields:
        raise MalformedRecord("the record element has no controlfield or datafield")
    if not leader_seen:
        diagnostics.append(Diagnostic("missing; a blank leader is used", "leader"))
    return record


def _leader(text: str, diagnostics: list[Diagnostic]) -> str:
    leader = text.strip("\n\r\t")
    if "-" in leader[5:]:
        diagnostics.append(Diagnostic("'-' used for blanks in the leader; read as blanks", "leader"))
        leader = leader[:5] + leader[5:].replace("-", " ")
    if len(leader) != 24:
        diagnostics.append(Diagnostic(f"{len(leader)} characters, expected 24; padded or cut", "leader"))
        leader = leader[:24].ljust(24)
    return leader


def _valid_tag(tag: str) -> bool:
    return len(tag) == 3 and tag.isascii() and tag.isalnum()


def _datafield(child: etree._Element, diagnostics: list[Diagnostic]) -> pymarc.Field | None:
    tag = (child.get("tag") or "").strip()
    if not _valid_tag(tag):
        diagnostics.append(Diagnostic(f"datafield with tag {tag!r} skipped", "datafield"))
        return None
    indicators = []
    for number in ("1", "2"):
        value = child.get(f"ind{number}") or " "
        if len(value) != 1:
            diagnostics.append(
                Diagnostic(f"indicator {value!r} is not one character; blank used", f"{tag}/ind{number}")
            )
            value = " "
        indicators.append(value)
    subfields = []
    for sub in child:
        if local_name(sub.tag) != "subfield":
            continue
        code = sub.get("code") or ""
        if len(code) != 1:
            diagnostics.append(
                Diagnostic(f"subfield code {code!r} is not one character; subfield skipped", tag)
            )
            continue
        subfields.append(pymarc.Subfield(code, sub.text or ""))
    return pymarc.Field(tag=tag, indicators=pymarc.Indicators(*indicators), subfields=subfields)


def _has_marc_parts(element: etree._Element) -> bool:
    return any(local_name(child.tag) in _MARC_PARTS for child in element)


def _marc_records_in(element: etree._Element) -> Iterator[etree._Element]:
    """The MARC ``record`` elements in what `iter_elements` yielded: the element itself, or (in an SRU
    response, whose own ``record`` wraps the MARC one) the records inside ``recordData``."""
    if _has_marc_parts(element):
        yield element
        return
    for data in element.iter():
        if local_name(data.tag) != "recordData":
            continue
        inner = [child for child in data if isinstance(child.tag, str)]
        if inner:
            roots = inner
        elif (data.text or "").strip():
            # recordPacking=string: the MARCXML arrives escaped as text and is parsed again, just as safely.
            roots = [parse_fragment(data.text.strip())]
        else:
            roots = []
        for root in roots:
            found = [r for r in root.iter() if local_name(r.tag) == "record" and _has_marc_parts(r)]
            if not found:
                raise MalformedRecord(f"recordData holds {local_name(root.tag)!r}, not a MARC record")
            yield from found
        return
    raise MalformedRecord("the record element holds no leader, controlfield or datafield")


def records_from_element(element: etree._Element, label: str, start: int) -> Iterator[RawRecord]:
    """RawRecords for the MARC records in one yielded element, numbered from `start`."""
    number = start
    try:
        records = list(_marc_records_in(element))
    except (MalformedRecord, etree.XMLSyntaxError, UnsafeXML) as exc:
        position = f"{label} record {number}"
        yield RawRecord(position=position, error=f"{position}: {exc}")
        return
    for marc_element in records:
        position = f"{label} record {number}"
        diagnostics: list[Diagnostic] = []
        try:
            record = element_to_record(marc_element, diagnostics)
        except MalformedRecord as exc:
            yield RawRecord(position=position, error=f"{position}: {exc}", diagnostics=diagnostics)
        else:
            original = etree.tostring(marc_element, encoding="unicode", with_tail=False)
            yield raw_from_record(record, record_position(label, number, record), diagnostics, original)
        number += 1


def read(stream: BinaryIO, label: str, options: dict[str, Any]) -> Iterator[RawRecord]:
    """Yield one `RawRecord` per MARC record. A document that breaks off mid-way ends with one error
    RawRecord naming the line; every record before it has been yielded."""
    number = 1
    try:
        for element in iter_elements(stream, {"record"}):
            for raw in records_from_element(element, label, number):
                number += 1
                yield raw
    except etree.XMLSyntaxError as exc:
        yield RawRecord(position=f"{label} record {number}", error=damage_message(label, exc))
    except UnsafeXML as exc:
        yield RawRecord(position=f"{label} record {number}", error=f"{label}: {exc}")


def sniff(head: bytes, name: str) -> bool:
    """MARCXML: the MARC 21 slim namespace, or a ``record`` with a ``leader`` or ``datafield``."""
    if b"http://www.loc.gov/MARC21/slim" in head:
        return True
    return b"<record" in head and (b"<leader" in head or b"<datafield" in head or b"&lt;datafield" in head)


FORMAT = Format(
    name="marcxml",
    description="MARCXML (collections, single records, SRU responses with xml or string packing)",
    sniff=sniff,
    read=read,
    map=marc_rules.mapper_for("marcxml"),
)
