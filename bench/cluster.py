"""Work clustering: time and memory of a full rebuild, and of a 1,000-record update, on both store engines.

    .venv/bin/python bench/cluster.py                                   # 100k records, SQLite
    .venv/bin/python bench/cluster.py --sizes 100000 300000 1000000     # is memory flat in collection size?
    .venv/bin/python bench/cluster.py --sizes 100000 --backends sqlite postgresql   # a throwaway PostgreSQL too

Records are copies of the demo collection's records (every script, romanized/vernacular pairs, variants,
translations), each template turned into many distinct works by a per-work suffix on every title form (a CJK
number word on Han forms, its pinyin on Latin ones), with 1-8 copies per work from different institutions and
years. Each size runs in a process of its own, so one size's memory does not hide in the next one's peak: the
table gives that process's resident memory after writing the records and the peak above it during the rebuild
(sampled every 20 ms). Most of that peak is fixed: pykakasi's and pypinyin's dictionaries (~180 MB, loaded by
the first record keyed) and SQLite's page caches (~30 MB). The ~30 bounded (65,536-entry) key caches of
`tongwen.works.keys` and `tongwen.cjk` took ~1 KB a record keyed until full (650 MB at 1M); a rebuild now empties
them every 20,000 records, so they hold what one stretch needs. What grows with the collection is
`CompactUnionFind`'s 8 bytes a record. Times are wall and CPU seconds (the machine is shared). Goals (issue 11): 1M records in
< 10 min, 1,000 changed records in < 5 s, memory flat in collection size.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tongwen.model import Form, Record, Title  # noqa: E402
from tongwen.store import Store  # noqa: E402

DIGITS = "零一二三四五六七八九"
PINYIN = ["ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu"]


def _suffix(number: int) -> tuple[str, str]:
    text = str(number)
    return "".join(DIGITS[int(d)] for d in text), " ".join(PINYIN[int(d)] for d in text)


def _variant(template: Record, work: int, copy: int, rng: random.Random) -> Record:
    han, latin = _suffix(work)

    def form(f: Form) -> Form:
        is_latin = f.text.isascii() or (f.script or "").startswith("Latn")
        return Form(f"{f.text} {latin}" if is_latin else f"{f.text}{han}", f.script, f.lang)

    titles = [Title([form(f) for f in t.forms], t.role) for t in template.titles]
    year = (template.year_from or 1950) + rng.choice((0, 0, 3, 10, 25))
    return replace(template, source="bench", local_id=f"{work}-{copy}", titles=titles, identifiers=[],
                   year_from=year, year_to=year, provenance=None)


def synthesize(store: Store, templates: list[Record], count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    made, work = 0, 0
    with store.batch(5000, distinct_ids=True):
        while made < count:
            work += 1
            template = templates[work % len(templates)]
            for copy in range(min(rng.randint(1, 8), count - made)):
                store.upsert(_variant(template, work, copy, rng))
                made += 1


def demo_templates() -> list[Record]:
    from tests.works.conftest import load_demo_into

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "demo.sqlite") as store:
        load_demo_into(store)
        return [r for r in store.iter_records(with_original=False) if r.titles]


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


class PeakMemory:
    """The highest resident memory of this process while the block runs (a sampling thread)."""

    def __enter__(self) -> PeakMemory:
        self.peak, self._done = _rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def measure(count: int, database: str) -> dict[str, float]:
    """One size on one database, in this process: write the records, rebuild the works, update 1,000."""
    from tongwen.works.store import Works

    templates = demo_templates()
    with Store.open(database) as store:
        synthesize(store, templates, count)
        with Works.open(database) as works:
            before = _rss_mb()
            wall, cpu = time.perf_counter(), time.process_time()
            with PeakMemory() as peak:
                report = works.rebuild(store)
            build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
            # 1,000 changed records: 500 copies with a corrected year (their editions change, their works do not),
            # 500 new copies (most join a work).
            rng = random.Random(11)
            with store.batch():
                for i in range(500):
                    record = store.get(f"bench:{rng.randint(1, count // 5)}-0")
                    if record is not None:
                        store.upsert(replace(record, year_from=(record.year_from or 0) + 1))
                    store.upsert(_variant(templates[i % len(templates)], 10_000_000 + i, 0, rng))
            wall, cpu = time.perf_counter(), time.process_time()
            update = works.update(store)
            update_wall, update_cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"records": count, "build_wall": build_wall, "build_cpu": build_cpu, "rss_before_mb": before,
            "rebuild_peak_mb": peak.peak, "works": report.works, "update_changed": update.changed,
            "update_reclustered": update.reclustered, "update_rematched": update.rematched, "update_wall": update_wall,
            "update_cpu": update_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=int, default=[100_000], help="record counts (default 100000)")
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "DATABASE"), help=argparse.SUPPRESS)  # a child's run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), args.one[1])))
        return
    print("| backend | records | rebuild wall s | CPU s | RSS before MB | peak in rebuild MB | works "
          "| 1k update: changed | re-clustered | matched again | wall s | CPU s | update/rebuild (wall) |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with ExitStack() as servers:
        server = None
        if "postgresql" in args.backends:
            from tests.postgres import cluster

            server = servers.enter_context(cluster())
        for backend in args.backends:
            for size in args.sizes:
                with ExitStack() as place:
                    if backend == "postgresql":
                        from tests.postgres import fresh_schema

                        database = place.enter_context(fresh_schema(server))
                    else:
                        database = str(Path(place.enter_context(tempfile.TemporaryDirectory())) / "tongwen.sqlite")
                    child = subprocess.run([sys.executable, __file__, "--one", str(size), database],
                                           capture_output=True, text=True)
                if child.returncode:
                    sys.exit(f"{backend} at {size:,} records failed:\n{child.stderr}")
                r = json.loads(child.stdout.strip().splitlines()[-1])
                print(f"| {backend} | {size:,} | {r['build_wall']:.1f} | {r['build_cpu']:.1f} "
                      f"| {r['rss_before_mb']:.0f} | {r['rebuild_peak_mb']:.0f} | {r['works']:,} "
                      f"| {r['update_changed']:,} | {r['update_reclustered']:,} | {r['update_rematched']:,} "
                      f"| {r['update_wall']:.2f} | {r['update_cpu']:.2f} "
                      f"| {r['update_wall'] / r['build_wall']:.4f} |",
                      flush=True)


if __name__ == "__main__":
    main()
