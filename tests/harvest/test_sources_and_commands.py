"""The sources file and the `tongwen sources …` / `tongwen harvest` commands, run against pyoai on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from oai_peers import pyoai_app, serve

from tongwen.cli import main
from tongwen.config import Settings
from tongwen.harvest import Source, SourcesFileError, load_sources, save_sources
from tongwen.harvest.commands import harvest_command, sources
from tongwen.harvest.sources import add_source, remove_source


def test_sources_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    assert load_sources(path) == {}
    nlk = Source(
        "nlk", "https://example.org/oai", "NLK", metadata_prefix="marcxml", set="kolis", schedule="daily"
    )
    iiif = Source("nichibun", "https://example.org/collection.json", "NICHIBUN", kind="iiif")
    save_sources(path, add_source(add_source({}, nlk), iiif))
    assert 'metadata_prefix = "marcxml"' in path.read_text() and "[sources.nichibun]" in path.read_text()
    loaded = load_sources(path)
    assert loaded == {"nlk": nlk, "nichibun": iiif}
    assert (loaded["nlk"].format_name, loaded["nichibun"].format_name) == ("marcxml", "iiif")
    assert list(remove_source(loaded, "nlk")) == ["nichibun"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('url = "ftp://x"', "url 'ftp://x' must start with http"),
        ('url = "https://x"\nmetadata_prefix = "marc"', "metadata_prefix 'marc' is not one of"),
        ('url = "https://x"\nschedule = "often"', "schedule 'often' is not one of"),
        ('url = "https://x"\nsett = "a"', "unknown keys ['sett']"),
        ('institution = "NLK"', "has no url"),
    ],
)
def test_a_bad_source_is_refused_naming_it_and_the_key(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(f"[sources.nlk]\n{table}\n", encoding="utf-8")
    with pytest.raises(SourcesFileError, match="nlk") as raised:
        load_sources(path)
    assert message in str(raised.value) and str(path) in str(raised.value)


def test_adding_a_source_twice_needs_replace() -> None:
    first = Source("nlk", "https://example.org/oai")
    with pytest.raises(SourcesFileError, match="already a source 'nlk'"):
        add_source({"nlk": first}, first)


def test_add_harvest_list_runs_and_remove_from_the_command_line(tmp_path: Path, aozora) -> None:
    settings = Settings.load(tmp_path / "data")
    runner = CliRunner()
    with serve(pyoai_app(aozora, 100)) as url:
        added = runner.invoke(
            sources, ["add", "aozora", url, "--institution", "AOZORA", "--schedule", "daily"], obj=settings
        )
        assert added.exit_code == 0, added.output
        assert runner.invoke(sources, ["add", "aozora", url], obj=settings).exit_code == 1

        harvested = runner.invoke(harvest_command, [], obj=settings)
        assert harvested.exit_code == 0, harvested.output
        assert "aozora" in harvested.output and "400 added" in harvested.output
        assert "Search index: 400 added" in harvested.output
        not_due = runner.invoke(harvest_command, ["--due"], obj=settings)
        assert "No source is due" in not_due.output

    listed = runner.invoke(sources, ["list"], obj=settings, terminal_width=200)
    assert (
        listed.exit_code == 0
        and "aozora" in listed.output
        and "400" in listed.output
        and "daily" in listed.output
    )
    runs = runner.invoke(main, ["--data", str(settings.data_dir), "runs"], terminal_width=200)
    assert "aozora" in runs.output and "400 added" in runs.output

    unknown = runner.invoke(harvest_command, ["nlk"], obj=settings)
    assert unknown.exit_code == 1 and "not in the sources file: nlk" in unknown.output
    removed = runner.invoke(sources, ["remove", "aozora"], obj=settings)
    assert removed.exit_code == 0 and "records stay in the store" in removed.output
    assert load_sources(settings.sources_path) == {}
