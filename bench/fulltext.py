"""Full text at scale: index pages/s and peak RSS, phrase search latency through /api/search. Prints a table.

    .venv/bin/python bench/fulltext.py                          # 250,000 and 1,000,000 pages
    .venv/bin/python bench/fulltext.py --pages 20000 100000 --seconds 10   # a quick look

The two Kanseki Repository texts in ../shared/data/kanripo-texts (論語 and 孟子, 1,462 pages) are imported by
the real pipeline, then stored again and again under new ids until a store holds the wanted number of pages.
Each size's index is rebuilt (`SearchIndex.rebuild`: document building on every core, the record index and the
page index) in its own subprocess, so its peak RSS is its own: flat memory means the peaks are about equal. The
peak is split into heap (RssAnon) and mapped index files (RssFile, pages the kernel may drop at any time).
Beside each rate: tantivy alone indexing the same pages as pre-built documents (tokens made once, up front),
and the ratio of the two — absolute times on a shared machine say more about the neighbours.
Then the largest size is served by `tongwen serve` and phrases cut from real pages (half of them turned into
simplified characters, which the traditional text must still match) are asked through /api/search.
Goals on 2 cores: ≥ 5,000 pages/s, phrase search p95 ≤ 50 ms, memory flat in the number of pages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
KANRIPO = ROOT.parent / "shared" / "data" / "kanripo-texts"
sys.path.insert(0, str(ROOT / "bench"))

from serve import free_port, load, start_server  # noqa: E402
from search import percentile  # noqa: E402

from tongwen.config import Settings  # noqa: E402
from tongwen.index import SearchIndex  # noqa: E402
from tongwen.ingest.pipeline import import_files  # noqa: E402
from tongwen.model import Record  # noqa: E402
from tongwen.store import Store  # noqa: E402


def real_items(work: Path) -> list[Record]:
    """The Kanripo texts as the pipeline stores them: one record per text, its pages in order."""
    with Store.open(work / "kanripo.sqlite") as store:
        import_files(store, sorted(KANRIPO.glob("KR*/*.txt")), source="kanripo")
        return list(store.iter_records(with_original=False))


def fill(settings: Settings, items: list[Record], pages: int) -> int:
    """Store copies of `items` under new ids until the store holds at least `pages` pages; returns that count."""
    settings.ensure()
    stored = 0
    with Store.open(settings.database) as store, store.batch(every=50):
        copy = 0
        while stored < pages:
            for item in items:
                source = f"copy{copy}"
                store.upsert(replace(item, source=source, provenance=replace(item.provenance, source=source)))
                stored += len(item.pages)
            copy += 1
    return stored


def child_rebuild(data_dir: Path) -> None:
    """In a subprocess: rebuild the index of `data_dir`; print seconds, pages and peak RSS as JSON."""
    settings = Settings(data_dir=data_dir)
    index = SearchIndex.open(settings.index_dir)
    peaks = {"RssAnon": 0, "RssFile": 0}
    done = threading.Event()

    def sample() -> None:  # resident memory by kind: the heap, and index files tantivy maps while merging
        while not done.wait(0.2):
            with open("/proc/self/status", encoding="ascii") as status:
                for line in status:
                    key, _, value = line.partition(":")
                    if key in peaks:
                        peaks[key] = max(peaks[key], int(value.split()[0]) // 1024)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with Store.open(settings.database, read_only=True) as store:
        started = time.perf_counter()
        index.rebuild(store)
        seconds = time.perf_counter() - started
    done.set()
    pages = index.pages.count()
    index.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "pages": pages, "peak_mb": peak_mb, "worker_peak_mb": children_mb,
                      "anon_mb": peaks["RssAnon"], "file_mb": peaks["RssFile"]}))


def bare_tantivy(items: list[Record], pages: int, work: Path) -> float:
    """Seconds for tantivy alone to index `pages` pre-built page documents (ours, tokens made beforehand)."""
    import tantivy

    from tongwen.index.fulltext import page_documents, running_text_analyzer
    from tongwen.index.analysis import default_analysis

    analyze = running_text_analyzer(default_analysis())
    prebuilt = [page for item in items for page in page_documents(item, analyze)]
    schema = tantivy.SchemaBuilder()
    schema.add_text_field("record_id", tokenizer_name="raw", stored=True)
    schema.add_integer_field("ordinal", stored=True)
    schema.add_text_field("tokens", tokenizer_name="whitespace", index_option="position")
    schema.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    work.mkdir(parents=True)
    index = tantivy.Index(schema.build(), path=str(work))
    writer = index.writer(heap_size=128_000_000)
    started = time.perf_counter()
    for number in range(pages):
        page = prebuilt[number % len(prebuilt)]
        writer.add_document(tantivy.Document(record_id=f"{number}:{page.record_id}", ordinal=page.ordinal,
                                             tokens=page.tokens, text=page.text))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - started


def phrases(items: list[Record], count: int, rng: random.Random) -> list[str]:
    from opencc import OpenCC

    simplify = OpenCC("t2s").convert
    chosen = []
    # Runs of Han characters only: the pages also carry section numbers ("14.37子曰") a reader would not type.
    runs = [run for item in items for page in item.pages for run in re.findall(r"[\u4e00-\u9fff]{6,}", page.text or "")]
    while len(chosen) < count:
        run = rng.choice(runs)
        length = rng.randint(4, 6)
        start = rng.randrange(0, len(run) - length + 1)
        phrase = run[start:start + length]
        chosen.append(simplify(phrase) if len(chosen) % 2 else phrase)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--seconds", type=float, default=20, help="search load time")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_rebuild(args.child)
        return

    work = Path(tempfile.mkdtemp(prefix="tongwen-fulltext-bench-"))
    items = real_items(work)
    rows = []
    for size in args.pages:
        settings = Settings(data_dir=work / f"pages-{size}")
        stored = fill(settings, items, size)
        result = json.loads(subprocess.run(
            [sys.executable, __file__, "--child", str(settings.data_dir)], check=True, capture_output=True, text=True,
        ).stdout)
        bare = bare_tantivy(items, result["pages"], work / f"bare-{size}")
        rows.append((stored, result, bare))
        print(f"indexed {result['pages']:,} pages in {result['seconds']:.0f} s", file=sys.stderr)

    largest = Settings(data_dir=work / f"pages-{args.pages[-1]}")
    queries = phrases(items, 200, random.Random(5))
    port = free_port()
    server = start_server(largest, port, workers=2)
    try:
        paths = ["/api/search?q=" + quote(f'text:"{phrase}"') for phrase in queries]
        latencies, errors, wall = asyncio.run(load(f"http://127.0.0.1:{port}", paths, args.seconds,
                                                   args.concurrency))
        import httpx

        found = sum(httpx.get(f"http://127.0.0.1:{port}{path}", timeout=30).json()["total"] > 0 for path in paths[:50])
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\nIndexing the Kanripo pages replicated ({len(items)} real items, "
          f"{sum(len(item.pages) for item in items):,} real pages), rebuild on every core")
    print(f"{'pages':>10} {'items':>7} {'seconds':>8} {'pages/s':>9} {'tantivy alone s':>16} {'ratio':>6} "
          f"{'peak RSS MB':>12} {'(heap':>6} {'files)':>7} {'workers MB':>11}")
    for stored, result, bare in rows:
        items_count = stored // sum(len(item.pages) for item in items) * len(items)
        print(f"{result['pages']:>10,} {items_count:>7,} {result['seconds']:>8.1f} "
              f"{result['pages'] / result['seconds']:>9,.0f} {bare:>16.1f} {result['seconds'] / bare:>6.1f} "
              f"{result['peak_mb']:>12,.0f} {result['anon_mb']:>6,} {result['file_mb']:>7,} "
              f"{result['worker_peak_mb']:>11,.0f}")
    print(f"\nPhrase search through /api/search at {rows[-1][1]['pages']:,} pages: {len(latencies):,} requests, "
          f"{errors} errors, {len(latencies) / wall:.0f} req/s at {args.concurrency} concurrent, "
          f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f} ms; "
          f"{found} of 50 phrases (half in simplified characters) found")


if __name__ == "__main__":
    main()
