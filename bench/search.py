"""Search benchmark: a store of N synthetic records made from the patterns of the real data, indexed from the
store, then queried through the Python API (analysis, facets and snippets included). Prints a table.

    .venv/bin/python bench/search.py                 # 1,000,000 records (about 10 minutes on 2 cores)
    .venv/bin/python bench/search.py --records 50000 --queries 300
    .venv/bin/python bench/search.py --records 50000 --postgresql   # the store in a throwaway PostgreSQL

How records are made: titles, names, subjects and years are drawn from the real catalogues in ../shared/data
(Douban, Aozora, Kanripo, Korean medical classics, Princeton), and most titles get a second part taken from
another real title of the same language (a subtitle, a volume) — so titles are mostly unique, as in a union
catalogue, while popular titles still recur in many editions. Queries (mixed frequency): exact titles, their
variant forms and romanizations, single frequent words, creators, and fielded / boolean / year queries.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "index"))  # the real-data record builders shared with the tests

from realdata_records import all_samples

from tongwen.index import SearchIndex, SearchRequest
from tongwen.index.facets import DEFAULT_FACETS
from tongwen.model import Agent, Form, Record, Subject, Title
from tongwen.store import Store

SHARED_DATA = ROOT.parent / "shared" / "data"
INSTITUTIONS = {"chi": ["NLC", "NLC", "NLB", "NLT"], "jpn": ["NDL"], "kor": ["NLK"], "eng": ["NLB", "NLV"]}
COUNTRIES = {"NLC": "CN", "NDL": "JP", "NLK": "KR", "NLB": "SG", "NLV": "VN", "NLT": "TH"}
SUBJECTS = [
    "History",
    "Fiction",
    "Poetry",
    "Buddhism",
    "Medicine",
    "Philosophy",
    "Law",
    "Economics",
    "易類",
    "史部",
    "醫學",
    "小説",
    "漢詩",
    "역사",
    "의학",
    "한국문학",
    "仏教",
    "日本文学",
    "哲学",
    "地理",
]


def generate(count: int, seed: int = 7):
    """Yield `count` records built from real titles and names, and keep a few for queries."""
    rng = random.Random(seed)
    samples = [s for group in all_samples(SHARED_DATA).values() for s in group]
    by_lang: dict[str, list[str]] = {}
    for sample in samples:
        by_lang.setdefault(sample.record.languages[0] if sample.record.languages else "chi", []).append(
            sample.title
        )
    names = [agent.forms[0].text for s in samples for agent in s.record.agents if agent.forms]
    for number in range(count):
        base = samples[rng.randrange(len(samples))]
        lang = base.record.languages[0] if base.record.languages else "chi"
        title = base.title
        if rng.random() < 0.7:
            other = rng.choice(by_lang[lang])
            start = rng.randrange(max(1, len(other) - 2))
            part = other[start : start + rng.randint(2, 6)]
            title = f"{title} {part}" if lang in ("eng",) else f"{title}：{part}"
        year = int(rng.triangular(1500, 2023, 1990))
        institution = rng.choice(INSTITUTIONS.get(lang, ["NLB"]))
        yield (
            Record(
                source="bench",
                local_id=f"{number:07d}",
                institution=institution,
                languages=[lang],
                titles=[Title([Form(title)])],
                agents=[Agent([Form(rng.choice(names))])] if names and rng.random() < 0.8 else [],
                subjects=[Subject(rng.choice(SUBJECTS))] if rng.random() < 0.6 else [],
                year_from=year,
                year_to=year,
                content_type="book" if rng.random() < 0.9 else rng.choice(["serial", "manuscript", "map"]),
            ),
            base,
        )


def make_queries(bases, rng: random.Random, wanted: int) -> list[str]:
    import opencc

    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    queries: list[str] = []
    titles = [b.title for b in bases]
    romanized = [r for b in bases for r in b.romanized]
    readings = [r for b in bases for r in b.readings]
    names = [a.forms[0].text for b in bases for a in b.record.agents if a.forms]
    frequent = ["中国", "日本", "研究", "歴史", "문학", "History", "本草", "全書", "小説", "集"]
    for _ in range(wanted):
        kind = rng.random()
        if kind < 0.35:
            queries.append(rng.choice(titles))
        elif kind < 0.5:
            title = rng.choice(titles)
            variant = t2s.convert(title)
            queries.append(variant if variant != title else s2t.convert(title))
        elif kind < 0.6 and romanized:
            queries.append(rng.choice(romanized))
        elif kind < 0.68 and readings:
            queries.append(rng.choice(readings))
        elif kind < 0.8:
            queries.append(rng.choice(frequent))
        elif kind < 0.9 and names:
            queries.append(f"creator:{rng.choice(names)}")
        else:
            title = rng.choice(titles)
            queries.append(f"title:{title[:4]} year:1900-2000 NOT {rng.choice(frequent)}")
    return queries


def cpu_since(before: os.times_result) -> float:
    """User + system CPU seconds since `before`, this process and its finished children (the workers)."""
    now = os.times()
    return sum(getattr(now, f) - getattr(before, f) for f in ("user", "system", "children_user", "children_system"))


def tantivy_alone(store_path, workdir: Path, size: int) -> tuple[int, float, float]:
    """The bare library in the same run: tantivy indexing `size` documents built beforehand (the
    `tantivy.Document`s the rebuild hands it, analysis done) into a fresh index with Tongwen's schema, and
    committing. Returns (documents, wall seconds, CPU seconds)."""
    from tongwen.index.documents import DocumentBuilder
    from tongwen.index.parallel import build_documents, default_workers
    from tongwen.index.tantivy_engine import TantivyEngine

    engine = TantivyEngine(workdir / "tantivy-alone")
    with Store.open(store_path, read_only=True) as store:
        records = itertools.islice(store.iter_records(with_original=False), size)
        chunks = build_documents(records, DocumentBuilder(countries=COUNTRIES), workers=default_workers(),
                                 parallel_ok=True)
        documents = [engine._to_tantivy(document) for chunk in chunks for document in chunk]
    before, began = os.times(), time.perf_counter()
    writer = engine.writer
    for document in documents:
        writer.add_document(document)
    engine.commit()
    wall, cpu = time.perf_counter() - began, cpu_since(before)
    shutil.rmtree(workdir / "tantivy-alone", ignore_errors=True)
    return len(documents), wall, cpu


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the store and index here")
    parser.add_argument("--reuse-index", action="store_true", help="query the index already in --workdir")
    parser.add_argument("--bare", type=int, default=200_000, metavar="N",
                        help="documents for the bare-library figure (tantivy alone), at most --records; 0: skip")
    parser.add_argument("--postgresql", action="store_true",
                        help="keep the store in a throwaway PostgreSQL cluster (as the tests start theirs)")
    args = parser.parse_args()
    if args.postgresql:
        sys.path.insert(0, str(ROOT))
        from tests.postgres import cluster, fresh_schema

        with cluster() as server, fresh_schema(server) as url:
            run(args, url)
    else:
        run(args, None)


def run(args: argparse.Namespace, database: str | None) -> None:

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="tongwen-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    store_path = database or workdir / "tongwen.sqlite"
    started = time.perf_counter()
    kept = []
    if database or not store_path.exists():
        with Store.open(store_path) as store, store.batch(every=5000):
            for record, base in generate(args.records):
                store.upsert(record)
                if rng.random() < 2000 / args.records:
                    kept.append(base)
        print(
            f"store: {args.records:,} records written in {time.perf_counter() - started:.0f} s (setup)",
            flush=True,
        )
    else:
        kept = [base for _, base in generate(min(args.records, 20_000))][::10]
        print(f"store: reusing {store_path}", flush=True)

    index_dir = workdir / "index"
    index = SearchIndex.open(index_dir, countries=COUNTRIES)
    if args.reuse_index and index.count():
        report = None
    else:
        with Store.open(store_path, read_only=True) as store:
            before = os.times()
            report = index.rebuild(store, progress=None)
            cpu_seconds = cpu_since(before)
            after = os.times()
            parent_seconds = after.user + after.system - before.user - before.system
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    bare = tantivy_alone(store_path, workdir, min(args.bare, args.records)) if report and args.bare else None

    queries = make_queries(kept, rng, args.queries)
    for query in queries[:30]:  # warm caches (first OpenCC / reading-table loads)
        index.search(SearchRequest(query, facets=()))
    plain, faceted, totals = [], [], []
    for query in queries:
        began = time.perf_counter()
        result = index.search(SearchRequest(query, facets=(), page_size=20))
        plain.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        index.search(SearchRequest(query, facets=DEFAULT_FACETS, page_size=20))
        faceted.append((time.perf_counter() - began) * 1000)
        totals.append(result.total)
    errors = sum(1 for q in queries if index.search(SearchRequest(q, facets=())).query_error)

    rows = [
        ("records", f"{index.count():,}"),
        (
            "indexing from the store",
            f"{report.added / report.seconds:,.0f} records/s ({report.seconds:.0f} s wall)"
            if report
            else "(reused)",
        ),
        (
            "indexing, per CPU-second",  # the machine may be shared: CPU time of this process and its workers
            f"{report.added / cpu_seconds:,.0f} records/s ({cpu_seconds:.0f} s CPU: {parent_seconds:.0f} s this "
            f"process with tantivy's threads, {cpu_seconds - parent_seconds:.0f} s the workers)" if report else "(reused)",
        ),
        (
            "tantivy alone (pre-built documents)",
            f"{bare[0] / bare[1]:,.0f} records/s ({bare[0]:,} documents, {bare[1]:.1f} s wall, {bare[2]:.1f} s CPU); "
            f"indexing takes {(bare[0] / bare[1]) / (report.added / report.seconds):.1f}× as long per record"
            if bare
            else "(not measured)",
        ),
        ("index size", f"{size / 1e6:,.0f} MB"),
        (
            "queries",
            (
                f"{len(queries)} (median hits {statistics.median(totals):,.0f}, max {max(totals):,}; "
                f"{errors} unparsable)"
            ),
        ),
        ("top-20 latency p50 / p95", f"{percentile(plain, 0.5):.2f} / {percentile(plain, 0.95):.2f} ms"),
        (
            "top-20 + 5 facets p50 / p95",
            f"{percentile(faceted, 0.5):.2f} / {percentile(faceted, 0.95):.2f} ms",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    print(f"| {'measure'.ljust(width)} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
