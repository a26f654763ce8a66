"""Portal and API under concurrent load on loopback: requests/s and p50/p95 latency. Prints a table.

    .venv/bin/python bench/serve.py                       # 1,000,000 records (building them takes a while)
    .venv/bin/python bench/serve.py --records 100000 --seconds 20
    .venv/bin/python bench/serve.py --data /tmp/tw-bench  # reuse a data dir built by an earlier run
    .venv/bin/python bench/serve.py --records 100000 --while-importing 50000 --concurrency 32
                                  # and a real `tongwen import` of 50,000 MARC records (then indexed) meanwhile

The data dir is filled with synthetic records made from real catalogue patterns (the generator of
bench/search.py), indexed, then served by `tongwen serve --workers 2` in its own process. A load generator
(httpx, asyncio) keeps `--concurrency` requests in flight against 127.0.0.1 only, for a bounded time and count.
Goal on a 2-core machine: /api/search ≥ 300 requests/s with p95 ≤ 50 ms.

Beside each endpoint: the server's CPU per request (from /proc: the load generator shares the cores, so this is
the figure that decides the rate), and the bare library in the same run — tantivy alone, in this process,
running the same queries' compiled plans: top 20 hits with their stored documents, the total, and the
portal's facet aggregations — with the ratio of the two. The row "no hits" asks /api/search for words no
record has: tantivy has nothing to do, so its CPU is the web stack's own (HTTP, routing, parameters, our
middleware, query analysis). Searches repeat (``--queries`` distinct ones, drawn at random), so the server's
counts cache (`tongwen.index.search_cache`) answers most facet counts; ``--search-cache 0`` measures without it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from search import generate, make_queries, percentile  # noqa: E402

from tongwen.config import Settings  # noqa: E402
from tongwen.index import SearchIndex  # noqa: E402
from tongwen.store import Store  # noqa: E402

MAX_REQUESTS = 200_000  # a hard bound, whatever --seconds says
SERVER_LOG = "bench-serve.log"  # in the data dir


def build(settings: Settings, count: int) -> list:
    """Fill the store and the index; return the sample records queries are drawn from."""
    settings.ensure()
    bases = []
    started = time.perf_counter()
    with Store.open(settings.database) as store, store.batch(every=5_000, distinct_ids=True):
        for number, (record, base) in enumerate(generate(count)):
            store.upsert(record)
            if number % 997 == 0:
                bases.append(base)
    stored = time.perf_counter()
    index = SearchIndex.open(settings.index_dir)
    with Store.open(settings.database, read_only=True) as store:
        index.rebuild(store)
    index.close()
    print(f"built {count:,} records: store {stored - started:.0f} s, index {time.perf_counter() - stored:.0f} s",
          file=sys.stderr)
    return bases


def sample_bases(count: int) -> list:
    return [base for number, (_, base) in enumerate(generate(min(count, 50_000))) if number % 97 == 0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(settings: Settings, port: int, workers: int, cache_entries: int | None = None,
                 code: Path | None = None) -> subprocess.Popen:
    environment = dict(os.environ)
    if code is not None:
        environment["PYTHONPATH"] = str(code)
    if cache_entries is not None:
        environment["TONGWEN_SEARCH_CACHE_ENTRIES"] = str(cache_entries)
    # The server's own messages go to a file beside the data: a worker that dies under load says why there.
    server_log = open(settings.data_dir / SERVER_LOG, "ab")
    server = subprocess.Popen(
        [sys.executable, "-m", "tongwen.cli", "--data", str(settings.data_dir), "serve",
         "--port", str(port), "--workers", str(workers)],
        stdout=server_log, stderr=subprocess.STDOUT, env=environment, cwd=code,
    )
    server_log.close()
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


def start_import(settings: Settings, count: int, label: str) -> tuple[subprocess.Popen, float]:
    """A real import (MARC file → store → clusters → index) into the served data dir, as a librarian's would."""
    from importlib import import_module

    marc = Path(tempfile.mkdtemp(prefix="tongwen-serve-import-")) / "records.mrc"
    import_module("import").write_file(marc, count)
    source = "concurrent-" + "".join(ch for ch in label if ch.isalnum())
    process = subprocess.Popen(
        [sys.executable, "-m", "tongwen.cli", "--data", str(settings.data_dir), "import", str(marc),
         "--source", source], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return process, time.perf_counter()


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the server and every process under it, from /proc: what the requests cost
    the server, apart from the load generator sharing its cores."""
    from importlib import import_module

    total = 0.0
    for member in import_module("import").process_family(pid):
        try:
            with open(f"/proc/{member}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def tantivy_alone(settings: Settings, queries: list[str], rounds: int = 3) -> float:
    """CPU ms per query of the bare library on the served index: each query's compiled plan (filters none, as
    in the load) searched for its top 20 hits with their stored documents and the total, and the portal's
    facets aggregated — what the engine must do for a results page, without Tongwen around it."""
    from tongwen.index.facets import facet_specs
    from tongwen.index.query import QuerySyntaxError, parse_query
    from tongwen.index.tantivy_engine import aggregations
    from tongwen.web.searching import PORTAL_FACETS

    index = SearchIndex.open(settings.index_dir, cache_entries=0)
    searcher = index.engine.searcher
    requested = aggregations(facet_specs(PORTAL_FACETS))
    prepared = []
    for query in queries:
        try:
            prepared.append(index.engine.to_query(index.compiler.compile(parse_query(query)).plan))
        except QuerySyntaxError:
            continue
    for query in prepared:  # warm the file cache, as the server's warm-up does
        searcher.search(query, limit=20, count=True)
    began = time.process_time()
    for _ in range(rounds):
        for query in prepared:
            result = searcher.search(query, limit=20, count=True)
            for _score, address in result.hits:
                searcher.doc(address)
            searcher.aggregate(query, requested)
    cpu = time.process_time() - began
    index.close()
    return cpu * 1000 / max(1, rounds * len(prepared))


def finish_import(importer: tuple[subprocess.Popen, float]) -> str:
    process, started = importer
    process.wait()
    return f" +import {time.perf_counter() - started:.0f} s"


async def load(base_url: str, paths: list[str], seconds: float, concurrency: int) -> tuple[list[float], int, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + seconds
    rng = random.Random(3)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.monotonic() < stop_at and len(latencies) + errors < MAX_REQUESTS:
            path = rng.choice(paths)
            started = time.perf_counter()
            try:
                response = await client.get(path)
            except httpx.TransportError:  # a dropped connection is an error to count, not the end of the run
                errors += 1
                continue
            elapsed = time.perf_counter() - started
            if response.status_code == 200:
                latencies.append(elapsed)
            else:
                errors += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await client.get(paths[0])  # warm caches
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - began
    return latencies, errors, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="data dir to build in (or reuse, when it has records)")
    parser.add_argument("--seconds", type=float, default=30, help="load time per endpoint")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--server-code", type=Path, metavar="DIR",
                        help="serve with the Tongwen of another checkout (a before/after comparison in one session)")
    parser.add_argument("--search-cache", type=int, metavar="N",
                        help="the server's TONGWEN_SEARCH_CACHE_ENTRIES (default: the setting's; 0: no counts cache)")
    parser.add_argument("--while-importing", type=int, default=0, metavar="N",
                        help="run `tongwen import` of N MARC records (bench/import.py's file) during each load")
    args = parser.parse_args()

    data_dir = args.data or Path(tempfile.mkdtemp(prefix="tongwen-serve-bench-"))
    settings = Settings(data_dir=data_dir.resolve())
    existing = 0
    if settings.database.exists():
        with Store.open(settings.database, read_only=True) as store:
            existing = store.count()
    bases = build(settings, args.records) if existing == 0 else sample_bases(existing)
    queries = make_queries(bases, random.Random(11), args.queries)

    port = free_port()
    server = start_server(settings, port, args.workers, args.search_cache, args.server_code)
    # Words no record has (Latin letters, so no expansion either): the web stack alone.
    nowhere = [f"zqx{number}vw" for number in range(len(queries))]
    rows = []
    try:
        for label, template, asked in (("/api/search", "/api/search?q={}", queries),
                                       ("/api/search, no hits (web stack)", "/api/search?q={}", nowhere),
                                       ("/search (HTML page)", "/search?q={}", queries)):
            paths = [template.format(quote(q)) for q in asked]
            importer = start_import(settings, args.while_importing, label) if args.while_importing else None
            # Warm both workers (index readers, first-query caches) first: a first request takes seconds, and
            # counted in, it would be most of the CPU per request.
            asyncio.run(load(f"http://127.0.0.1:{port}", paths, min(3.0, args.seconds), args.concurrency))
            cpu_before = server_cpu_seconds(server.pid)
            latencies, errors, wall = asyncio.run(load(f"http://127.0.0.1:{port}", paths, args.seconds,
                                                       args.concurrency))
            cpu_ms = (server_cpu_seconds(server.pid) - cpu_before) * 1000 / max(1, len(latencies) + errors + 1)
            imported = finish_import(importer) if importer else ""
            rows.append((label + imported, len(latencies), errors, len(latencies) / wall,
                         percentile(latencies, 0.50) * 1000, percentile(latencies, 0.95) * 1000,
                         max(latencies) * 1000, cpu_ms))
    finally:
        server.terminate()
        server.wait(timeout=30)
    bare = tantivy_alone(settings, queries)

    records = existing or args.records
    print(f"\nTongwen serving {records:,} records; {args.workers} workers, {args.concurrency} concurrent clients, "
          f"{len(queries)} distinct queries, {args.seconds:.0f} s per endpoint, search cache "
          f"{'default' if args.search_cache is None else args.search_cache}, server code {args.server_code or ROOT}")
    print(f"{'endpoint':<36} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
          f"{'server CPU ms/req':>18} {'tantivy alone ms':>17} {'ratio':>6}")
    for label, count, errors, rate, p50, p95, slowest, cpu_ms in rows:
        print(f"{label:<36} {count:>9,} {errors:>7} {rate:>8.0f} {p50:>8.1f} {p95:>8.1f} {slowest:>8.0f} "
              f"{cpu_ms:>18.1f} {bare:>17.2f} {cpu_ms / bare:>6.2f}")
    if any(row[2] for row in rows):
        print(f"errors: the server's messages are in {settings.data_dir / SERVER_LOG}")


if __name__ == "__main__":
    main()
