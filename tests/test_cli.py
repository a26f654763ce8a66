"""The `tongwen` command as a librarian uses it, run through click's CliRunner on real shared data."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongwen.cli import DEMO_MANIFEST, main
from tongwen.index.search_index import STATE_FILE

NIHON_NO_CHASHO = "openlibrary-marc-880/bin_input/880_Nihon_no_chasho.mrc"  # 001 3835178, 日本 の 茶書
PRIDE = "marc4j-test-resources/pride-and-prejudice-fixed.mrc"
MEDICAL_TSV = "mediclassics-hangul-hanja-titles/title_pairs.tsv"


def squeezed(output: str) -> str:
    """The output without spaces and line breaks, as tables wrap long cells at the terminal's width."""
    return "".join(output.split())


@pytest.fixture
def tongwen(tmp_path: Path):
    runner = CliRunner()

    def run(*args: str, expect: int = 0):
        result = runner.invoke(main, ["--data", str(tmp_path / "data"), *args], catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result

    return run


@pytest.mark.parametrize("command", [None, *sorted(main.commands)])
def test_every_command_explains_itself_with_an_example(tongwen, command: str | None) -> None:
    output = tongwen(*([command] if command else []), "--help").output
    assert "Usage:" in output and "Example" in output


def test_import_then_look_at_sources_show_stats_and_runs(tongwen, shared_data: Path) -> None:
    imported = tongwen(
        "import",
        str(shared_data / NIHON_NO_CHASHO),
        str(shared_data / PRIDE),
        "--source",
        "nnc",
        "--institution",
        "NNC",
    ).output
    assert "Run 1: nnc (marc)" in imported and "added" in imported
    assert "tongwen runs --problems 1" in imported  # this file has more problems than the summary shows

    assert "nnc" in tongwen("sources").output and "NNC" in tongwen("sources").output

    shown = squeezed(tongwen("show", "nnc:3835178").output)
    assert "Nihonnochasho(Latn/jpn)│日本の茶書" in shown  # both script forms of the title, side by side
    assert "880_Nihon_no_chasho.mrcrecord1" in shown

    record = json.loads(tongwen("show", "nnc:3835178", "--json").output)
    assert record["id"] == "nnc:3835178" and record["institution"] == "NNC"
    assert record["provenance"]["original"].startswith("<")
    assert record["deleted"] is False

    stats = json.loads(tongwen("stats", "--json").output)
    assert stats["sources"]["nnc"] == stats["records"] > 300
    assert stats["languages"]["jpn"] >= 1
    assert "records" in tongwen("stats").output

    runs = tongwen("runs").output
    assert "nnc" in runs and "added" in runs
    problems = tongwen("runs", "--problems", "1").output
    assert "pride-and-prejudice-fixed.mrc record" in problems


def test_importing_again_reports_everything_unchanged(tongwen, shared_data: Path) -> None:
    tongwen("import", str(shared_data / NIHON_NO_CHASHO), "--source", "nnc")
    again = tongwen("import", str(shared_data / NIHON_NO_CHASHO), "--source", "nnc").output
    assert "│ unchanged │ 1" in again


def test_import_fails_only_when_nothing_could_be_read(tongwen, shared_data: Path) -> None:
    failed = tongwen("import", str(shared_data / "pymarc-test-data/test_utf8.txt"), "--source", "x", expect=1)
    assert "Nothing could be read" in failed.output and "cannot tell the format" in failed.output
    partly = tongwen(
        "import",
        str(shared_data / "marc4j-test-resources/pride-and-prejudice-with-many-errors.mrc"),
        "--source",
        "x",
    )
    assert "rejected" in partly.output


def test_csv_import_with_a_column_mapping_file(tongwen, shared_data: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "columns.toml"
    mapping.write_text(
        '[columns]\nid = "seq"\ntitle = "hanja_title"\ntitle_reading = "hangul_reading"\n', encoding="utf-8"
    )
    output = tongwen(
        "import",
        str(shared_data / MEDICAL_TSV),
        "--source",
        "kmc",
        "--institution",
        "KIOM",
        "--columns",
        str(mapping),
    ).output
    assert "added" in output
    assert "醫脈眞經" in squeezed(tongwen("show", "kmc:1").output)


def test_unknown_record_and_empty_data_dir_say_what_to_do(tongwen, shared_data: Path) -> None:
    assert "import some first" in tongwen("stats", expect=1).output
    tongwen("import", str(shared_data / NIHON_NO_CHASHO), "--source", "nnc")
    assert "SOURCE:LOCAL_ID" in tongwen("show", "nnc:nope", expect=1).output


def test_demo_loads_every_file_of_the_manifest(tongwen, shared_data: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f"""
[[collection]]
file = "{shared_data / NIHON_NO_CHASHO}"
source = "columbia"
institution = "NNC"
format = "marc"

[[collection]]
file = "{shared_data / MEDICAL_TSV}"
source = "kiom"
institution = "KIOM"
format = "csv"
columns = {{ id = "seq", title = "hanja_title", title_reading = "hangul_reading" }}
""",
        encoding="utf-8",
    )
    output = tongwen("demo", "--no-serve", "--manifest", str(manifest)).output
    assert "880_Nihon_no_chasho.mrc: 1 added" in output and "title_pairs.tsv:" in output
    assert "Search index: " in output and "Works: " in output
    stats = json.loads(tongwen("stats", "--json").output)
    assert stats["sources"]["columbia"] == 1 and stats["sources"]["kiom"] > 7000
    again = tongwen("demo", "--no-serve", "--manifest", str(manifest)).output
    assert "880_Nihon_no_chasho.mrc: 0 added" in again and "Search index: 0 added or updated, 0 removed" in again


def test_demo_loads_the_projects_own_demo_collection(tongwen) -> None:
    listed = tomllib.loads(DEMO_MANIFEST.read_text(encoding="utf-8"))["collection"]
    tongwen("demo", "--no-serve")
    stats = json.loads(tongwen("stats", "--json").output)
    assert set(stats["sources"]) == {entry["source"] for entry in listed}
    assert all(count > 0 for count in stats["sources"].values())


def test_an_import_is_searchable_at_once_in_any_script(tongwen, shared_data: Path) -> None:
    """`tongwen import` brings the clusters and the search index up to date itself."""
    output = tongwen("import", str(shared_data / NIHON_NO_CHASHO), "--source", "nnc").output
    assert "Search index: 1 added or updated" in output
    for query in ("日本の茶書", "Nihon no chasho", "日本 の 茶書"):
        hits = json.loads(tongwen("search", query, "--json").output)["hits"]
        assert [hit["id"] for hit in hits] == ["nnc:3835178"], query
    quiet = tongwen("import", str(shared_data / NIHON_NO_CHASHO), "--source", "nnc", "--no-index").output
    assert "Search index" not in quiet


def test_import_refuses_an_uncertain_encoding_once_and_takes_encoding(tongwen, tmp_path: Path) -> None:
    table = tmp_path / "nlc.csv"
    table.write_bytes("id,title,author\n1,红楼梦,曹雪芹\n".encode("gbk"))
    refused = tongwen("import", str(table), "--source", "nlc", "--no-index", expect=1).output
    assert squeezed(refused).count("theencodingisnotcertain") == 1 and "--encoding" in refused
    imported = tongwen("import", str(table), "--source", "nlc", "--encoding", "gb18030", "--no-index").output
    assert squeezed(imported).count("encodinggb18030(declared)") == 1
    assert "红楼梦" in tongwen("show", "nlc:1").output


def test_a_killed_import_is_shown_interrupted_with_the_command_that_finishes_it(shared_data: Path, tmp_path: Path):
    """`kill -9` of an import: `tongwen runs` says so and prints the command to run again; that command ends with
    every record stored once."""
    mapping = tmp_path / "kmc.columns.toml"
    mapping.write_text('[columns]\nid = "seq"\ntitle = "hanja_title"\ntitle_reading = "hangul_reading"\n',
                       encoding="utf-8")
    data = tmp_path / "data"
    command = [sys.executable, "-m", "tongwen.cli", "--data", str(data)]
    importer = subprocess.Popen([*command, "import", str(shared_data / MEDICAL_TSV), "--source", "kmc",
                                 "--institution", "KIOM", "--columns", str(mapping), "--no-index"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = data / "tongwen.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it once it has stored some records, not all
        stored = 0
        if database.exists():
            with contextlib.suppress(sqlite3.OperationalError):
                with contextlib.closing(sqlite3.connect(database, timeout=1)) as conn:
                    stored = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        if stored:
            break
        time.sleep(0.005)
    importer.kill()
    importer.wait()

    runs = squeezed(subprocess.run([*command, "runs"], capture_output=True, text=True, check=True).stdout)
    assert "interrupted" in runs and "Run1wasinterrupted" in runs
    assert f"tongwenimport{shared_data / MEDICAL_TSV}--sourcekmc--institutionKIOM--formatcsv" in runs
    subprocess.run([*command, "import", str(shared_data / MEDICAL_TSV), "--source", "kmc", "--institution", "KIOM",
                    "--columns", str(mapping), "--no-index"], check=True, capture_output=True)
    rows = sum(1 for _ in (shared_data / MEDICAL_TSV).open(encoding="utf-8")) - 1
    with contextlib.closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT local_id) FROM records").fetchone() == (rows, rows)
        assert conn.execute("SELECT status FROM runs ORDER BY id").fetchall()[0] == ("interrupted",)


def test_an_index_built_by_an_older_tongwen_is_named_and_rebuilt(tongwen, shared_data: Path, tmp_path: Path):
    """After an upgrade that changed the index schema: `tongwen index` says what to do, --rebuild does it."""
    import tantivy

    tongwen("import", str(shared_data / NIHON_NO_CHASHO), "--source", "nnc", "--no-index")
    index_dir = tmp_path / "data" / "index"
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    older = tantivy.SchemaBuilder()
    older.add_text_field("id", stored=True)
    tantivy.Index(older.build(), path=str(index_dir))
    (index_dir / STATE_FILE).write_text('{"seq": 1, "schema_version": 3}', encoding="utf-8")

    assert "tongwen index --rebuild" in tongwen("index", expect=1).output
    assert "1 records searchable" in tongwen("index", "--rebuild").output
    assert "Nihon no chasho" in tongwen("search", "日本の茶書").output


def test_import_workers_from_the_option_or_the_environment(
    tongwen, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_option = tongwen("import", str(shared_data / PRIDE), "--source", "two", "--workers", "2", "--no-index")
    monkeypatch.setenv("TONGWEN_IMPORT_WORKERS", "1")
    in_process = tongwen("import", str(shared_data / PRIDE), "--source", "one", "--no-index").output
    counts = [line for line in by_option.output.splitlines() if "│" in line and "time" not in line]
    assert counts and all(line in in_process for line in counts)  # the same added, rejected, repaired...
    refused = tongwen("import", str(shared_data / PRIDE), "--source", "x", "--workers", "0", expect=2)
    assert "--workers" in refused.output
