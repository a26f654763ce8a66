"""Harvesting a IIIF source over loopback: a collection referring to sub-collections (real files)."""

from __future__ import annotations

import json
from pathlib import Path

from oai_peers import serve

from tongwen.harvest import Fetcher, Source, harvest
from tongwen.store import Store


def test_iiif_source_follows_referenced_collections(
    shared_data: Path, store: Store, fetcher: Fetcher
) -> None:
    folder = shared_data / "iiif-japan-collections" / "nakamura196-iiif-discovery"
    served: list[str] = []

    def app(environ, start_response):
        name = environ["PATH_INFO"].rsplit("/", 1)[-1]
        served.append(name)
        if name == "top.json":
            base = f"http://{environ['HTTP_HOST']}/iiif"
            body = json.dumps(
                {
                    "@context": "http://iiif.io/api/presentation/3/context.json",
                    "id": f"{base}/top.json",
                    "type": "Collection",
                    "label": {"en": ["Japanese collections"]},
                    "items": [
                        {"id": f"{base}/{n}", "type": "Collection"}
                        for n in ("tsukuba.json", "okayama.json", "gone.json")
                    ]
                    + [{"id": f"{base}/tsukuba.json", "type": "Collection"}],  # listed twice: fetched once
                }
            ).encode()
        elif (folder / name).is_file() and name != "collection.json":
            body = (folder / name).read_bytes()
        else:
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    with serve(app) as url:
        source = Source("jp-iiif", url=url.replace("/oai", "/iiif/top.json"), institution="NIJL", kind="iiif")
        summary = harvest(store, source, fetcher=fetcher)
        again = harvest(store, source, fetcher=fetcher)
    assert served.count("tsukuba.json") == 2  # once per harvest
    assert summary.counts["added"] == 8 + 18 and store.count("jp-iiif") == 26
    assert again.counts["unchanged"] == 26
    (problem,) = store.problems(summary.run_id)
    assert problem.position.endswith("/iiif/gone.json") and "HTTP 404" in problem.message
    assert summary.status == "problems" and store.runs()[0].kind == "harvest"
    record = store.get(
        "jp-iiif:https://wdb.jinsha.tsukuba.ac.jp/jgt/gallery/furukawa1870-vol1-1/manifest.json"
    )
    assert record.titles[0].text == "繪入智慧の環 初編上 詞の巻" and record.institution == "NIJL"
    assert record.license == "http://creativecommons.org/licenses/by-sa/4.0/"
