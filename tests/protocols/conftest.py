"""A data directory with the demo collection, IIIF records from real Japanese collections and one deleted
record, indexed; and a web client over it. Shared by the OAI-PMH, SRU and IIIF tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tongwen.cjk.scripts import detect_script
from tongwen.config import Settings
from tongwen.demo import import_collection
from tongwen.index import SearchIndex
from tongwen.model import Form, Link, Provenance, Record, Title
from tongwen.store import Store
from tongwen.web.app import create_app

DELETED_ID = "nlk-demo:nlk0002"
NIJL_ID = "nijl-kokusho:100376839"


def iiif_collection_records(path: Path, source: str, institution: str) -> list[Record]:
    """Records as a IIIF harvest would make them: label, licence, manifest and thumbnail links."""
    data = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for number, item in enumerate(data["manifests"], start=1):
        label = item["label"] if isinstance(item["label"], str) else str(item["label"])
        links = [Link(item["@id"], "iiif_manifest")]
        if isinstance(item.get("thumbnail"), str):
            links.append(Link(item["thumbnail"], "thumbnail"))
        records.append(Record(source, f"{number:04d}", institution=institution,
                              titles=[Title([Form(label, detect_script(label), "jpn")])], languages=["jpn"],
                              links=links, license=item.get("license"), content_type="book"))
    return records


def nijl_record(path: Path) -> Record:
    """The NIJL 雅楽譜 manifest read as a record, the manifest kept as the original (1,660 canvases, RTL)."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    return Record("nijl-kokusho", "100376839", institution="NIJL",
                  titles=[Title([Form(data["label"], "Hani", "jpn")]),
                          Title([Form("明治撰定譜", "Hani", "jpn")], role="variant")],
                  languages=["jpn"], links=[Link(data["@id"], "iiif_manifest")], rights=data.get("attribution"),
                  license=data.get("license"), content_type="score",
                  provenance=Provenance("nijl-kokusho", "iiif", original=text))


@pytest.fixture(scope="session")
def iiif_data(shared_data: Path) -> Path:
    return shared_data / "iiif-japan-collections"


@pytest.fixture(scope="session")
def protocol_settings(tmp_path_factory: pytest.TempPathFactory, iiif_data: Path) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("protocols-data")).ensure()
    with Store.open(settings.database) as store:
        import_collection(store)  # the demo's records only: no registry or clusters needed here
    with Store.open(settings.database) as store, store.batch():
        for record in iiif_collection_records(iiif_data / "nakamura196-iiif-discovery" / "tsukuba.json",
                                              "tsukuba-iiif", "TSUKUBA"):
            store.upsert(record)
        store.upsert(nijl_record(iiif_data / "nijl-kokusho" / "100376839_manifest.json"))
        assert store.delete(DELETED_ID)
    index = SearchIndex.open(settings.index_dir)
    with Store.open(settings.database, read_only=True) as store:
        index.sync(store)
    index.close()
    return settings


@pytest.fixture(scope="session")
def protocol_store(protocol_settings: Settings):
    store = Store.open(protocol_settings.database, read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def web(protocol_settings: Settings):
    from fastapi.testclient import TestClient

    with TestClient(create_app(protocol_settings)) as client:
        yield client
