"""OAI-PMH speed: one function per measured thing; run all with `python bench/oai.py`, or name some.

Provider half — `provider`: records/s for our provider (`tongwen.protocols.oai_provider`) serving
ListRecords of a 100,000-record store (the demo collection's records copied under new ids: real CJK and
Latin content in every script), page after page through its resumption tokens, oai_dc and marcxml, in
process (XML built and serialised; no HTTP). Goal: ≥ 2,000 records/s. TONGWEN_BENCH_OAI_RECORDS sets the size.

Harvest half — `harvest`: records/s for our harvester (`tongwen.harvest.harvest`) harvesting the 14,283
Aozora Bunko works as oai_dc from pyoai's OAI-PMH server over loopback, end to end (HTTP, parsing, mapping,
storing in a fresh SQLite store). The server runs in its own process so that its work is not counted
against the harvester's core. Goal: ≥ 2,000 records/s.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tests" / "harvest"))  # the pyoai test peer lives with the harvester's tests


def _serve_pyoai(page_size: int, ready: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    from oai_peers import PyoaiRepository, pyoai_app, serve

    repository = PyoaiRepository.from_aozora(SHARED_DATA)
    with serve(pyoai_app(repository, page_size)) as url:
        ready.put((url, len(repository.items)))
        stop.wait()


def bench_harvest(page_size: int = 500) -> list[tuple[str, str]]:
    """A full harvest of the Aozora works from pyoai on loopback into a fresh store."""
    from tongwen.harvest import Source, harvest
    from tongwen.store import Store

    ready: multiprocessing.Queue = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve_pyoai, args=(page_size, ready, stop), daemon=True)
    server.start()
    try:
        url, count = ready.get(timeout=60)
        with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "bench.sqlite") as store:
            started = time.perf_counter()
            summary = harvest(store, Source("aozora", url=url, institution="AOZORA"))
            seconds = time.perf_counter() - started
            assert summary.status == "ok" and store.count("aozora") == count, summary
    finally:
        stop.set()
        server.join(10)
    return [
        ("harvest: records", f"{summary.records_read:,}"),
        ("harvest: pages", f"{summary.pages} × {page_size}"),
        ("harvest: seconds", f"{seconds:.1f}"),
        ("harvest: records/s (goal ≥ 2,000)", f"{summary.records_read / seconds:,.0f}"),
    ]


PROVIDER_RECORDS = int(os.environ.get("TONGWEN_BENCH_OAI_RECORDS", "100000"))


def _provider_store(path: Path, total: int) -> int:
    """The demo collection, then copies of its records under new ids up to `total` records."""
    from tongwen.demo import import_collection
    from tongwen.store import Store

    with Store.open(path) as store:
        import_collection(store)
        originals = list(store.iter_records(with_original=False))
        count, copy = store.count(), 0
        with store.batch(every=5000):
            while count < total:
                record = originals[copy % len(originals)]
                copy += 1
                if store.upsert(dataclasses.replace(record, local_id=f"{record.local_id}-copy{copy}")) == "added":
                    count += 1
        return store.count()


def _serve_list_records(path: Path, prefix: str, page_size: int) -> tuple[int, int, float]:
    """(records, pages, seconds) for one complete ListRecords, following the resumption tokens."""
    from tongwen.protocols.oai_provider import OaiConfig, OaiProvider
    from tongwen.store import Store

    with Store.open(path, read_only=True) as store:
        provider = OaiProvider(store, OaiConfig(base_url="http://bench/oai", page_size=page_size))
        arguments = [("verb", "ListRecords"), ("metadataPrefix", prefix)]
        served = pages = 0
        started = time.perf_counter()
        while True:
            body = provider.respond(arguments)
            pages += 1
            served += body.count(b"<record>")
            end = body.rfind(b"</resumptionToken>")
            if end < 0:
                break
            token = body[body.rfind(b">", 0, end) + 1 : end].decode()
            arguments = [("verb", "ListRecords"), ("resumptionToken", token)]
        return served, pages, time.perf_counter() - started


def bench_provider(page_size: int = 250) -> list[tuple[str, str]]:
    """Our provider serving ListRecords of PROVIDER_RECORDS records, oai_dc and marcxml."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        count = _provider_store(path, PROVIDER_RECORDS)
        rows.append(("provider: records in store", f"{count:,}"))
        for prefix in ("oai_dc", "marcxml"):
            served, pages, seconds = _serve_list_records(path, prefix, page_size)
            assert served == count, (served, count)
            rows.append((f"provider {prefix}: pages", f"{pages} × {page_size}"))
            rows.append((f"provider {prefix}: seconds", f"{seconds:.1f}"))
            rows.append((f"provider {prefix}: records/s (goal ≥ 2,000)", f"{served / seconds:,.0f}"))
    return rows


BENCHES: dict[str, Callable[[], list[tuple[str, str]]]] = {"harvest": bench_harvest, "provider": bench_provider}


def main(names: list[str]) -> None:
    chosen = names or list(BENCHES)
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown bench {unknown}; choose from {', '.join(BENCHES)}")
    rows = [row for name in chosen for row in BENCHES[name]()]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>12}")


if __name__ == "__main__":
    main(sys.argv[1:])
