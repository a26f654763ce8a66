"""The one database layer every part opens its tables through (issue 11.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongwen.agents import Agents
from tongwen.archive.events import PreservationStore
from tongwen.config import Settings
from tongwen.registry.database import Registry
from tongwen.store import Store, StoreError
from tongwen.store.database import Database
from tongwen.works import Works


def test_a_database_is_named_by_a_url_or_a_path(tmp_path: Path) -> None:
    file = tmp_path / "tongwen.sqlite"
    assert Database.at(f"sqlite://{file}").path == file
    assert Database.at(str(file)).path == file
    assert Database.at(file).path == file
    assert Database.at("sqlite::memory:").path is None
    assert Database.at(":memory:").path is None
    assert Database.at(Database.at(file).url).path == file.resolve()


def test_a_postgresql_server_that_does_not_answer_is_said_so_without_the_password() -> None:
    with pytest.raises(StoreError, match=r"cannot connect to the PostgreSQL database "
                                         r"postgresql://reader:\*\*\*@127.0.0.1:9/tongwen: ") as caught:
        Store.open("postgresql://reader:s3cret@127.0.0.1:9/tongwen")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(StoreError, match="not a database Tongwen knows"):
        Database.at("mysql://db.example/tongwen")


def test_every_part_keeps_its_tables_in_the_one_database(tmp_path: Path) -> None:
    database = Database.at(f"sqlite://{tmp_path / 'shared' / 'tongwen.sqlite'}")
    with Store.open(database):
        pass
    with Works.open(database):
        pass
    with Agents.open(database):
        pass
    with Registry.open(database):
        pass
    with PreservationStore.open(database):
        pass
    conn = database.connect_readonly()
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"records", "works_meta", "agents_meta"} <= tables
    assert any(name.startswith("reg_") for name in tables)
    assert [path.name for path in (tmp_path / "shared").glob("*.sqlite")] == ["tongwen.sqlite"]


def test_a_read_only_connection_refuses_writes(tmp_path: Path) -> None:
    database = Database.at(tmp_path / "tongwen.sqlite")
    with Store.open(database):
        pass
    conn = database.connect_readonly()
    with pytest.raises(Exception, match="readonly database"):
        conn.execute("CREATE TABLE unwanted (x)")
    conn.close()


def test_settings_take_the_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGWEN_DATABASE", f"sqlite://{tmp_path / 'elsewhere.sqlite'}")
    monkeypatch.delenv("TONGWEN_STORE", raising=False)
    settings = Settings.load(tmp_path / "data")
    assert settings.database.path == (tmp_path / "elsewhere.sqlite").resolve()
    assert Settings.load(tmp_path / "data", database=str(tmp_path / "mine.sqlite")).database.path == (
        tmp_path / "mine.sqlite"
    ).resolve()
    monkeypatch.setenv("TONGWEN_DATABASE", "postgresql://tongwen@db.example/cjkdli")
    assert Settings.load(tmp_path / "data").database.url == "postgresql://tongwen@db.example/cjkdli"
    monkeypatch.delenv("TONGWEN_DATABASE")
    assert Settings.load(tmp_path / "data").database.path == (tmp_path / "data" / "tongwen.sqlite").resolve()


def test_the_command_line_names_a_bad_database_url_without_its_password(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tongwen.cli import main

    result = CliRunner().invoke(main, ["--data", str(tmp_path), "--database", "mysql://u:pw@host/db", "stats"])
    assert result.exit_code == 2
    assert "mysql://u:***@host/db" in result.output and "pw@" not in result.output
    result = CliRunner().invoke(main, ["--data", str(tmp_path), "--database", "postgresql://u:pw@127.0.0.1:9/db",
                                       "stats"])
    assert result.exit_code != 0
    assert "cannot connect to the PostgreSQL database postgresql://u:***@127.0.0.1:9/db" in result.output
    assert "pw@" not in result.output
    assert not list(tmp_path.rglob("*.sqlite"))


@pytest.mark.parametrize("layer", [Works, Agents], ids=["works", "agents"])
def test_a_layer_written_by_a_newer_tongwen_is_refused_not_touched(database: str, layer: type) -> None:
    name = layer.__name__.lower()
    with layer.open(database):
        pass
    engine = Database.at(database)
    conn = engine.connect()
    conn.execute(f"UPDATE {name}_meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(StoreError, match=f"the {name} tables in .* have schema version 99, newer .* upgrade Tongwen"):
        layer.open(database)
