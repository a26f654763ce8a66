"""The browser libraries `make assets` vendors (assets/package.json → tongwen/web/static/vendor/) are all there,
with their licences, and the portal serves them itself: a viewer that needs no CDN works offline."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT

VENDOR = ROOT / "tongwen" / "web" / "static" / "vendor"


def vendored() -> dict:
    manifest = VENDOR / "MANIFEST.json"
    assert manifest.is_file(), "the browser assets are not built: run `make assets`"
    return json.loads(manifest.read_text(encoding="utf-8"))


def test_every_package_listed_in_assets_is_vendored_at_its_locked_version_with_its_licence() -> None:
    spec = json.loads((ROOT / "assets" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "assets" / "package-lock.json").read_text(encoding="utf-8"))
    built = vendored()
    assert set(built) == set(spec["tongwen"]["vendor"]) == set(spec["dependencies"])
    for name, entry in built.items():
        assert entry["version"] == lock["packages"][f"node_modules/{name}"]["version"]
        assert (VENDOR / name / entry["license_file"]).stat().st_size > 100
        for file in entry["files"]:
            assert (VENDOR / name / file).stat().st_size > 0, f"{name}/{file}"


def test_the_portal_serves_the_vendored_files_as_built(client) -> None:
    for name, entry in vendored().items():
        for file in [*entry["files"], entry["license_file"]]:
            response = client.get(f"/static/vendor/{name}/{file}")
            assert response.status_code == 200, f"{name}/{file}"
            assert response.content == Path(VENDOR / name / file).read_bytes()
    script = client.get("/static/vendor/openseadragon/openseadragon.min.js")
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert b"OpenSeadragon" in script.content[:2000]
