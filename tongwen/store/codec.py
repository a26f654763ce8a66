"""How a `Record` is laid out for storage, and the content hash that tells a real change from a re-import.

The record's JSON (`Record.to_dict`) is split into four parts so each is stored once and the hash covers
exactly the content: the JSON *without* ``provenance.original``, ``run_id`` and ``position``; the original
record text (big, rarely read, so its own column); and the run id and position (bookkeeping, not content).

    >>> from tongwen.model import Record, Provenance
    >>> rec = Record("nlc", "1", provenance=Provenance("nlc", "marc", run_id=7, original="<record/>"))
    >>> again = Record("nlc", "1", provenance=Provenance("nlc", "marc", run_id=8, original="<record/>"))
    >>> encode(rec).hash == encode(again).hash  # a later run of the same record is no change
    True
    >>> decode(encode(rec).content, "<record/>", 7, None) == rec
    True
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from tongwen.model import Provenance, Record


class EncodedRecord(NamedTuple):
    """A named tuple rather than a frozen dataclass: an import's workers send one per record to the importer,
    and a tuple unpickles at C speed, where a frozen dataclass's `__setstate__` took 20 µs a record."""

    id: str
    source: str
    local_id: str
    institution: str | None
    content: str  # the record's JSON without original / run_id / position
    original: str | None
    run_id: int | None
    position: str | None
    hash: str
    languages: str  # JSON list, for stats without decoding every record
    scripts: str  # JSON list (Record.scripts())
    year_from: int | None
    year_to: int | None


def _dumps(data: Any) -> str:
    # No sort_keys: dataclass field order is already fixed, and sorting costs time on every record.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# Kept out of the content hash and stored in their own columns (see the module docstring). Position is
# where the record sat in the file: the same record from a renamed or re-sorted file is the same content.
_BOOKKEEPING = ("original", "run_id", "position")


def _model_to_json(value: Any) -> dict[str, Any]:
    """`default` hook of the JSON encoder: one model dataclass as a dict (its lists and scalars are left
    to the C encoder). Gives the same JSON as `Record.to_dict()` minus the bookkeeping fields, several
    times faster, because `dataclasses.asdict` deep-copies every value in Python first; encoding is on
    the import's hot path. `tests/store` checks the two agree on real records."""
    names = getattr(value, "__dataclass_fields__", None)
    if names is None:
        raise TypeError(f"{type(value).__name__} is not part of the record model")
    if isinstance(value, Provenance):
        return {name: getattr(value, name) for name in names if name not in _BOOKKEEPING}
    data = {name: getattr(value, name) for name in names}
    if isinstance(value, Record):
        data["id"] = value.id
    return data


_CONTENT_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False, default=_model_to_json
)


def content_json(record: Record) -> str:
    """The record's JSON as stored and hashed: `Record.to_dict()` without original, run id, position."""
    return _CONTENT_ENCODER.encode(record)


def encode(record: Record) -> EncodedRecord:
    content = content_json(record)
    provenance = record.provenance
    original = provenance.original if provenance else None
    digest = hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=16)
    if original is not None:
        digest.update(b"\x00")
        digest.update(original.encode("utf-8", "surrogatepass"))
    return EncodedRecord(
        id=record.id,
        source=record.source,
        local_id=record.local_id,
        institution=record.institution,
        content=content,
        original=original,
        run_id=provenance.run_id if provenance else None,
        position=provenance.position if provenance else None,
        hash=digest.hexdigest(),
        languages=_dumps(record.languages),
        scripts=_dumps(record.scripts()),
        year_from=record.year_from,
        year_to=record.year_to,
    )


def decode(content: str, original: str | None, run_id: int | None, position: str | None) -> Record:
    data = json.loads(content)
    if data.get("provenance") is not None:
        data["provenance"].update(original=original, run_id=run_id, position=position)
    return Record.from_dict(data)
