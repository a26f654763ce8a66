"""The demo: load the collection shipped in the package (``tongwen/demo_collection/``) (and the cooperation registry's seed) into a data dir.

`tongwen demo` and the web tests call `load_demo`; it is idempotent — a second run changes nothing — because
every step (import by record id, seed by key, index sync, clustering) is.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tongwen.config import Settings
from tongwen.derived import FollowReport, follow_store
from tongwen.ingest.csv_table import load_column_mapping
from tongwen.ingest.pipeline import ImportProgress, RunSummary, import_files
from tongwen.store import Store

# Package data, so an installed wheel finds it as a source checkout does. The collection is plain files in a
# directory of the installed package (setuptools installs package data unzipped), hence a real Path.
DEMO_DIR = Path(str(resources.files("tongwen") / "demo_collection"))
DEMO_MANIFEST = DEMO_DIR / "manifest.toml"


class DemoError(RuntimeError):
    pass


@dataclass(slots=True)
class DemoReport:
    imports: list[RunSummary] = field(default_factory=list)
    registry: dict[str, int] = field(default_factory=dict)
    derived: FollowReport | None = None


def read_manifest(path: Path = DEMO_MANIFEST) -> list[dict[str, Any]]:
    """The ``[[collection]]`` entries of a manifest, with file and column-mapping paths made absolute."""
    try:
        with path.open("rb") as handle:
            collections = tomllib.load(handle).get("collection", [])
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DemoError(f"cannot read the demo manifest {path}: {error}") from error
    for entry in collections:
        missing = [key for key in ("file", "source") if key not in entry]
        if missing:
            raise DemoError(f"{path}: a [[collection]] entry lacks {', '.join(missing)}")
        entry["file"] = path.parent / entry["file"]
        if not entry["file"].is_file():
            raise DemoError(f"{path}: there is no file {entry['file']}")
    return collections


def column_options(columns: str | dict[str, Any] | None, base: Path) -> dict[str, Any] | None:
    """A collection's CSV column mapping: the name of a mapping file (as for `tongwen import --columns`) or an
    inline table ``{ id = "seq", title = "hanja_title" }``."""
    if not columns:
        return None
    if isinstance(columns, dict):
        return {"columns": columns}
    return load_column_mapping(base / columns)


def import_collection(
    store: Store, manifest: Path = DEMO_MANIFEST, *, progress: Callable[[ImportProgress], None] | None = None
) -> list[RunSummary]:
    """Import every file of a manifest into the store, each as its own source (records only)."""
    summaries = []
    for entry in read_manifest(manifest):
        summaries.append(import_files(
            store, [entry["file"]], source=entry["source"], institution=entry.get("institution"),
            format=entry.get("format"), options=column_options(entry.get("columns"), manifest.parent),
            progress=progress,
        ))
    return summaries


def load_demo(
    settings: Settings,
    *,
    manifest: Path = DEMO_MANIFEST,
    progress: Callable[[ImportProgress], None] | None = None,
) -> DemoReport:
    settings.ensure()
    report = DemoReport()
    with Store.open(settings.database) as store:
        report.imports = import_collection(store, manifest, progress=progress)
        report.registry = dict(_load_registry(settings))
        report.derived = follow_store(settings, store)
    return report


def _load_registry(settings: Settings):
    from tongwen.registry import Registry, load_seed

    registry = Registry.open(settings.database)
    try:
        return load_seed(registry)
    finally:
        registry.close()

