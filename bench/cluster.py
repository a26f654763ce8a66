"""Clustering time and peak memory on synthetic records made from real patterns, plus a 1,000-record update.

    .venv/bin/python bench/cluster.py            # 100k
    .venv/bin/python bench/cluster.py 100000 300000 1000000

Records are copies of the demo collection's records (every script, romanized/vernacular pairs, variants,
translations), each template turned into many distinct works by a per-work suffix on every title form
(a CJK number word on Han forms, its pinyin on Latin ones), with 1-8 copies per work from different
institutions and years. Times are CPU time (the machine is shared). Goal: 1M records in < 10 min; 1,000
changed records in < 10 s.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.works.conftest import load_demo_into
from tongwen.model import Form, Record, Title
from tongwen.store import Store
from tongwen.works.store import Works

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
    with store.batch(5000):
        while made < count:
            work += 1
            template = templates[work % len(templates)]
            for copy in range(min(rng.randint(1, 8), count - made)):
                store.upsert(_variant(template, work, copy, rng))
                made += 1


def measure(count: int, templates: list[Record]) -> dict[str, float]:
    path = Path(tempfile.mkdtemp(prefix="tongwen-bench-")) / "tongwen.sqlite"
    with Store.open(path) as store:
        synthesize(store, templates, count)
        with Works.open(path) as works:
            started = time.process_time()
            report = works.rebuild(store)
            build_seconds = time.process_time() - started
            build_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux → MiB
            # 1,000 changed records: 500 updated copies, 500 new ones.
            rng = random.Random(11)
            with store.batch():
                for i in range(500):
                    record = store.get(f"bench:{rng.randint(1, count // 5)}-0")
                    if record is not None:
                        store.upsert(replace(record, year_from=(record.year_from or 0) + 1))
                    store.upsert(_variant(templates[i % len(templates)], 10_000_000 + i, 0, rng))
            started = time.process_time()
            update = works.update(store)
            update_seconds = time.process_time() - started
    return {"records": count, "build_s": build_seconds, "build_peak_mb": build_peak,
            "works": report.works, "update_changed": update.changed, "update_reclustered": update.reclustered,
            "update_s": update_seconds}


def main(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "demo.sqlite") as store:
        load_demo_into(store)
        templates = [r for r in store.iter_records(with_original=False) if r.titles]
    print(f"{'records':>9} {'build CPU s':>11} {'maxRSS MB':>9} {'works':>8} {'1k upd: changed':>16} "
          f"{'re-clustered':>13} {'upd CPU s':>10}")
    for count in counts:
        row = measure(count, templates)
        print(f"{row['records']:>9,} {row['build_s']:>11.1f} {row['build_peak_mb']:>9.1f} {row['works']:>8,} "
              f"{row['update_changed']:>16,} {row['update_reclustered']:>13,} {row['update_s']:>10.2f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000])
