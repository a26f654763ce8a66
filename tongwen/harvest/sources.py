"""The sources file: which remote catalogues Tongwen harvests, kept as TOML in the data directory.

One table per source, named by the source (the name becomes the ``source`` of its records):

    [sources.ndl-digital]
    institution = "NDL"
    kind = "oai-pmh"                      # or "iiif" (a IIIF collection or manifest URL)
    url = "https://example.org/oai"       # the OAI-PMH base URL
    metadata_prefix = "oai_dc"            # oai_dc, marcxml or mods
    set = "iss-ndl-opac"                  # optional
    schedule = "daily"                    # optional: hourly, daily, weekly or monthly

    >>> source = Source("nlk", url="https://example.org/oai", institution="NLK", metadata_prefix="marcxml")
    >>> sources = add_source({}, source)
    >>> sorted(sources), sources["nlk"].format_name
    (['nlk'], 'marcxml')

Harvest *state* (resumption token, last successful harvest) is not kept here but in the store's meta table,
so that the file stays a hand-editable description and the state is committed with the records it belongs to.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import tomli_w

KINDS = ("oai-pmh", "iiif")
METADATA_PREFIXES = {"oai_dc": "dc", "marcxml": "marcxml", "marc21": "marcxml", "mods": "mods"}
SCHEDULES = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
    "monthly": timedelta(days=30),
}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_KEYS = ("institution", "kind", "url", "metadata_prefix", "set", "schedule")


class SourcesFileError(ValueError):
    """The sources file, or a source in it, is not valid; the message names the source and key."""


@dataclass(frozen=True, slots=True)
class Source:
    """One remote catalogue to harvest."""

    name: str
    url: str
    institution: str | None = None
    kind: str = "oai-pmh"
    metadata_prefix: str = "oai_dc"
    set: str | None = None
    schedule: str | None = None

    def __post_init__(self) -> None:
        where = f"source {self.name!r}"
        if not _NAME.match(self.name or ""):
            raise SourcesFileError(
                f"{where}: a name is letters, digits, '-', '_' or '.', starting with a letter or digit"
            )
        if self.kind not in KINDS:
            raise SourcesFileError(f"{where}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.url.startswith(("http://", "https://")):
            raise SourcesFileError(f"{where}: url {self.url!r} must start with http:// or https://")
        if self.kind == "oai-pmh" and self.metadata_prefix not in METADATA_PREFIXES:
            raise SourcesFileError(
                f"{where}: metadata_prefix {self.metadata_prefix!r} is not one of "
                f"{', '.join(METADATA_PREFIXES)}"
            )
        if self.schedule is not None and self.schedule not in SCHEDULES:
            raise SourcesFileError(
                f"{where}: schedule {self.schedule!r} is not one of {', '.join(SCHEDULES)}"
            )

    @property
    def format_name(self) -> str:
        """The `tongwen.ingest.FORMATS` name its records are read with."""
        return "iiif" if self.kind == "iiif" else METADATA_PREFIXES[self.metadata_prefix]

    @property
    def interval(self) -> timedelta | None:
        return SCHEDULES.get(self.schedule) if self.schedule else None

    def to_table(self) -> dict[str, str]:
        table = {key: getattr(self, key) for key in _KEYS}
        if self.kind == "iiif":
            table.pop("metadata_prefix")
        return {key: value for key, value in table.items() if value is not None}


def load_sources(path: str | os.PathLike[str]) -> dict[str, Source]:
    """The sources in the file at `path`, by name; an empty dict when the file does not exist yet."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourcesFileError(f"cannot read the sources file {path}: {exc}") from None
    tables = data.get("sources", {})
    if not isinstance(tables, dict):
        raise SourcesFileError(f"{path}: 'sources' must be a table of [sources.NAME] tables")
    return {name: source_from_table(name, table, path) for name, table in tables.items()}


def source_from_table(name: str, table: Mapping[str, Any], path: Path | None = None) -> Source:
    where = f"{path}: " if path else ""
    if not isinstance(table, Mapping):
        raise SourcesFileError(f"{where}[sources.{name}] must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise SourcesFileError(f"{where}[sources.{name}]: unknown keys {unknown}; known: {', '.join(_KEYS)}")
    if "url" not in table:
        raise SourcesFileError(f"{where}[sources.{name}] has no url")
    try:
        return Source(
            name=name, **{key: (str(value) if value is not None else None) for key, value in table.items()}
        )
    except SourcesFileError as exc:
        raise SourcesFileError(f"{where}{exc}") from None


def save_sources(path: str | os.PathLike[str], sources: Mapping[str, Source]) -> None:
    """Write the file atomically (a temporary file renamed over it), sources sorted by name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"sources": {name: sources[name].to_table() for name in sorted(sources)}}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(tomli_w.dumps(document), encoding="utf-8")
    os.replace(temporary, path)


def add_source(sources: Mapping[str, Source], source: Source, *, replace: bool = False) -> dict[str, Source]:
    """A copy of `sources` with `source` added; refuses to overwrite an existing one unless `replace`."""
    if source.name in sources and not replace:
        raise SourcesFileError(f"there is already a source {source.name!r}; remove it first or use --replace")
    return {**sources, source.name: source}


def remove_source(sources: Mapping[str, Source], name: str) -> dict[str, Source]:
    if name not in sources:
        known = ", ".join(sorted(sources)) or "none yet"
        raise SourcesFileError(f"no source {name!r} in the sources file (known: {known})")
    return {key: value for key, value in sources.items() if key != name}
