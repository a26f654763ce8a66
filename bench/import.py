"""Import speed and memory: records/s and peak RSS importing 100k and 400k MARC records end to end.

    python bench/import.py                 # 100k and 400k
    python bench/import.py --sizes 20000   # a quick look
    python bench/import.py --backends sqlite postgresql --sizes 100000   # both stores, same file, same run

The shared real MARC files (Open Library 880 fixtures, marc4j, pymarc test data) are replicated with new
001 ids into one temporary ISO 2709 file per size, then imported (reader → MARC mapper → SQLite store, the
real pipeline) into a fresh temporary data directory (with ``postgresql``: into a throwaway PostgreSQL
cluster started for the run, as the tests start theirs). Each size runs in its own subprocess so peak RSS is
that size's alone: flat memory means the two peaks are about equal. Goal: ≥ 2,000 records/s on one core;
records per CPU-second is printed too, as wall-clock rates on a busy machine say more about the neighbours.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
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


def child(path: Path, size: int, reimport: bool, database: str | None) -> None:
    from tongwen.config import Settings
    from tongwen.ingest.pipeline import import_files
    from tongwen.store import Store

    with tempfile.TemporaryDirectory(prefix="tongwen-bench-") as data_dir:
        settings = Settings.load(data_dir, database=database)
        with Store.open(settings.database) as store:
            started, cpu_started = time.perf_counter(), time.process_time()
            summary = import_files(store, [path], source="bench", institution="BENCH", format="marc")
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
            result = {
                "size": size,
                "seconds": seconds,
                "rate": summary.records_read / seconds,
                "cpu_rate": summary.records_read / cpu_seconds,
                "counts": summary.counts,
            }
            if reimport:
                started = time.perf_counter()
                again = import_files(store, [path], source="bench", institution="BENCH", format="marc")
                result["reimport_rate"] = again.records_read / (time.perf_counter() - started)
                result["reimport_unchanged"] = again.counts["unchanged"]
            started = time.perf_counter()
            store.stats()
            result["stats_seconds"] = time.perf_counter() - started
            result["db_mb"] = _database_mb(settings.database, store)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


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
    parser.add_argument("--child", nargs=2, metavar=("FILE", "SIZE"), help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), int(args.child[1]), args.reimport, args.database)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="tongwen-bench-marc-") as tmp, ExitStack() as servers:
        server = servers.enter_context(_postgres()) if "postgresql" in args.backends else None
        for size in args.sizes:
            path = Path(tmp) / f"bench-{size}.mrc"
            write_file(path, size)
            for backend in args.backends:
                command = [sys.executable, __file__, "--child", str(path), str(size)]
                if backend == "postgresql":
                    command += ["--database", servers.enter_context(_fresh_schema(server))]
                if args.reimport:
                    command.append("--reimport")
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    sys.exit(f"size {size} on {backend} failed:\n{done.stderr}")
                result = json.loads(done.stdout.strip().splitlines()[-1])
                result["file_mb"] = path.stat().st_size / 2**20
                result["backend"] = backend
                rows.append(result)
            path.unlink()
    header = (
        f"{'backend':>10} {'records':>9} {'file MB':>8} {'seconds':>8} {'records/s':>10} {'peak RSS MB':>12} {'db MB':>7}"
        f" {'stats() s':>10} {'records/CPU-s':>14}"
    )
    if args.reimport:
        header += f" {'re-import/s':>12} {'unchanged':>10}"
    print(header)
    for r in rows:
        line = (
            f"{r['backend']:>10} {r['size']:>9,} {r['file_mb']:>8.0f} {r['seconds']:>8.1f} {r['rate']:>10,.0f} "
            f"{r['peak_rss_mb']:>12.0f} {r['db_mb']:>7.0f} {r['stats_seconds']:>10.2f} {r['cpu_rate']:>14,.0f}"
        )
        if args.reimport:
            line += f" {r['reimport_rate']:>12,.0f} {r['reimport_unchanged']:>10,}"
        print(line)
    rejected = {r["size"]: r["counts"]["rejected"] for r in rows if r["counts"]["rejected"]}
    if rejected:
        print(f"rejected records (by size): {rejected}")


if __name__ == "__main__":
    main()
