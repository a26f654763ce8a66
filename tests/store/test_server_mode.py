"""Server mode as a librarian runs it: `--database postgresql://…` on a real PostgreSQL server, the same
commands as with the embedded SQLite, and nothing written to a SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_DIR, ROOT
from tongwen.store import Store
from tongwen.store.database import PostgresDatabase


@pytest.fixture
def postgres_database(postgres_server: str) -> str:
    from tests.postgres import fresh_schema

    with fresh_schema(postgres_server) as url:
        yield url


def tongwen(data: Path, database: str, *args: str) -> subprocess.Popen:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TONGWEN_")}
    return subprocess.Popen([sys.executable, "-m", "tongwen.cli", "--data", str(data), "--database", database,
                             *args], cwd=ROOT, env=environ | {"PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


def test_two_importers_write_at_once_and_every_change_keeps_its_own_number(
    postgres_database: str, tmp_path: Path
) -> None:
    """Two `tongwen import` processes at the same moment: both runs complete, and the change feed numbers
    every record once, without gaps, so a follower reading "changes after N" misses none."""
    importers = [
        tongwen(tmp_path / "a", postgres_database, "import", str(DEMO_DIR / "nlk.marcxml"), "--source", "nlk",
                "--institution", "NLK", "--no-index"),
        tongwen(tmp_path / "b", postgres_database, "import", str(DEMO_DIR / "ndl.marcxml"), "--source", "ndl",
                "--institution", "NDL", "--no-index"),
    ]
    for importer in importers:
        finished(importer)
    with Store.open(postgres_database, read_only=True) as store:
        runs = store.runs()
        assert sorted(run.source for run in runs) == ["ndl", "nlk"]
        assert all(run.status == "ok" for run in runs), [(run.source, run.status) for run in runs]
        changes = store.changes_since(0, limit=10_000)
        assert [change.seq for change in changes] == list(range(1, store.count() + 1))
        assert store.count() == sum(run.counts["added"] for run in runs) > 0
    assert not list(tmp_path.rglob("*.sqlite*"))


def test_stats_and_the_index_come_from_postgresql(postgres_database: str, tmp_path: Path) -> None:
    finished(tongwen(tmp_path, postgres_database, "import", str(DEMO_DIR / "nlc.dc.xml"), "--source", "nlc",
                     "--institution", "NLC"))
    stats = json.loads(finished(tongwen(tmp_path, postgres_database, "stats", "--json")))
    with Store.open(postgres_database, read_only=True) as store:
        assert stats["records"] == store.count() > 0
    found = json.loads(finished(tongwen(tmp_path, postgres_database, "search", "--json", "红楼梦")))
    assert found["total"] >= 1
    assert not list(tmp_path.rglob("*.sqlite*"))


def test_a_dump_restored_into_a_fresh_cluster_has_the_same_records_runs_and_works(
    postgres_database: str, tmp_path: Path
) -> None:
    """docs/deploying.md's backup and restore, as written there: pg_dump of the Tongwen schema, pg_restore
    into another cluster, and every count the same."""
    from tests.postgres import binary, cluster, schema_of
    from tongwen.works import Works

    finished(tongwen(tmp_path, postgres_database, "import", str(DEMO_DIR / "nlk.marcxml"), "--source", "nlk",
                     "--institution", "NLK"))
    server, schema = postgres_database.split("?")[0], schema_of(postgres_database)
    dump = tmp_path / "tongwen.dump"
    subprocess.run([binary("pg_dump"), "--format=custom", f"--schema={schema}", f"--file={dump}", server],
                   check=True, capture_output=True)
    with cluster() as fresh:
        subprocess.run([binary("pg_restore"), "--no-owner", f"--dbname={fresh}", str(dump)], check=True,
                       capture_output=True)
        restored = postgres_database.replace(server, fresh)
        with Store.open(postgres_database, read_only=True) as before, Store.open(restored, read_only=True) as after:
            assert after.stats() == before.stats()
            assert [run.counts for run in after.runs()] == [run.counts for run in before.runs()]
            assert after.changes_since(0, limit=10_000) == before.changes_since(0, limit=10_000)
        with Works.open(postgres_database, read_only=True) as before, Works.open(restored, read_only=True) as after:
            assert after.stats() == before.stats()
        with Store.open(restored) as writable:  # the restored copy goes on numbering changes after the last
            last = writable.max_seq()
            assert writable.delete(writable.changes_since(0, limit=1)[0].record_id)
            assert writable.max_seq() == last + 1
        PostgresDatabase(restored).close_read_pool()  # before its cluster stops


def reading_connections(server: str) -> int:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tongwen' "
                            "AND backend_type = 'client backend'").fetchone()[0]


def test_the_portals_threads_share_a_few_reading_connections(postgres_database: str) -> None:
    """A web worker runs requests on 40 threads, each holding a store, works and agents reader. In server
    mode they share the process's pool (TONGWEN_DATABASE_READ_CONNECTIONS), so a few web workers stay far
    below PostgreSQL's max_connections, however many threads they run."""
    from concurrent.futures import ThreadPoolExecutor

    from tongwen.model import Form, Record, Title

    server = postgres_database.split("?")[0]
    with Store.open(postgres_database) as store:
        with store.batch():
            for n in range(50):
                store.upsert(Record("nlc", str(n), institution="NLC", titles=[Title([Form(f"紅樓夢 {n}", "Hani")])]))
    before = reading_connections(server)
    database = PostgresDatabase(postgres_database, read_connections=3)

    def read(n: int) -> tuple[str, int]:
        store = Store.open(database, read_only=True)  # one per thread, as the portal's
        record = store.get(f"nlc:{n % 50}")
        return record.titles[0].forms[0].text, store.count()

    with ThreadPoolExecutor(40) as threads:
        answers = list(threads.map(read, range(400)))
        opened = reading_connections(server) - before
    assert answers == [(f"紅樓夢 {n % 50}", 50) for n in range(400)]
    assert 1 <= opened <= 3
    database.close_read_pool()


def test_a_reader_whose_connection_the_server_dropped_still_answers(postgres_database: str) -> None:
    """A server restart or an idle timeout ends the pool's connections: the next read takes a fresh one."""
    import psycopg

    from tongwen.model import Form, Record, Title

    with Store.open(postgres_database) as store:
        store.upsert(Record("nlk", "1", institution="NLK", titles=[Title([Form("동의보감", "Hang")])]))
    reader = Store.open(postgres_database, read_only=True)
    assert reader.count() == 1
    with psycopg.connect(postgres_database.split("?")[0], autocommit=True) as conn:
        ended = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE application_name = 'tongwen' AND pid <> pg_backend_pid()").fetchone()[0]
    assert ended >= 1
    assert reader.get("nlk:1").titles[0].forms[0].text == "동의보감"


def test_page_tiles_go_to_the_shared_images_directory_and_another_node_serves_them(
    postgres_database: str, tmp_path: Path
) -> None:
    """Server mode tiles local page images only into TONGWEN_IMAGES, a directory every node reaches (a network
    file system): the importer's node writes them there, and a web node with a data dir of its own serves them."""
    from fastapi.testclient import TestClient

    from tongwen.config import Settings
    from tongwen.web.app import create_app
    from tongwen.web.images import LocalImages

    shared = tmp_path / "shared-images"
    environ = {key: value for key, value in os.environ.items() if not key.startswith("TONGWEN_")}
    imported = subprocess.run(
        [sys.executable, "-m", "tongwen.cli", "--data", str(tmp_path / "importer"), "--database", postgres_database,
         "import", str(DEMO_DIR / "ndl-digitised.tei.xml"), "--source", "ndl-digitised-demo", "--institution",
         "NDL", "--no-index"],
        cwd=ROOT, env=environ | {"PYTHONPATH": str(ROOT), "TONGWEN_IMAGES": str(shared)},
        capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stderr
    assert list(shared.rglob("info.json")), "no tiles in the shared directory"
    assert not (tmp_path / "importer" / "images").exists()

    node = Settings(data_dir=tmp_path / "node", database_url=postgres_database, images_path=shared)
    with Store.open(node.database, read_only=True) as store:
        [record] = [r for r in store.iter_records("ndl-digitised-demo") if r.pages]
    identifier = LocalImages(node.images_dir).identifier(record, record.pages[0])
    assert identifier is not None
    with TestClient(create_app(node)) as web:
        info = web.get(f"/iiif/image/{identifier}/info.json")
        assert info.status_code == 200 and info.json()["profile"] == "level0"
    assert Settings(data_dir=tmp_path / "bare", database_url=postgres_database).tiles_dir is None
