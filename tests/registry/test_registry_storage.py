"""The reg_* tables: own schema version beside other tables, migrations, validation and references."""

from __future__ import annotations

import doctest
import sqlite3
from dataclasses import fields

import pytest

import tongwen.registry.auth
import tongwen.registry.database
import tongwen.registry.exchange
import tongwen.registry.model
import tongwen.registry.seeding
import tongwen.registry.stats
import tongwen.registry.validation
from tongwen.registry import Activity, Citation, Institution, Registry, ValidationError
from tongwen.registry.model import ENTITY_TYPES
from tongwen.registry.schema import SCHEMA_VERSION, TABLES


def test_registry_tables_live_beside_the_record_store(tmp_path) -> None:
    path = tmp_path / "tongwen.sqlite"
    with sqlite3.connect(path) as conn:  # another component's table, already there
        conn.execute("CREATE TABLE records (id TEXT PRIMARY KEY)")
        conn.execute("CREATE TABLE schema_version (version INTEGER)")
        conn.execute("INSERT INTO schema_version VALUES (7)")
    Registry.open(path).close()
    Registry.open(path).close()  # reopening migrates nothing twice
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"records", "schema_version"} < tables
    assert all(t.startswith("reg_") for t in tables - {"records", "schema_version"})
    assert conn.execute("SELECT version FROM reg_schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(7,)]


def test_a_newer_registry_schema_is_refused(tmp_path) -> None:
    path = tmp_path / "tongwen.sqlite"
    Registry.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE reg_schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match="upgrade Tongwen"):
        Registry.open(path)


def test_every_dataclass_field_has_its_column(registry: Registry) -> None:
    for cls in ENTITY_TYPES:
        columns = [d[0] for d in registry._conn.execute(f"SELECT * FROM {TABLES[cls.entity]} LIMIT 0").description]
        assert columns == [f.name for f in fields(cls)], cls.entity


def test_writes_are_validated_field_by_field(seeded: Registry, admin) -> None:
    bad = Institution(
        code="NL M",
        name_en="x",
        type="castle",
        country="XX",
        website="ftp://x",
        sources=[Citation("nowhere")],
    )
    with pytest.raises(ValidationError) as caught:
        seeded.save(admin, bad)
    assert {p.field for p in caught.value.problems} == {"code", "type", "country", "website", "sources[0]"}


def test_part_of_must_point_at_an_aggregate(seeded: Registry, admin) -> None:
    single = Activity(
        id="x",
        kind="visit",
        title="A visit",
        date_start="1990",
        host="NLC",
        part_of="ndl-visit-to-nlc-1981",
        sources=[Citation("cdnlao-82")],
    )
    with pytest.raises(ValidationError, match="part_of: activity 'ndl-visit-to-nlc-1981' is a single event"):
        seeded.save(admin, single)


def test_facts_still_referred_to_cannot_be_deleted(seeded: Registry, admin) -> None:
    with pytest.raises(ValidationError, match="still referred to by .*activity nlc-training-gpsh-2014"):
        seeded.delete(admin, Institution, "GPSH")
    assert seeded.get(Institution, "GPSH") is not None


def test_failed_batches_leave_nothing_behind(seeded: Registry, admin) -> None:
    before = seeded.counts()
    good = Institution(
        code="NLM",
        name_en="National Library of Mongolia",
        type="national_library",
        country="MN",
        sources=[Citation("cdnlao-82")],
    )
    with pytest.raises(ValidationError), seeded.transaction():
        seeded.save(admin, good)
        seeded.save(admin, Institution(code="BAD", name_en="x", type="castle", country="MN"))
    assert seeded.counts() == before and seeded.get(Institution, "NLM") is None


@pytest.mark.parametrize(
    "module",
    [
        tongwen.registry.auth,
        tongwen.registry.database,
        tongwen.registry.exchange,
        tongwen.registry.model,
        tongwen.registry.seeding,
        tongwen.registry.stats,
        tongwen.registry.validation,
    ],
)
def test_docstring_examples(module) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
