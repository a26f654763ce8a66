"""A data directory with the demo collection loaded and indexed, shared by the web tests, and a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tongwen.config import Settings
from tongwen.demo import load_demo
from tongwen.index import SearchIndex
from tongwen.model import Form, Record, Title
from tongwen.store import Store
from tongwen.web.app import create_app

HOSTILE_TITLE = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> Hostiletitle 紅樓夢'


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("portal-data")).ensure()
    load_demo(settings)
    with Store.open(settings.database) as store:
        store.upsert(Record(source="hostile", local_id="1", institution="NLB",
                            titles=[Title([Form(HOSTILE_TITLE, "Latn", "eng")])], languages=["eng"]))
    index = SearchIndex.open(settings.index_dir)
    index.sync(Store.open(settings.database, read_only=True))
    index.close()
    return settings


@pytest.fixture(scope="session")
def app(demo_settings: Settings):
    return create_app(demo_settings)


@pytest.fixture()
def client(app):
    """A fresh client per test, so a language cookie set by one test never leaks into the next."""
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(app, serve_app) -> Iterator[str]:
    with serve_app(app) as url:
        yield url


@pytest.fixture(scope="session")
def hostile_title() -> str:
    return HOSTILE_TITLE


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Screenshots and other things a person may want to look at after a run (kept out of git)."""
    path = Path(__file__).resolve().parents[2] / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


# -- a real browser ---------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium keeps calling home, which this closed network refuses.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright. CI (TONGWEN_REQUIRE_BROWSER=1) fails without it."""
    if CHROMIUM is None:
        if os.environ.get("TONGWEN_REQUIRE_BROWSER"):
            pytest.fail("chromium is required for the browser tests but is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def image_settings(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Settings:
    """The demo plus real IIIF data imported by the IIIF reader (which keeps each manifest's thumbnail link):
    the University of Tsukuba collection (8 manifests with thumbnails) and NIJL's 雅楽譜 manifest (none)."""
    from tongwen.demo import import_collection
    from tongwen.ingest.pipeline import import_files

    settings = Settings(data_dir=tmp_path_factory.mktemp("images-data")).ensure()
    iiif = shared_data / "iiif-japan-collections"
    with Store.open(settings.database) as store:
        import_collection(store)
        import_files(store, [iiif / "nijl-kokusho" / "100376839_manifest.json"], source="nijl", institution="NIJL")
        import_files(store, [iiif / "nakamura196-iiif-discovery" / "tsukuba.json"], source="tsukuba",
                     institution="TSUKUBA")
    index = SearchIndex.open(settings.index_dir)
    with Store.open(settings.database, read_only=True) as store:
        index.sync(store)
    index.close()
    return settings
