"""Import speed and memory: records/s and peak RSS importing 100k and 400k MARC records end to end.

    python bench/import.py                 # 100k and 400k, in one process and with 2 mapping workers
    python bench/import.py --sizes 20000   # a quick look
    python bench/import.py --backends sqlite postgresql --sizes 100000   # both stores, same file, same run
    python bench/import.py --sizes 20000 --workers 1 2 4   # mapping in 1 (this process), 2 or 4 processes

The shared real MARC files (Open Library 880 fixtures, marc4j, pymarc test data) are replicated with new
001 ids into one temporary ISO 2709 file per size, then imported (reader → MARC mapper → SQLite store, the
real pipeline) into a fresh temporary data directory (with ``postgresql``: into a throwaway PostgreSQL
cluster started for the run, as the tests start theirs). Each size runs in its own subprocess so peak RSS is
that size's alone: flat memory means the two peaks are about equal. Goal: ≥ 2,000 records/s per core, on
every core (workers parse and map while the importer writes the store, `tongwen.ingest.parallel`).

Records per CPU-second count the CPU of the workers too, and peak RSS is the largest sum, sampled every
0.1 s, of the importer's and its workers' proportional resident memory (PSS: pages the forked workers share
with the importer are counted once), or the importer's own peak when that is larger. As wall-clock rates on a busy machine say more
about the neighbours, pymarc's bare parse of the same file (`MARCReader`, nothing else) is timed in the
same run and each import is shown as a ratio to it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from contextlib import ExitStack
from pathlib import Path

import pymarc

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' throwaway PostgreSQL cluster
from tests.postgres import cluster as _postgres  # noqa: E402
from tests.postgres import fresh_schema as _fresh_schema  # noqa: E402

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
SOURCES = [
    *sorted((SHARED / "openlibrary-marc-880" / "bin_input").glob("*.mrc")),
    SHARED / "marc4j-test-resources" / "pride-and-prejudice-fixed.mrc",
    SHARED / "marc4j-test-resources" / "chinese_mangled_multibyte.mrc",
    SHARED / "marc4j-test-resources" / "oclc_63111280_export_as_UTF8_from_connexion.mrc",
    SHARED / "marc4j-test-resources" / "loongboonmee.mrc",
    SHARED / "marc4j-test-resources" / "not_unimarc_errors_3.mrc",
    SHARED / "pymarc-test-data" / "utf8_with_leader_flag.dat",
    SHARED / "pymarc-test-data" / "diacritic.dat",
]
PLACEHOLDER = "BENCH0000000"  # fixed width, so a new id replaces it byte for byte without a new directory


def templates() -> list[bytes]:
    """Every readable shared record, re-encoded as UTF-8 with a placeholder 001."""
    out = []
    warnings.simplefilter("ignore")  # pymarc warns about the deliberately broken subfield codes
    for path in SOURCES:
        with open(path, "rb") as stream:
            for record in pymarc.MARCReader(stream, to_unicode=True, force_utf8=True, permissive=True):
                if record is None:
                    continue
                record.remove_fields("001")
                record.add_ordered_field(pymarc.Field(tag="001", data=PLACEHOLDER))
                record.leader = record.leader[:9] + "a" + record.leader[10:]
                out.append(record.as_marc())
    return out


def write_file(path: Path, size: int) -> None:
    records = templates()
    marker = PLACEHOLDER.encode()
    with open(path, "wb") as out:
        for number in range(size):
            new_id = f"BENCH{number:07d}".encode()
            out.write(records[number % len(records)].replace(marker, new_id, 1))


def child(path: Path, size: int, reimport: bool, database: str | None, workers: int) -> None:
    from tongwen.config import Settings
    from tongwen.ingest.pipeline import import_files
    from tongwen.store import Store

    memory = _MemorySampler()
    with tempfile.TemporaryDirectory(prefix="tongwen-bench-") as data_dir:
        settings = Settings.load(data_dir, database=database)
        with Store.open(settings.database) as store:
            started, cpu_started = time.perf_counter(), _cpu_seconds()
            summary = import_files(
                store, [path], source="bench", institution="BENCH", format="marc", workers=workers
            )
            seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
            result = {
                "size": size,
                "workers": workers,
                "seconds": seconds,
                "rate": summary.records_read / seconds,
                "cpu_rate": summary.records_read / cpu_seconds,
                "counts": summary.counts,
            }
            if reimport:
                started = time.perf_counter()
                again = import_files(
                    store, [path], source="bench", institution="BENCH", format="marc", workers=workers
                )
                result["reimport_rate"] = again.records_read / (time.perf_counter() - started)
                result["reimport_unchanged"] = again.counts["unchanged"]
            started = time.perf_counter()
            store.stats()
            result["stats_seconds"] = time.perf_counter() - started
            result["db_mb"] = _database_mb(settings.database, store)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["peak_rss_mb"] = max(own_peak, memory.stop())
    print(json.dumps(result))


def _cpu_seconds() -> float:
    """This process's CPU and that of its children that ended (the workers end with each import)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class _MemorySampler:
    """The largest sum of resident memory of this process and its descendants, read from /proc."""

    def __init__(self, every: float = 0.1):
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)
        self._thread.start()

    def _run(self, every: float) -> None:
        while not self._done.wait(every):
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in process_family(os.getpid())))

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_mb


def process_family(pid: int) -> list[int]:
    """`pid` and every process under it, from /proc (bench/serve.py counts a server's CPU with it too)."""
    pids, found = [pid], 0
    while found < len(pids):
        try:
            for task in os.listdir(f"/proc/{pids[found]}/task"):
                with open(f"/proc/{pids[found]}/task/{task}/children") as children:
                    pids += [int(child) for child in children.read().split()]
        except OSError:  # ended meanwhile
            pass
        found += 1
    return pids


def _rss_mb(pid: int) -> float:
    """Proportional set size: a page the forked workers still share with the importer counts once in all."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def bare_parse(path: Path) -> dict[str, float]:
    """pymarc alone reading the file (decoding every record to Unicode, as the importer does): the yardstick."""
    warnings.simplefilter("ignore")
    started, cpu_started = time.perf_counter(), time.process_time()
    count = 0
    with open(path, "rb") as stream:
        for _ in pymarc.MARCReader(stream, to_unicode=True, force_utf8=True, permissive=True):
            count += 1
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return {"rate": count / seconds, "cpu_rate": count / cpu_seconds}


def _database_mb(database, store) -> float:
    if database.dialect == "sqlite":
        return database.path.stat().st_size / 2**20
    return store._conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--reimport", action="store_true", help="also time importing the same file again")
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite"])
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="mapping processes to compare (1: in the importer)"
    )
    parser.add_argument("--child", nargs=2, metavar=("FILE", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), int(args.child[1]), args.reimport, args.database, args.workers[0])
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="tongwen-bench-marc-") as tmp, ExitStack() as servers:
        server = servers.enter_context(_postgres()) if "postgresql" in args.backends else None
        for size in args.sizes:
            path = Path(tmp) / f"bench-{size}.mrc"
            write_file(path, size)
            bare = bare_parse(path)
            for backend in args.backends:
                for workers in args.workers:
                    command = [sys.executable, __file__, "--child", str(path), str(size), "--workers", str(workers)]
                    if backend == "postgresql":
                        command += ["--database", servers.enter_context(_fresh_schema(server))]
                    if args.reimport:
                        command.append("--reimport")
                    done = subprocess.run(command, capture_output=True, text=True, check=False)
                    if done.returncode != 0:
                        sys.exit(f"size {size} on {backend} with {workers} workers failed:\n{done.stderr}")
                    result = json.loads(done.stdout.strip().splitlines()[-1])
                    result.update(file_mb=path.stat().st_size / 2**20, backend=backend, bare=bare)
                    rows.append(result)
            path.unlink()
    header = (
        f"{'backend':>10} {'workers':>7} {'records':>9} {'file MB':>8} {'seconds':>8} {'records/s':>10}"
        f" {'rec/CPU-s':>10} {'peak RSS MB':>12} {'db MB':>7} {'stats() s':>10}"
        f" {'pymarc/s':>9} {'÷ pymarc':>9} {'CPU ÷ pymarc':>13}"
    )
    if args.reimport:
        header += f" {'re-import/s':>12} {'unchanged':>10}"
    print(header)
    for r in rows:
        line = (
            f"{r['backend']:>10} {r['workers']:>7} {r['size']:>9,} {r['file_mb']:>8.0f} {r['seconds']:>8.1f}"
            f" {r['rate']:>10,.0f} {r['cpu_rate']:>10,.0f} {r['peak_rss_mb']:>12.0f} {r['db_mb']:>7.0f}"
            f" {r['stats_seconds']:>10.2f} {r['bare']['rate']:>9,.0f} {r['rate'] / r['bare']['rate']:>9.2f}"
            f" {r['cpu_rate'] / r['bare']['cpu_rate']:>13.2f}"
        )
        if args.reimport:
            line += f" {r['reimport_rate']:>12,.0f} {r['reimport_unchanged']:>10,}"
        print(line)
    rejected = {r["size"]: r["counts"]["rejected"] for r in rows if r["counts"]["rejected"]}
    if rejected:
        print(f"rejected records (by size): {rejected}")


if __name__ == "__main__":
    main()
