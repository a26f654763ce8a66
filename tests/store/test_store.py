"""The store as a user of it sees it: add, change, delete, follow changes, upgrade, read-only."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tongwen.model import Agent, Form, Provenance, Record, Title
from tongwen.store import SCHEMA_VERSION, Store, StoreError
from tongwen.store.codec import encode
from tongwen.store.database import Database
from tongwen.store.records import MIGRATIONS, migrate


def hongloumeng(local_id: str = "001", *, run_id: int = 1, title: str = "红楼梦") -> Record:
    return Record(
        source="nlc",
        local_id=local_id,
        institution="NLC",
        titles=[Title([Form(title, "Hani", "chi"), Form("Hong lou meng", "Latn", "chi")])],
        agents=[
            Agent([Form("曹雪芹", "Hani", "chi"), Form("Cao, Xueqin", "Latn", "chi")], dates="1715-1763")
        ],
        languages=["chi"],
        year_from=1982,
        provenance=Provenance(
            "nlc", "marc", run_id=run_id, position="nlc.mrc record 1", original="<record/>"
        ),
    )


@pytest.fixture
def store(database: str):
    """A store on each backend in turn (the `database` fixture: SQLite, then PostgreSQL)."""
    with Store.open(database) as opened:
        yield opened


def test_upsert_reports_added_then_unchanged_then_updated(store: Store) -> None:
    assert store.upsert(hongloumeng()) == "added"
    assert store.upsert(hongloumeng(run_id=2)) == "unchanged"  # a later run of the same record
    assert store.upsert(hongloumeng(title="紅樓夢")) == "updated"
    assert store.get("nlc:001").titles[0].text == "紅樓夢"
    assert store.count() == 1


def test_record_round_trips_with_its_original_and_provenance(store: Store) -> None:
    record = hongloumeng(run_id=5)
    store.upsert(record)
    assert store.get("nlc:001") == record
    assert store.get("nlc:missing") is None


def test_unchanged_record_keeps_its_datestamp_and_seq(store: Store) -> None:
    store.upsert(hongloumeng())
    before = store.changes_since(0)
    store.upsert(hongloumeng(run_id=9))
    assert store.changes_since(0) == before
    assert store.max_seq() == 1


def test_every_change_takes_the_next_seq(store: Store) -> None:
    store.upsert(hongloumeng("a"))
    store.upsert(hongloumeng("b"))
    store.upsert(hongloumeng("a", title="石头记"))
    assert store.delete("nlc:b") is True
    changes = store.changes_since(0)
    assert [(c.record_id, c.seq, c.deleted) for c in changes] == [("nlc:a", 3, False), ("nlc:b", 4, True)]
    assert changes[0].record.titles[0].text == "石头记"
    assert changes[1].record is None
    assert [c.record_id for c in store.changes_since(3)] == ["nlc:b"]
    assert len(store.changes_since(0, limit=1)) == 1


def test_delete_keeps_a_tombstone(store: Store) -> None:
    store.upsert(hongloumeng())
    assert store.delete("nlc:001") is True
    assert store.delete("nlc:001") is False  # already gone
    assert store.delete("nlc:never-seen") is False
    assert store.get("nlc:001") is None
    assert store.get("nlc:001", include_deleted=True).titles[0].text == "红楼梦"
    assert store.count() == 0
    assert [r.id for r in store.iter_records(include_deleted=True)] == ["nlc:001"]
    assert list(store.iter_records()) == []
    assert store.stats()["deleted"] == 1


def test_a_deleted_record_imported_again_is_added_back(store: Store) -> None:
    store.upsert(hongloumeng())
    store.delete("nlc:001")
    assert store.upsert(hongloumeng()) == "added"
    assert store.count() == 1
    assert store.changes_since(2)[0].deleted is False


def test_get_many_keeps_the_order_asked_and_skips_unknown_ids(store: Store) -> None:
    for local_id in ("1", "2", "3"):
        store.upsert(hongloumeng(local_id))
    wanted = ["nlc:3", "nlc:nope", "nlc:1", "nlc:2"]
    assert [r.id for r in store.get_many(wanted)] == ["nlc:3", "nlc:1", "nlc:2"]


def test_iter_records_pages_through_many_records_by_source(store: Store) -> None:
    with store.batch(every=300):
        for n in range(2500):
            store.upsert(hongloumeng(f"{n:05d}"))
        store.upsert(Record("ndl", "x1", institution="NDL"))
    ids = [r.id for r in store.iter_records(source="nlc", with_original=False)]
    assert len(ids) == 2500 and ids == sorted(ids)
    assert [r.id for r in store.iter_records(source="ndl")] == ["ndl:x1"]
    assert store.count() == 2501 and store.count("nlc") == 2500


def test_iter_records_fetches_big_records_a_few_at_a_time(store: Store) -> None:
    # Digitised books: each record holds all its pages. A thousand of them per fetch was most of the
    # full-text benchmark's collection, so a rebuild's memory grew with the collection.
    import random

    from tongwen.model import Page
    from tongwen.store.records import _PAGE_BYTES, _rows_within

    rng = random.Random(7)
    with store.batch(every=20):
        for n in range(120):
            text = "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(40_000))
            store.upsert(Record("kanripo", f"KR{n:04d}", pages=[Page(f"{n:03d}-1a", text=text)]))
    ids = [r.id for r in store.iter_records(with_original=False)]
    assert len(ids) == 120 and ids == sorted(ids)
    big_rows = [("x" * 100_000,)] * 50
    assert _rows_within(_PAGE_BYTES, big_rows) == _PAGE_BYTES // 100_000
    assert _rows_within(_PAGE_BYTES, [("small",)] * 50) == 1000


def test_writes_during_iteration_are_safe(store: Store) -> None:
    for n in range(1200):
        store.upsert(hongloumeng(f"{n:05d}"))
    seen = 0
    for record in store.iter_records():
        store.upsert(hongloumeng(record.local_id, title="石头记"))
        seen += 1
    assert seen == 1200
    assert {r.titles[0].text for r in store.iter_records()} == {"石头记"}


def test_batch_commits_what_was_written_before_an_interruption(database: str) -> None:
    path = database
    with Store.open(path) as store, pytest.raises(KeyboardInterrupt), store.batch(every=1000):
        for n in range(10):
            store.upsert(hongloumeng(str(n)))
        raise KeyboardInterrupt
    with Store.open(path) as reopened:
        assert reopened.count() == 10


def test_stats_count_sources_languages_scripts_and_years(store: Store) -> None:
    store.upsert(hongloumeng("1"))
    store.upsert(hongloumeng("2"))
    store.upsert(
        Record(
            "ndl",
            "jp1",
            institution="NDL",
            languages=["jpn"],
            year_from=1774,
            year_to=1775,
            titles=[Title([Form("解體新書", "Hani", "jpn"), Form("かいたいしんしょ", "Jpan", "jpn")])],
        )
    )
    stats = store.stats()
    assert stats["records"] == 3
    assert stats["sources"] == {"nlc": 2, "ndl": 1}
    assert stats["institutions"] == {"NLC": 2, "NDL": 1}
    assert stats["languages"] == {"chi": 2, "jpn": 1}
    assert stats["scripts"] == {"Hani": 3, "Latn": 2, "Jpan": 1}
    assert stats["years"] == {"from": 1774, "to": 1982, "records_with_year": 3}


def recounted(store: Store) -> dict:
    """What `stats()` must say, counted afresh from the live records themselves."""
    counts: dict[str, dict[str, int]] = {"sources": {}, "institutions": {}, "languages": {}, "scripts": {}}
    for record in store.iter_records():
        for name, values in (("sources", [record.source]), ("institutions", [record.institution] if
                             record.institution else []), ("languages", record.languages),
                             ("scripts", record.scripts())):
            for value in values:
                counts[name][value] = counts[name].get(value, 0) + 1
    return {name: dict(sorted(found.items(), key=lambda item: (-item[1], item[0])))
            for name, found in counts.items()} | {"records": store.count()}


def test_the_kept_counts_follow_every_kind_of_change(store: Store) -> None:
    """Stats come from counts each write keeps (not a scan): after adds, updates that move a record to another
    library and language, deletes, a tombstone brought back and an interrupted batch, they still equal a recount."""
    for n in range(6):
        store.upsert(hongloumeng(str(n)))
    moved = hongloumeng("1")
    moved.institution, moved.languages = "NDL", ["jpn"]
    store.upsert(moved)
    assert store.delete("nlc:2") and not store.delete("nlc:2")
    store.upsert(hongloumeng("3"))  # unchanged: counts nothing
    assert store.delete("nlc:4")
    assert store.upsert(hongloumeng("4")) == "added"  # the tombstone brought back
    with pytest.raises(KeyboardInterrupt), store.batch(every=2):
        for n in range(10, 15):
            store.upsert(hongloumeng(str(n)))
        store.delete("nlc:10")
        raise KeyboardInterrupt
    stats = store.stats()
    assert {name: stats[name] for name in ("sources", "institutions", "languages", "scripts", "records")} == (
        recounted(store)
    )
    assert stats["records"] == 9 and stats["deleted"] == 2
    assert stats["institutions"] == {"NLC": 8, "NDL": 1}
    store.register_source("nlc", "NLC")
    assert [(source.name, source.records) for source in store.sources()] == [("nlc", 9)]


def test_runs_problems_and_sources_are_kept(store: Store) -> None:
    store.register_source("nlc", "NLC", "marc")
    store.register_source("nlc")  # registering again keeps what is known
    run_id = store.begin_run("import", "nlc", ["a.mrc", "b.mrc"], "marc")
    store.add_problem(run_id, "a.mrc record 3", "nlc:3", "245$a", "error", "no title")
    store.upsert(hongloumeng())
    store.finish_run(run_id, {"added": 1, "rejected": 1}, "problems")
    [run] = store.runs()
    assert (run.id, run.status, run.files, run.problem_count) == (run_id, "problems", ["a.mrc", "b.mrc"], 1)
    assert run.counts == {
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "rejected": 1,
        "repaired": 0,
    }
    assert run.finished is not None
    [problem] = store.problems(run_id)
    assert str(problem) == "a.mrc record 3, nlc:3: 245$a: no title"
    [source] = store.sources()
    assert (source.name, source.institution, source.format, source.records) == ("nlc", "NLC", "marc", 1)
    with pytest.raises(ValueError, match="unknown run counts"):
        store.finish_run(run_id, {"added": 1, "addded": 2}, "ok")


def test_opening_a_version_1_database_upgrades_it_and_fills_the_new_columns(database: str) -> None:
    path, engine = database, Database.at(database)
    conn = engine.connect()
    assert migrate(conn, engine, target=1) == 1
    old = encode(hongloumeng())
    conn.execute(
        "INSERT INTO records (id, source, local_id, institution, content, original, run_id, position, hash,"
        " datestamp, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2020-01-01T00:00:00Z', 1)",
        (
            old.id,
            old.source,
            old.local_id,
            old.institution,
            old.content,
            old.original,
            old.run_id,
            old.position,
            old.hash,
        ),
    )
    conn.close()
    with pytest.raises(StoreError, match="open it once for writing"):
        Store.open(path, read_only=True)
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1].version
        assert store.stats()["languages"] == {"chi": 1}
        assert store.stats()["scripts"] == {"Hani": 1, "Latn": 1}
        assert store.upsert(hongloumeng()) == "unchanged"


def test_a_database_from_a_newer_tongwen_is_refused(database: str) -> None:
    path, engine = database, Database.at(database)
    Store.open(path).close()
    conn = engine.connect()
    engine.set_schema_version(conn, SCHEMA_VERSION + 1)
    conn.close()
    with pytest.raises(StoreError, match="newer than this Tongwen"):
        Store.open(path)


def test_read_only_store_reads_but_refuses_writes_and_works_across_threads(database: str, tmp_path: Path) -> None:
    path = database
    with pytest.raises(StoreError, match="no Tongwen (database|store)"):
        Store.open(tmp_path / "missing.sqlite" if database.endswith(".sqlite") else database, read_only=True)
    with Store.open(path) as store:
        store.upsert(hongloumeng())
    with Store.open(path, read_only=True) as ro:
        assert ro.get("nlc:001").titles[0].text == "红楼梦"
        with pytest.raises(StoreError, match="read-only"):
            ro.upsert(hongloumeng("2"))
        with pytest.raises(StoreError, match="read-only"):
            ro.delete("nlc:001")
        found: list[int] = []
        worker = threading.Thread(target=lambda: found.append(ro.count()))
        worker.start()
        worker.join()
        assert found == [1]


def test_a_reader_sees_a_writers_batches_as_they_commit(database: str) -> None:
    path = database
    with Store.open(path) as writer:
        writer.upsert(hongloumeng("0"))
        with Store.open(path, read_only=True) as reader:
            with writer.batch(every=2):
                for n in range(1, 4):
                    writer.upsert(hongloumeng(str(n)))
                assert reader.max_seq() == 3  # two of three committed; the third still pending
            assert reader.max_seq() == 4


def test_seen_in_run_tells_a_repeated_id_within_one_run(store: Store) -> None:
    run_id = store.begin_run("import", "nlc", ["a.mrc"], "marc")
    assert store.seen_in_run(run_id, "nlc:1") is False
    assert store.seen_in_run(run_id, "nlc:1") is True
    assert store.seen_in_run(run_id, "nlc:2") is False
    store.finish_run(run_id, {}, "ok")
    next_run = store.begin_run("import", "nlc", ["a.mrc"], "marc")
    assert store.seen_in_run(next_run, "nlc:1") is False


def begin_run_in_a_process_then(database: str, *, die: bool) -> subprocess.Popen:
    """A real importer process that starts a run and then waits; `die` kills it with SIGKILL, as `kill -9` does."""
    script = (
        "import sys, time\n"
        "from tongwen.store import Store\n"
        f"with Store.open({database!r}) as store:\n"
        "    store.begin_run('import', 'nlk', ['nlk.mrc'], 'marc')\n"
        "    print('started', flush=True)\n"
        "    time.sleep(60)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "started\n"
    if die:
        process.kill()
        process.wait()
    return process


def test_a_run_whose_process_was_killed_is_interrupted_at_the_next_open(database: str) -> None:
    begin_run_in_a_process_then(database, die=True)
    with Store.open(database) as store:
        (run,) = store.runs()
    assert run.status == "interrupted" and run.finished is not None


def test_a_run_whose_process_still_works_stays_running(database: str) -> None:
    importer = begin_run_in_a_process_then(database, die=False)
    try:
        with Store.open(database) as store:
            (run,) = store.runs()
        assert run.status == "running"
    finally:
        importer.kill()
        importer.wait()


def test_runs_of_another_host_or_from_before_owners_were_kept_are_left_alone(store: Store, database: str) -> None:
    for owner in ("another-host:1:0", None):
        run_id = store.begin_run("harvest", "ndl", ["https://example.org/oai"], "oai_dc")
        store._conn.execute("UPDATE runs SET owner = ? WHERE id = ?", (owner, run_id))
    store.close()
    with Store.open(database) as reopened:
        assert [run.status for run in reopened.runs()] == ["running", "running"]


def test_fetching_a_page_of_hits_looks_the_ids_up(tmp_path: Path) -> None:
    """`get_many` (a results page's 20 records) goes by primary key, never through all live records (a plan
    SQLite's planner needed steering to; PostgreSQL's finds it alone)."""
    store = Store.open(tmp_path / "tongwen.sqlite")
    for number in range(20):
        store.upsert(hongloumeng(str(number)))
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    assert len(store.get_many([f"nlc:{number}" for number in range(20)])) == 20
    store._conn.set_trace_callback(None)
    (select,) = [sql for sql in statements if sql.startswith("SELECT")]
    plan = str(store._conn.execute(f"EXPLAIN QUERY PLAN {select}").fetchall())
    assert "sqlite_autoindex_records_1" in plan and "records_facets" not in plan


def test_processes_opening_a_new_database_at_once_create_it_once(database: str, tmp_path: Path) -> None:
    """Two importers and a harvester started together on an empty database: one creates the tables, the
    others find them made (the version is asked again under the write lock). On SQLite the race is in
    switching a new file to WAL, lost about once in 40 tries: 60 new files are opened three at a time."""
    places = [database] if database.startswith("postgresql") else [tmp_path / f"new-{n}.sqlite" for n in range(60)]
    errors: list[BaseException] = []

    def open_and_close(place: str | Path) -> None:
        try:
            Store.open(place).close()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    for place in places:
        openers = [threading.Thread(target=open_and_close, args=(place,)) for _ in range(3)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join()
        assert errors == []
        with Store.open(place) as store:
            assert store.schema_version() == SCHEMA_VERSION


def test_a_new_source_loads_in_bulk_and_reads_see_what_is_held_back(store: Store) -> None:
    """In a batch promising distinct ids, records of a source new to the store are written together at commit
    (COPY on PostgreSQL); reads inside the batch still see them, and a value the database would refuse is
    refused with its record alone."""
    with store.batch(every=1000, distinct_ids=True):
        for n in range(5):
            assert store.upsert(hongloumeng(str(n))) == "added"
        assert store.count() == 5 and store.get("nlc:3") is not None  # seen before the commit
        assert store.upsert(hongloumeng("3", title="石头记")) == "updated"  # asked again: looked up like any
        broken = hongloumeng("nul")
        broken.provenance.original = "<record>\x00</record>"
        if store.database.dialect == "postgresql":
            with pytest.raises(ValueError, match="NUL"):
                store.upsert(broken)
        else:
            assert store.upsert(broken) == "added"  # SQLite keeps the NUL as it is
        store.upsert(hongloumeng("5"))
    stored = 6 if store.database.dialect == "postgresql" else 7
    assert store.max_seq() == stored + 1  # one number per write (the update took its own), none for the refused
    assert [change.record_id for change in store.changes_since(0)][-2:] == (
        ["nlc:3", "nlc:5"] if stored == 6 else ["nlc:nul", "nlc:5"]
    )
    assert store.count() == stored
    assert store.get("nlc:3").titles[0].text == "石头记"
    assert store.stats()["records"] == store.count()


def test_a_prefetched_batch_answers_as_asking_each_record_would(store: Store) -> None:
    """A re-import prefetches a chunk of ids in one query; upsert and delete then answer from it exactly as
    they would by asking the store, and the kept counts stay true."""
    with store.batch():
        for n in range(4):
            store.upsert(hongloumeng(str(n)))
    with store.batch(every=1000, distinct_ids=True):
        store.prefetch(["nlc:0", "nlc:1", "nlc:2", "nlc:3", "nlc:new"])
        assert store.upsert(hongloumeng("0")) == "unchanged"
        assert store.upsert(hongloumeng("1", title="石头记")) == "updated"
        assert store.delete("nlc:2") is True
        assert store.upsert(hongloumeng("new")) == "added"
        assert store.delete("nlc:missing") is False
    assert store.get("nlc:1").titles[0].text == "石头记" and store.get("nlc:2") is None
    assert store.count() == 4 and store.stats()["deleted"] == 1
    with store.batch(every=1000, distinct_ids=True):
        store.prefetch(["nlc:2"])
        assert store.upsert(hongloumeng("2")) == "added"  # a tombstone brought back
    assert store.count() == 5


def test_prefetched_rows_are_dropped_when_another_writer_commits_between_two_transactions(database: str) -> None:
    """Between two transactions of a batch another importer may write (on PostgreSQL a waiting writer gets
    the lock as soon as ours commits): what was prefetched before is not trusted after that."""
    with Store.open(database) as store:
        store.upsert(hongloumeng("1"))
        store.upsert(hongloumeng("2"))
    other_wrote = threading.Event()

    def other_writer() -> None:
        with Store.open(database) as other:
            other.upsert(hongloumeng("2", title="石头记"))
        other_wrote.set()

    with Store.open(database) as importer, importer.batch(every=1, distinct_ids=True):
        importer.prefetch(["nlc:1", "nlc:2"])
        writer = threading.Thread(target=other_writer)
        writer.start()
        other_wrote.wait(0.5)  # it waits for our write lock
        assert importer.upsert(hongloumeng("1", title="红楼梦 新版")) == "updated"  # commits: the other may go
        other_wrote.wait(2)
        # As the store stands now: 石头记 if the other got in (its change must not be taken for ours),
        # else still 红楼梦, which this upsert leaves unchanged.
        expected = "updated" if other_wrote.is_set() else "unchanged"
        assert importer.upsert(hongloumeng("2")) == expected
    writer.join(10)
    with Store.open(database) as store:
        assert store.count() == 2
        assert store.stats()["records"] == 2
