"""The click commands the main CLI attaches: users add, registry load-seed/export/import/stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tongwen.config import Settings
from tongwen.registry import Activity, Registry
from tongwen.registry.commands import registry, users


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(tmp_path / "data")


def run(command, args: list[str], settings: Settings, stdin: str | None = None):
    return CliRunner().invoke(command, args, obj=settings, input=stdin, catch_exceptions=False)


def test_users_add_with_password_from_stdin(settings: Settings) -> None:
    result = run(users, ["add", "mei", "--role", "editor", "--password-stdin"], settings, "a long password\n")
    assert result.exit_code == 0, result.output
    assert "Added mei (editor)" in result.output
    with Registry.open(settings.database) as reg:
        mei = reg.accounts.authenticate("mei", "a long password")
        assert mei.role == "editor"
        assert reg.audit_log(mei)[0].actor.startswith("cli:")
    again = run(users, ["add", "mei", "--password-stdin"], settings, "a long password\n")
    assert again.exit_code == 1 and "already taken" in again.output


def test_load_seed_export_import_and_stats(settings: Settings, tmp_path: Path) -> None:
    first = run(registry, ["load-seed"], settings)
    assert first.exit_code == 0 and "24  activity created" in first.output
    assert "24  activity unchanged" in run(registry, ["load-seed"], settings).output

    exported = json.loads(run(registry, ["export"], settings).output)
    assert len(exported["activities"]) == 24

    csv_dir = tmp_path / "csv"
    assert run(registry, ["export", "--format", "csv", "--output", str(csv_dir)], settings).exit_code == 0
    activities = csv_dir / "activities.csv"
    activities.write_text(
        activities.read_text(encoding="utf-8")
        + "nlc-nlv-visit,visit,NLC visit to the NLV,2012,,false,,,exact,,,NLV,,,,,NLC,,,,,held,,cdnlao-82\n"
        + "broken,visit,Broken,20xx,,false,,,exact,,,NLV,,,,,NLC,,,,,held,,cdnlao-82\n",
        encoding="utf-8",
    )
    imported = run(registry, ["import", str(activities)], settings)
    assert "created 1, updated 0, unchanged 24, rejected 1" in imported.output
    assert "activities.csv line 27, column 'date_start': '20xx' is not a date" in imported.output
    with Registry.open(settings.database) as reg:
        assert reg.get(Activity, "nlc-nlv-visit").host == "NLV"

    stats = run(registry, ["stats", "--institution", "NLC"], settings)
    assert "NDL – NLC" in stats.output and "themed_business_meeting     50    238" in stats.output
    as_json = json.loads(run(registry, ["stats", "--json"], settings).output)
    assert {"per_pair", "per_kind", "per_year", "timeline", "network"} <= as_json.keys()


def test_import_of_an_unnamed_csv_needs_the_kind(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    path.write_text("id\n", encoding="utf-8")
    result = run(registry, ["import", str(path)], settings)
    assert result.exit_code == 2 and "cannot tell which kind of fact" in result.output
