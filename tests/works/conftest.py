"""The demo collection loaded through the real importers into a temp store, and clustered."""

from __future__ import annotations

import tomllib

import pytest

from tests.conftest import DEMO_DIR
from tongwen.ingest.csv_table import load_column_mapping
from tongwen.ingest.pipeline import import_files
from tongwen.store import Store
from tongwen.works.store import Works


def load_demo_into(store: Store) -> None:
    manifest = tomllib.loads((DEMO_DIR / "manifest.toml").read_text(encoding="utf-8"))
    for entry in manifest["collection"]:
        options = load_column_mapping(DEMO_DIR / entry["columns"]) if entry.get("columns") else {}
        import_files(store, [DEMO_DIR / entry["file"]], source=entry["source"],
                     institution=entry.get("institution"), format=entry.get("format"), options=options)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo_database(request: pytest.FixtureRequest, tmp_path_factory):
    """The demo in a database on each backend: the works suite runs on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("works-demo") / "tongwen.sqlite")
        with Store.open(path) as store:
            load_demo_into(store)
        yield path
        return
    from tests.postgres import fresh_schema

    with fresh_schema(request.getfixturevalue("postgres_server")) as url:
        with Store.open(url) as store:
            load_demo_into(store)
        yield url


@pytest.fixture(scope="module")
def demo_works(demo_database):
    with Store.open(demo_database) as store, Works.open(demo_database) as works:
        works.rebuild(store)
        yield store, works
