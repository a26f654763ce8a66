"""The stored form of a record: the same JSON as `Record.to_dict`, and a hash that ignores bookkeeping."""

from __future__ import annotations

import json
from pathlib import Path

from tongwen.ingest import marc
from tongwen.ingest.base import MapContext
from tongwen.store.codec import content_json, decode, encode


def real_records(shared_data: Path):
    path = shared_data / "marc4j-test-resources" / "pride-and-prejudice-fixed.mrc"
    with open(path, "rb") as stream:
        for raw in marc.FORMAT.read(stream, path.name, {}):
            if not raw.error:
                yield marc.FORMAT.map(raw, MapContext("bl", "BL"))[0]


def test_stored_json_is_to_dict_without_bookkeeping_and_decodes_back(shared_data: Path) -> None:
    checked = 0
    for record in real_records(shared_data):
        record.provenance.run_id, record.provenance.position = 4, "pride.mrc record 1"
        expected = record.to_dict()
        for bookkeeping in ("original", "run_id", "position"):
            expected["provenance"].pop(bookkeeping)
        assert json.loads(content_json(record)) == expected
        stored = encode(record)
        assert decode(stored.content, stored.original, stored.run_id, stored.position) == record
        checked += 1
    assert checked > 300


def test_the_hash_ignores_run_and_position_but_not_the_original(shared_data: Path) -> None:
    record = next(real_records(shared_data))
    before = encode(record).hash
    record.provenance.run_id, record.provenance.position = 99, "renamed.mrc record 7"
    assert encode(record).hash == before
    record.provenance.original += " "
    assert encode(record).hash != before
