"""Importing on several cores: workers parse and map, the importer stores in input order, so an import with
workers ends exactly as one in a single process — same records, problems and counts — and resumes the same.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
from pathlib import Path

import pytest

from tongwen.ingest import FORMATS, parallel
from tongwen.ingest.base import MapContext
from tongwen.ingest.parallel import MappingWorkers, WorkerCrashed, can_map_in_workers, default_workers
from tongwen.ingest.pipeline import ImportProgress, import_files
from tongwen.store import Store

PRIDE = "marc4j-test-resources/pride-and-prejudice-fixed.mrc"
PRIDE_BROKEN = "marc4j-test-resources/pride-and-prejudice-with-many-errors.mrc"
CJK_880 = [  # Open Library's 880 (alternate script) records, and CJK in MARC-8 with broken multibyte runs
    "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc",
    "openlibrary-marc-880/bin_input/880_alternate_script.mrc",
    "openlibrary-marc-880/bin_input/880_table_of_contents.mrc",
    "marc4j-test-resources/chinese_mangled_multibyte.mrc",
]
REAL_FILES = [PRIDE_BROKEN, *CJK_880, PRIDE]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real files are small: chunks of 7 records make many chunks, cut records apart across chunk
    # boundaries and fill the in-flight bound, as a large file does with the default size.
    monkeypatch.setattr(parallel, "CHUNK", 7)


def outcome(store: Store) -> tuple[list, list, list]:
    """Everything an import leaves: the records (in full), each run's problems in order, each run's counts."""
    records = [record.to_dict() for record in store.iter_records(include_deleted=True)]
    runs = store.runs(limit=None)
    problems = [store.problems(run.id) for run in runs]
    return records, problems, [(run.status, run.counts, run.problem_count) for run in runs]


def stored_records(store: Store) -> list[dict]:
    """The records without their provenance (which names the run that stored each)."""
    return [{**record.to_dict(), "provenance": None} for record in store.iter_records()]


def test_binary_marc_is_mapped_in_workers_and_xml_formats_are_not() -> None:
    assert can_map_in_workers(FORMATS["marc"])
    assert not any(can_map_in_workers(FORMATS[name]) for name in ("marcxml", "mods", "dc", "csv"))
    assert default_workers(50_000_000, cores=2) == 2
    assert default_workers(50_000, cores=2) == 1  # a small file: starting workers would cost more
    assert default_workers(50_000_000, cores=1) == 1


def test_at_most_two_chunks_per_worker_are_in_flight(shared_data: Path) -> None:
    marc, pulled = FORMATS["marc"], 0

    def frames(stream):
        nonlocal pulled
        for frame in marc.frames(stream):
            pulled += 1
            yield frame

    with open(shared_data / PRIDE, "rb") as stream, MappingWorkers(2, MapContext("bl"), {}, 1) as workers:
        for done, mapped in enumerate(workers.map(marc, frames(stream), "pride.mrc"), start=1):
            # the chunk being handed out plus three more: memory does not grow with the file
            assert pulled - done < 2 * 2 * parallel.CHUNK
            assert mapped.raw.position.startswith(f"pride.mrc record {done}")
    assert done == pulled == 383


def test_zero_workers_is_refused_before_a_run_begins(shared_data: Path, tmp_path: Path) -> None:
    with Store.open(tmp_path / "none.sqlite") as store:
        with pytest.raises(ValueError, match="workers must be 1 or more"):
            import_files(store, [shared_data / PRIDE], source="bl", workers=0)
        assert store.runs() == []


def test_two_workers_store_what_one_process_stores(shared_data: Path, tmp_path: Path, database: str) -> None:
    files = [shared_data / name for name in REAL_FILES]
    with Store.open(tmp_path / "one.sqlite") as alone:
        expected = import_files(alone, files, source="bl", institution="BL", workers=1)
        expected_outcome = outcome(alone)
    with Store.open(database) as store:
        summary = import_files(store, files, source="bl", institution="BL", workers=2)
        assert outcome(store) == expected_outcome
    assert summary.counts == expected.counts and summary.records_read == expected.records_read
    assert summary.first_problems == expected.first_problems
    # the files hold what the comparison is about: repairs, rejections of broken records, CJK from 880s
    assert summary.counts["rejected"] >= 16 and summary.counts["repaired"] > 0
    assert re.search("[\u4e00-\u9fff]", json.dumps(expected_outcome[0], ensure_ascii=False))


def test_a_file_that_breaks_off_is_reported_the_same_with_workers(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / PRIDE).read_bytes()
    cut = tmp_path / "cut.mrc"
    cut.write_bytes(data[: len(data) * 2 // 3])  # the file ends in the middle of a record
    outcomes = []
    for workers in (1, 2):
        with Store.open(tmp_path / f"cut-{workers}.sqlite") as store:
            import_files(store, [cut], source="bl", workers=workers)
            outcomes.append(outcome(store))
    assert outcomes[0] == outcomes[1]
    assert any("truncated" in problem.message for problem in outcomes[0][1][0])


def test_an_interrupted_parallel_import_resumes_without_duplicates(
    shared_data: Path, tmp_path: Path, database: str
) -> None:
    class Stop(Exception):
        pass

    def stop_after_150(state: ImportProgress) -> None:
        if state.records == 150:
            raise Stop

    files = [shared_data / PRIDE, *(shared_data / name for name in CJK_880)]
    with Store.open(database) as store:
        with pytest.raises(Stop):
            import_files(store, files, source="bl", progress=stop_after_150, batch_size=40, workers=2)
        [interrupted] = store.runs()
        assert interrupted.status == "interrupted"
        kept = store.count()
        assert 100 < kept < 150
        resumed = import_files(store, files, source="bl", workers=2)
        assert resumed.counts["unchanged"] == kept
        with Store.open(tmp_path / "clean.sqlite") as clean:
            import_files(clean, files, source="bl", workers=1)
            assert stored_records(store) == stored_records(clean)
    assert not multiprocessing.active_children()  # the workers ended with the run


def test_a_worker_killed_mid_import_stops_it_clearly_and_keeps_what_was_stored(
    shared_data: Path, tmp_path: Path
) -> None:
    others = {child.pid for child in multiprocessing.active_children()}  # started by earlier tests

    def kill_a_worker_at_100(state: ImportProgress) -> None:
        if state.records == 100:  # as the kernel's OOM killer would
            [worker, *_] = [child for child in multiprocessing.active_children() if child.pid not in others]
            os.kill(worker.pid, signal.SIGKILL)

    files = [shared_data / PRIDE]
    with Store.open(tmp_path / "crash.sqlite") as store:
        with pytest.raises(WorkerCrashed) as crash:
            import_files(store, files, source="bl", progress=kill_a_worker_at_100, batch_size=40, workers=2)
        assert "pride-and-prejudice-fixed.mrc: a worker process ended" in str(crash.value)
        assert "Run the same import again" in str(crash.value)
        [run] = store.runs()
        assert run.status == "interrupted" and store.problems(run.id)[-1].message == str(crash.value)
        kept = {record.id for record in store.iter_records()}
        assert len(kept) >= 80  # those handled before the crash: committed, not rolled back
        resumed = import_files(store, files, source="bl", workers=2)
        assert resumed.counts["unchanged"] == len(kept)
        with Store.open(tmp_path / "clean.sqlite") as clean:
            import_files(clean, files, source="bl", workers=1)
            assert stored_records(store) == stored_records(clean)
