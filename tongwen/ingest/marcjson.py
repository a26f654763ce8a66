"""MARC-in-JSON reader (``{"leader": ..., "fields": [{"245": {"ind1": ..., "subfields": [...]}}]}``).

Accepts one record, a JSON array of records, JSON Lines (one record per line, as in the Stanford traject
fixtures) and Ex Libris Alma Bibs API JSON (MARCXML text in ``anies``, one object or ``{"bib": [...]}``).

    >>> raws = list(read(open("tests.jsonl", "rb"), "tests.jsonl", {}))  # doctest: +SKIP

Streaming: JSON Lines are read line by line, so a bad line is one error record and the next line goes on;
arrays are streamed item by item with ijson (pymarc's JSONReader loads the whole file into memory).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson
import pymarc

from tongwen.ingest import marc_rules
from tongwen.ingest.base import Diagnostic, Format, RawRecord
from tongwen.ingest.marc import raw_from_record, record_position
from tongwen.ingest.marcxml import records_from_element
from tongwen.ingest.xmlsafe import UnsafeXML, parse_fragment


class NotMarcJson(ValueError):
    """The JSON value is not a MARC-in-JSON record."""


def dict_to_record(data: Any, diagnostics: list[Diagnostic]) -> pymarc.Record:
    """Build a `pymarc.Record` from one MARC-in-JSON object, checking its shape as it goes.

    >>> record = dict_to_record({"leader": "00000nam a2200000 i 4500", "fields": [{"001": "a1"},
    ...     {"245": {"ind1": "1", "ind2": "0", "subfields": [{"a": "Kaitai shinsho"}]}}]}, [])
    >>> record["245"]["a"], record["001"].data
    ('Kaitai shinsho', 'a1')
    """
    if not isinstance(data, dict) or not isinstance(data.get("fields"), list):
        raise NotMarcJson("not a MARC-in-JSON record (an object with a 'fields' list)")
    leader = data.get("leader")
    record = pymarc.Record()
    if isinstance(leader, str) and len(leader) == 24:
        record.leader = pymarc.Leader(leader[:5] + leader[5:].replace("-", " "))
    else:
        diagnostics.append(
            Diagnostic(f"{leader!r} is not a 24-character leader; a blank one is used", "leader")
        )
    for number, item in enumerate(data["fields"], start=1):
        if not isinstance(item, dict) or len(item) != 1:
            diagnostics.append(Diagnostic(f"field {number} is not a one-key object; skipped", "fields"))
            continue
        tag, value = next(iter(item.items()))
        if isinstance(value, str):
            record.add_field(pymarc.Field(tag=tag, data=value))
            continue
        if not isinstance(value, dict) or not isinstance(value.get("subfields"), list):
            diagnostics.append(Diagnostic("neither control data nor a subfields list; skipped", tag))
            continue
        subfields = []
        for sub in value["subfields"]:
            if isinstance(sub, dict) and len(sub) == 1:
                code, text = next(iter(sub.items()))
                if isinstance(text, str):
                    subfields.append(pymarc.Subfield(str(code), text))
                    continue
            diagnostics.append(Diagnostic(f"subfield {sub!r} is not a one-key object; skipped", tag))
        indicators = [str(value.get(key) or " ")[:1] for key in ("ind1", "ind2")]
        record.add_field(
            pymarc.Field(tag=tag, indicators=pymarc.Indicators(*indicators), subfields=subfields)
        )
    if not record.fields:
        raise NotMarcJson("the record has no fields")
    return record


def _raws_from_value(value: Any, label: str, number: int) -> Iterator[RawRecord]:
    """RawRecords from one top-level JSON value: a MARC-in-JSON record or Alma bib JSON."""
    if isinstance(value, dict) and ("anies" in value or isinstance(value.get("bib"), list)):
        bibs = value["bib"] if isinstance(value.get("bib"), list) else [value]
        for bib in bibs:
            yield from _alma_bib(bib, label, number)
            number += 1
        return
    position = f"{label} record {number}"
    diagnostics: list[Diagnostic] = []
    try:
        record = dict_to_record(value, diagnostics)
    except NotMarcJson as exc:
        yield RawRecord(position=position, error=f"{position}: {exc}", diagnostics=diagnostics)
        return
    yield raw_from_record(record, record_position(label, number, record), diagnostics)


def _alma_bib(bib: Any, label: str, number: int) -> Iterator[RawRecord]:
    position = f"{label} record {number}"
    anies = bib.get("anies") if isinstance(bib, dict) else None
    if not anies or not isinstance(anies[0], str):
        yield RawRecord(position=position, error=f"{position}: Alma bib without MARCXML in 'anies'")
        return
    try:
        element = parse_fragment(anies[0])  # its encoding="UTF-16" declaration is mended by xmlsafe
    except (UnsafeXML, ValueError) as exc:
        yield RawRecord(position=position, error=f"{position}: 'anies' MARCXML unreadable ({exc})")
        return
    for raw in records_from_element(element, label, number):
        if raw.local_id is None and isinstance(bib.get("mms_id"), str):
            raw.local_id = bib["mms_id"]
        yield raw
        break  # one bib, one record


def read(stream: BinaryIO, label: str, options: dict[str, Any]) -> Iterator[RawRecord]:
    """Yield one `RawRecord` per record; a broken line or value becomes an error RawRecord."""
    head = stream.read(65536)
    first = head.lstrip()[:1]
    whole = itertools.chain([head], iter(lambda: stream.read(65536), b""))
    number = 1
    if first == b"[":
        try:
            for value in ijson.items(_Chained(whole), "item"):
                for raw in _raws_from_value(value, label, number):
                    number += 1
                    yield raw
        except ijson.JSONError as exc:
            yield RawRecord(
                position=f"{label} record {number}",
                error=f"{label}: JSON breaks off after record {number - 1} ({exc})",
            )
        return
    # One object, several objects one per line (JSON Lines), or something that is not JSON at all.
    lines = _lines(whole)
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            if line_number == 1:
                # A pretty-printed single document spans many lines: parse the whole stream as one value.
                rest = b"\n".join([line, *lines])
                try:
                    value = json.loads(rest)
                except json.JSONDecodeError as exc:
                    yield RawRecord(
                        position=f"{label} record 1", error=f"{label} line {exc.lineno}: not JSON ({exc.msg})"
                    )
                    return
                yield from _raws_from_value(value, label, number)
                return
            yield RawRecord(
                position=f"{label} record {number}",
                error=f"{label} line {line_number}: not a JSON value; line skipped",
            )
            number += 1
            continue
        for raw in _raws_from_value(value, label, number):
            number += 1
            yield raw


def _lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    pending: list[bytes] = []  # pieces of the unfinished line: joined once, as `+=` is quadratic on a huge line
    for chunk in chunks:
        *complete, rest = chunk.split(b"\n")
        if complete:
            yield b"".join([*pending, complete[0]])
            yield from complete[1:]
            pending = []
        if rest:
            pending.append(rest)
    if pending:
        yield b"".join(pending)


class _Chained:
    """A file-like view of byte chunks, for ijson."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._pending += chunk
        if size < 0:
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        return data


def sniff(head: bytes, name: str) -> bool:
    """JSON whose first object has a MARC leader and fields list, or Alma bib JSON."""
    start = head.lstrip()[:1]
    if start not in (b"{", b"["):
        return False
    return (b'"fields"' in head and (b'"leader"' in head or b'"subfields"' in head)) or (
        b'"anies"' in head and b"<record" in head
    )


FORMAT = Format(
    name="marcjson",
    description="MARC-in-JSON (single, array or JSON Lines) and Alma bib JSON with embedded MARCXML",
    sniff=sniff,
    read=read,
    map=marc_rules.mapper_for("marcjson"),
)
