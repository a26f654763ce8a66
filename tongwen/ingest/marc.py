"""ISO 2709 binary MARC 21 reader: streams records in constant memory and survives broken files.

    >>> import io
    >>> from tongwen.ingest.marc import read
    >>> raws = list(read(io.BytesIO(open("books.mrc", "rb").read()), "books.mrc", {}))  # doctest: +SKIP
    >>> raws[0].position, raws[0].payload["245"]["a"]  # doctest: +SKIP
    ('books.mrc record 1 (001 12345)', 'Hong lou meng /')

How one record is read:

1. *Framing* (`iter_record_chunks`): the 5-byte leader length says where the record ends; when it lies
   (not digits, or the byte there is not the record terminator 0x1D) the reader falls back to the next 0x1D,
   so one broken record never swallows the rest of the file.
2. *Structure* (`repair_structure`): leader blanks written as ``-``, a base address or directory entries
   that do not point at field terminators are repaired from the field terminators themselves, each with a
   `Diagnostic`.
3. *Encoding* (`choose_encoding`): leader/09 says UTF-8 (``a``) or MARC-8 (blank), but real files lie both
   ways, so the bytes decide when they disagree with the flag: valid UTF-8 wins over a blank flag, escape
   sequences over an ``a``, and Windows-1251 Cyrillic is recognised rather than decoded as MARC-8 garbage.
4. *Decoding*: pymarc does the parsing and the MARC-8 → Unicode conversion (incl. EACC CJK); everything it
   would print to stderr or log becomes a per-record `Diagnostic` naming the field.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import pymarc
from pymarc.marc8 import marc8_to_unicode

from tongwen.ingest import marc_rules
from tongwen.ingest.base import FIELD_LIMIT, Diagnostic, Format, RawRecord, oversized

RECORD_TERMINATOR = 0x1D
FIELD_TERMINATOR = 0x1E
SUBFIELD_DELIMITER = 0x1F
MAX_RECORD_BYTES = 99_999  # the leader's five digits cannot say more; a search for 0x1D stops after this
_READ_BLOCK = 65_536

_BAD_SUBFIELD_CODE = re.compile(rb"\x1f[\x80-\xff]")
# Windows-1251 Cyrillic words are runs of bytes 0xC0-0xFF. In MARC-8 those bytes are ANSEL combining marks,
# which always precede an ASCII base letter, so three in a row practically never happen. No charset
# detector knows MARC-8, hence this small hand-written test.
_CP1251_WORD = re.compile(rb"[\xc0-\xff]{3,}")


# --- 1. framing ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Chunk:
    data: bytes
    problem: str | None = None  # framing trouble; with data=b"" the record is lost

    def __reduce__(self) -> tuple[Any, ...]:  # sent to the workers by the thousand: see `Diagnostic.__reduce__`
        return (Chunk, (self.data, self.problem))


def iter_record_chunks(stream: BinaryIO) -> Iterator[Chunk]:
    """Split a byte stream into records, holding at most about one record (plus a read block) in memory.

    >>> [c.data[-1:] for c in iter_record_chunks(io.BytesIO(b"00026     2200025   4500\\x1e\\x1d"))]
    [b'\\x1d']
    """
    buffer = bytearray()
    eof = False

    def fill(size: int) -> bool:
        nonlocal eof
        while len(buffer) < size and not eof:
            block = stream.read(_READ_BLOCK)
            if not block:
                eof = True
            buffer.extend(block)
        return len(buffer) >= size

    def find_terminator(start: int = 0) -> int:
        nonlocal eof
        searched = start
        while True:
            index = buffer.find(RECORD_TERMINATOR, searched)
            if index >= 0 or eof or len(buffer) > MAX_RECORD_BYTES * 2:
                return index
            searched = len(buffer)
            fill(len(buffer) + _READ_BLOCK)

    while True:
        fill(5)
        # Line breaks or padding between records are common in files passed through text tools.
        while buffer[:1] in (b"\n", b"\r", b" ", b"\x00", b"\x1a") and buffer:
            del buffer[0]
            fill(5)
        if not buffer:
            return
        head = bytes(buffer[:5])
        declared = int(head) if head.isdigit() else 0
        if declared >= 25 and fill(declared) and buffer[declared - 1] == RECORD_TERMINATOR:
            yield Chunk(bytes(buffer[:declared]))
            del buffer[:declared]
            continue
        end = find_terminator()
        if end < 0:
            lost = len(buffer)
            buffer.clear()
            if eof:
                why = f"declares {declared} bytes" if declared else f"starts with {head!r}, not a length"
                yield Chunk(b"", f"truncated: the file ends after {lost} bytes of a record that {why}")
            else:
                yield Chunk(b"", f"no record terminator (0x1D) within {lost} bytes; skipped them")
            continue
        data = bytes(buffer[: end + 1])
        del buffer[: end + 1]
        if not head.isdigit():
            problem = f"leader/00-04 {head!r} is not a record length; record taken up to the next 0x1D"
        else:
            problem = f"leader/00-04 says {declared} bytes but the record ends at byte {len(data)}"
        yield Chunk(data, problem)


# --- 2. structure -------------------------------------------------------------------------------------


class StructureError(ValueError):
    """The record's bytes cannot be made into fields."""


def repair_structure(data: bytes, diagnostics: list[Diagnostic]) -> bytes:
    """Return record bytes pymarc can parse: true length, base address and directory.

    Repairs (each noted in `diagnostics`): ``-`` for blanks in the leader, a wrong record length, a base
    address that does not follow the directory, directory entries whose length/offset miss the field
    terminator (the fields are then re-cut at their terminators, in directory offset order).
    """
    if len(data) < 26:
        raise StructureError(f"only {len(data)} bytes: too short for a leader and one field")
    try:
        leader = data[:24].decode("ascii")
    except UnicodeDecodeError:
        raise StructureError("the leader contains non-ASCII bytes") from None
    if "-" in leader[5:]:
        diagnostics.append(Diagnostic("'-' used for blanks in the leader; read as blanks", "leader"))
        leader = leader[:5] + leader[5:].replace("-", " ")
    first_ft = data.find(FIELD_TERMINATOR)
    if first_ft < 24:
        raise StructureError("no directory: no field terminator after the leader")
    base = first_ft + 1
    if leader[12:17] != f"{base:05d}":
        diagnostics.append(
            Diagnostic(
                f"base address {leader[12:17]!r} does not follow the directory; using {base}", "leader/12-16"
            )
        )
    directory = data[24:first_ft]
    if len(directory) % 12:
        raise StructureError(f"directory length {len(directory)} is not a multiple of 12")
    entries = [directory[i : i + 12] for i in range(0, len(directory), 12)]
    if not entries:
        raise StructureError("the directory is empty: no fields")
    if not _directory_fits(entries, data, base):
        entries = _recut_directory(entries, data, base, diagnostics)
        directory = b"".join(entries)
    leader = f"{len(data):05d}" + leader[5:12] + f"{base:05d}" + leader[17:]
    return leader.encode("ascii") + directory + data[first_ft:]


def _directory_fits(entries: list[bytes], data: bytes, base: int) -> bool:
    for entry in entries:
        if not entry[3:12].isdigit():
            return False
        length, offset = int(entry[3:7]), int(entry[7:12])
        start = base + offset
        end = start + length - 1
        # The field must end at a terminator and hold no other one (else the length overshoots into the next).
        if length < 1 or end >= len(data) or data.find(FIELD_TERMINATOR, start, end + 1) != end:
            return False
    return True


def _recut_directory(
    entries: list[bytes], data: bytes, base: int, diagnostics: list[Diagnostic]
) -> list[bytes]:
    """Field data separated by terminators is the truth when the directory's numbers disagree with it."""
    segments: list[tuple[int, int]] = []
    start = base
    body_end = len(data) - 1  # the record terminator
    while start < body_end:
        end = data.find(FIELD_TERMINATOR, start, body_end)
        if end < 0:
            end = body_end - 1
        segments.append((start - base, end - start + 1))
        start = end + 1
    if len(segments) != len(entries):
        raise StructureError(
            f"directory lists {len(entries)} fields but the data holds {len(segments)}; cannot match them up"
        )

    def offset_key(entry: bytes) -> int:
        return int(entry[7:12]) if entry[7:12].isdigit() else 0

    ordered = sorted(entries, key=offset_key)
    diagnostics.append(
        Diagnostic(
            "directory lengths/offsets do not match the fields; fields re-cut at their terminators",
            "directory",
        )
    )
    return [entry[:3] + b"%04d%05d" % (length, offset) for entry, (offset, length) in zip(ordered, segments)]


# --- 3. encoding --------------------------------------------------------------------------------------


def choose_encoding(leader09: str, body: bytes, has_066: bool) -> tuple[str, Diagnostic | None]:
    """Pick 'utf-8', 'marc-8' or 'cp1251' for one record from leader/09 and the bytes themselves.

    >>> choose_encoding("a", "紅樓夢".encode(), False)[0]
    'utf-8'
    >>> choose_encoding(" ", "紅樓夢".encode(), False)[0]
    'utf-8'
    >>> choose_encoding(" ", b"\\x1b$1!\\x22\\x23\\x1b(B", True)[0]
    'marc-8'
    """
    if leader09 == "a":
        if b"\x1b" in body and (has_066 or not _is_utf8(body)):
            return "marc-8", Diagnostic(
                "flag says UTF-8 but the bytes are MARC-8 (escape sequences); read as MARC-8", "leader/09"
            )
        return "utf-8", None
    if body.isascii():
        flagged = (
            None
            if leader09 == " "
            else Diagnostic(f"unknown value {leader09!r}; read as MARC-8", "leader/09")
        )
        return "marc-8", flagged
    if _is_utf8(body):
        return "utf-8", Diagnostic(
            "flag says MARC-8 but the bytes are valid UTF-8; read as UTF-8", "leader/09"
        )
    if b"\x1b" not in body and len(_CP1251_WORD.findall(body)) >= 2:
        return "cp1251", Diagnostic(
            "flag says MARC-8 but the bytes look like Windows-1251 (Cyrillic); read as Windows-1251",
            "leader/09",
        )
    if leader09 != " ":
        return "marc-8", Diagnostic(f"unknown value {leader09!r}; read as MARC-8", "leader/09")
    return "marc-8", None


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- 4. decoding --------------------------------------------------------------------------------------


class _PymarcLogCollector(logging.Handler):
    """pymarc logs indicator trouble; while a record is decoded the messages are collected, never printed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.messages is not None:
            self.messages.append(record.getMessage())


_LOG_COLLECTOR = _PymarcLogCollector()
logging.getLogger("pymarc").addHandler(_LOG_COLLECTOR)


def decode_record(data: bytes, diagnostics: list[Diagnostic]) -> pymarc.Record:
    """Turn one record's bytes into a Unicode `pymarc.Record`; raises `StructureError` when impossible."""
    data = repair_structure(data, diagnostics)
    base = int(data[12:17])
    body = data[base:]
    encoding, note = choose_encoding(chr(data[9]), body, b"066" in data[24:base])
    if note:
        diagnostics.append(note)
    bad_codes = list(_BAD_SUBFIELD_CODE.finditer(body))
    for bad in bad_codes:
        diagnostics.append(
            Diagnostic(
                "a subfield delimiter is followed by a non-ASCII byte, not a code; the next ASCII letter is used",
                _tag_at(data, base, bad.start()),
            )
        )
    _LOG_COLLECTOR.messages = []
    try:
        if bad_codes:
            with warnings.catch_warnings():
                # pymarc also *warns* about them; they were reported just above, per field.
                warnings.simplefilter("ignore", pymarc.exceptions.BadSubfieldCodeWarning)
                record = _decode(data, body, encoding, diagnostics)
        else:
            record = _decode(data, body, encoding, diagnostics)
        for message in _LOG_COLLECTOR.messages:
            diagnostics.append(Diagnostic(message, "indicators"))
    except (pymarc.exceptions.PymarcException, ValueError, IndexError) as exc:
        raise StructureError(f"{type(exc).__name__}: {exc}") from None
    finally:
        _LOG_COLLECTOR.messages = None
    return record


def _decode(data: bytes, body: bytes, encoding: str, diagnostics: list[Diagnostic]) -> pymarc.Record:
    if encoding == "utf-8":
        return _decode_utf8(data, body, diagnostics)
    # pymarc decodes by leader/09, so the flag is set to what the bytes really are.
    raw = pymarc.Record(data[:9] + b" " + data[10:], to_unicode=False)
    return _decode_fields(raw, encoding, diagnostics)


def _tag_at(data: bytes, base: int, offset: int) -> str:
    """The tag of the directory entry whose field holds byte `offset` of the data area."""
    for start in range(24, base - 1, 12):
        entry = data[start : start + 12]
        length, field_offset = int(entry[3:7]), int(entry[7:12])
        if field_offset <= offset < field_offset + length:
            return entry[:3].decode("ascii", "replace")
    return "directory"


def _decode_utf8(data: bytes, body: bytes, diagnostics: list[Diagnostic]) -> pymarc.Record:
    if _BAD_SUBFIELD_CODE.search(body) is None and _is_utf8(body):
        # The fast path: most records. pymarc when the record has anything unusual about it.
        return _clean_utf8_record(data) or pymarc.Record(data, force_utf8=True)
    raw = pymarc.Record(data, to_unicode=False)
    return _decode_fields(raw, "utf-8", diagnostics)


def _clean_utf8_record(data: bytes) -> pymarc.Record | None:
    """The same `pymarc.Record` that ``pymarc.Record(data, force_utf8=True)`` builds, for a repaired record
    whose body is valid UTF-8 with an ASCII code after every delimiter; None when a field lacks exactly two
    ASCII indicators (pymarc then logs, and the diagnostics come from there).

    Hand-written because pymarc decodes each subfield's bytes separately, which was a sixth of the import
    time; here each field is decoded once and split as text (0x1F is ASCII, so both give the same strings).
    """
    base = int(data[12:17])
    directory = data[24 : base - 1]
    if not directory.isascii():
        return None
    directory_text = directory.decode("ascii")
    subfield, indicators_of = pymarc.Subfield, pymarc.Indicators  # hot loop
    fields = []
    for start in range(0, len(directory_text), 12):
        tag = directory_text[start : start + 3]
        offset = base + int(directory_text[start + 7 : start + 12])
        text = data[offset : offset + int(directory_text[start + 3 : start + 7]) - 1].decode("utf-8")
        if tag < "010" and tag.isdigit():
            fields.append(_control_field(tag, text))
            continue
        indicators, *subs = text.split("\x1f")
        if len(indicators) != 2 or not indicators.isascii():
            return None
        fields.append(_data_field(
            tag, indicators_of(indicators[0], indicators[1]), [subfield(sub[0], sub[1:]) for sub in subs if sub]
        ))
    record = pymarc.Record(fields=fields, force_utf8=True)
    record.leader = pymarc.Leader(data[:24].decode("ascii"))
    return record


_new_field = pymarc.Field.__new__


def _control_field(tag: str, data: str) -> pymarc.Field:
    """``pymarc.Field(tag=tag, data=data)`` for a three-character tag below 010, its attributes set directly:
    `Field.__init__` checks and converts its arguments, a tenth of the time of reading a record, for values
    that here are always what it would make of them (`test_marc` compares the fields with pymarc's own)."""
    fld = _new_field(pymarc.Field)
    fld.tag, fld.data, fld.control_field, fld.subfields, fld._indicators = tag, data, True, [], None
    return fld


def _data_field(tag: str, indicators: pymarc.Indicators, subfields: list[pymarc.Subfield]) -> pymarc.Field:
    """``pymarc.Field(tag=tag, indicators=indicators, subfields=subfields)`` likewise (see `_control_field`)."""
    fld = _new_field(pymarc.Field)
    fld.tag, fld.data, fld.control_field, fld.subfields, fld._indicators = tag, None, False, subfields, indicators
    return fld


def _decode_fields(raw: pymarc.Record, encoding: str, diagnostics: list[Diagnostic]) -> pymarc.Record:
    """Decode a raw (bytes) record subfield by subfield so every problem names its field."""
    record = pymarc.Record(leader=str(raw.leader))
    record.leader = raw.leader
    # pymarc prints MARC-8 trouble to stderr: redirected once per record, not once per subfield.
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        for field in raw.fields:
            if field.control_field:
                text = _decode_bytes(field.data, encoding, field.tag, diagnostics, captured)
                record.add_field(pymarc.Field(tag=field.tag, data=text))
                continue
            subfields = []
            for sub in field.subfields:
                where = f"{field.tag}${sub.code}"
                if not sub.code.isascii() or not sub.code.isalnum():
                    diagnostics.append(
                        Diagnostic(f"subfield code {sub.code!r} is not a letter or digit", where)
                    )
                value = _decode_bytes(sub.value, encoding, where, diagnostics, captured)
                subfields.append(pymarc.Subfield(sub.code, value))
            record.add_field(pymarc.Field(tag=field.tag, indicators=field.indicators, subfields=subfields))
    return record


def _decode_bytes(
    value: bytes | str,
    encoding: str,
    where: str,
    diagnostics: list[Diagnostic],
    captured: io.StringIO | None = None,
) -> str:
    """One value as text; trouble becomes a diagnostic at `where`. `captured` is where stderr already goes
    (see `_decode_fields`); without it stderr is redirected for this value alone."""
    if isinstance(value, str):
        return value
    if encoding == "marc-8":
        if captured is None:
            with contextlib.redirect_stderr(io.StringIO()) as own:
                return _decode_bytes(value, encoding, where, diagnostics, own)
        start = captured.tell()
        try:
            text = marc8_to_unicode(value)
        except UnicodeDecodeError as exc:
            diagnostics.append(
                Diagnostic(f"MARC-8 bytes cannot be decoded ({exc.reason}); kept as Latin-1", where)
            )
            return value.decode("latin-1")
        if captured.tell() != start:  # what pymarc printed while decoding this value
            for line in captured.getvalue()[start:].splitlines():
                diagnostics.append(Diagnostic(f"MARC-8: {line}", where))
        return text
    try:
        return value.decode(encoding)
    except UnicodeDecodeError as exc:
        diagnostics.append(
            Diagnostic(
                f"invalid {encoding} byte {value[exc.start : exc.start + 1]!r} at {exc.start}; replaced by U+FFFD",
                where,
            )
        )
        return value.decode(encoding, "replace")


# --- the reader ---------------------------------------------------------------------------------------


def record_position(label: str, number: int, record: pymarc.Record | None) -> str:
    """'books.mrc record 12 (001 ocm123)' — the 001 helps a librarian find the record in their system."""
    position = f"{label} record {number}"
    if record is not None:
        control = record.get("001")
        if control is not None and control.data and control.data.strip():
            position += f" (001 {control.data.strip()})"
    return position


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPECIAL = re.compile('[&<>"]')


def _xml_escape(value: str) -> str:
    # str.replace is a C-level scan; only called for the few values that hold one of these characters.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def record_to_marcxml(record: pymarc.Record) -> str:
    """The record as a MARCXML ``record`` element (the same markup as pymarc's `record_to_xml`).

    Written out as strings because pymarc's ElementTree path took ~40% of the whole read+map time; this
    also drops the control characters XML cannot hold, which ElementTree would write out as invalid XML.
    The text of the whole record is checked once for characters needing escaping or removal, so the
    common record (nothing to escape) costs one regex scan, not one per subfield.

    >>> r = pymarc.Record(fields=[pymarc.Field(tag="001", data="a&b")])
    >>> record_to_marcxml(r)[-55:]
    '<controlfield tag="001">a&amp;b</controlfield></record>'
    """
    # Markup and values alternate in `parts` (values at the odd indexes), so a closing tag is held in
    # `pending` and glued to the next opening one.
    parts = ["<record><leader>", str(record.leader)]
    pending = "</leader>"
    for fld in record.fields:
        if fld.control_field:
            parts += [pending + '<controlfield tag="', fld.tag, '">', fld.data or ""]
            pending = "</controlfield>"
            continue
        parts += [pending + '<datafield ind1="', fld.indicator1, '" ind2="', fld.indicator2, '" tag="', fld.tag]
        pending = '">'
        for sub in fld.subfields:
            parts += [pending + '<subfield code="', sub.code, '">', sub.value]
            pending = "</subfield>"
        pending += "</datafield>"
    parts.append(pending + "</record>")
    values = parts[1::2]
    if _XML_ILLEGAL.search("".join(values)) is not None:
        values = [_XML_ILLEGAL.sub("", value) for value in values]
        parts[1::2] = values
    # NUL cannot be in XML (and is gone now), so it safely separates the values: the escaping is then one
    # pass over the record's text, however many values need it.
    flat = "\0".join(values)
    if _XML_SPECIAL.search(flat) is not None:
        parts[1::2] = _xml_escape(flat).split("\0")
    return "".join(parts)


# Characters one byte of a binary record can become: one in UTF-8, Windows-1251 or Latin-1, and MARC-8's
# code points are one a byte before NFC, which expands a string at most threefold (UAX #15); one to spare.
_CHARS_PER_BYTE = 4


def raw_from_record(
    record: pymarc.Record, position: str, diagnostics: list[Diagnostic], original: str | None = None,
    *, size_known_within: int | None = None,
) -> RawRecord:
    """Wrap a decoded record; shared by the MARCXML and MARC-in-JSON readers. A record with a field over
    `FIELD_LIMIT` comes back as an error naming it (and without the oversized original).
    `size_known_within`: a bound on the record's characters, from its bytes; under the limit, no field can be
    over it, and the look at every value (a twentieth of the time of reading a record) is skipped."""
    if size_known_within is None or size_known_within > FIELD_LIMIT:
        for field in record.fields:
            values = [("", field.data)] if field.is_control_field() else [(f"${s.code}", s.value) for s in field.subfields]
            for code, value in values:
                if value and len(value) > FIELD_LIMIT:
                    return RawRecord(position=position, error=f"{position}: {oversized(field.tag + code, len(value))}")
    if original is None:
        original = record_to_marcxml(record)
    control = record.get("001")
    return RawRecord(
        position=position,
        payload=record,
        original=original,
        local_id=control.data.strip() or None if control is not None and control.data else None,
        deleted=record.leader[5] == "d",
        diagnostics=diagnostics,
    )


def read(stream: BinaryIO, label: str, options: dict[str, Any]) -> Iterator[RawRecord]:
    """Yield one `RawRecord` per record in an ISO 2709 file; broken records carry `error` and the reading
    goes on with the next record."""
    for number, chunk in enumerate(iter_record_chunks(stream), start=1):
        yield read_chunk(chunk, label, number, options)


def read_chunk(chunk: Chunk, label: str, number: int, options: dict[str, Any]) -> RawRecord:
    """One framed record as `read` yields it: split from `read` so that worker processes can decode the
    records the importer frames (`Format.read_frame`)."""
    position = f"{label} record {number}"
    if not chunk.data:
        return RawRecord(position=position, error=f"{position}: {chunk.problem}")
    diagnostics = [Diagnostic(chunk.problem, "leader/00-04")] if chunk.problem else []
    try:
        record = decode_record(chunk.data, diagnostics)
    except StructureError as exc:
        return RawRecord(
            position=position,
            error=f"{position}: {exc}",
            diagnostics=diagnostics,
            original=chunk.data.decode("latin-1"),
        )
    return raw_from_record(record, record_position(label, number, record), diagnostics,
                           size_known_within=len(chunk.data) * _CHARS_PER_BYTE)


def sniff(head: bytes, name: str) -> bool:
    """ISO 2709: five digits, then a leader whose indicator/subfield counts and entry map are plausible."""
    if name.lower().endswith((".mrc", ".marc", ".dat", ".iso", ".mrc21")) and head[:5].isdigit():
        return True
    return len(head) >= 24 and head[:5].isdigit() and head[12:17].isdigit() and head[20:22] == b"45"


FORMAT = Format(
    name="marc",
    description="MARC 21 in ISO 2709 binary transmission format (UTF-8 or MARC-8, incl. EACC CJK)",
    sniff=sniff,
    read=read,
    map=marc_rules.mapper_for("marc"),
    frames=iter_record_chunks,
    read_frame=read_chunk,
)
