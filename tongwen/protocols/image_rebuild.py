"""Tiling the stored records' local page images again (`tongwen images --rebuild`), without importing again.

The store keeps each page's image address as the record gave it (``pages/lunyu/01.jpg``), not the file it
was read from: a relative address was read from the directory of the imported file. That directory is
found again from the record's provenance, as the importer left it: the import run that wrote the record
(``provenance.run_id``) lists its files, and the record's position (``nlc-digitised.tei.xml TEI 1``) names
which one. A run's file given as a relative path was relative to the directory the import ran in, which
the store does not keep: it is read from the current directory, or from ``files_root`` when one is given.
Only records written by a file import are tiled, as at import: a harvested record naming a path must not
publish this machine's files.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tongwen.model import Record
from tongwen.protocols.iiif_image import (
    ImageTilingError,
    _forget_others,
    _pyramid,
    image_identifier,
    local_file,
    record_key,
    tile_image,
)
from tongwen.store import Store
from tongwen.store.api import Run


@dataclass(frozen=True, slots=True)
class PageImage:
    """One local page image of a stored record: where its file is (None: cannot be told, see ``why``)."""

    record_id: str
    page: str  # the page's label
    identifier: str
    file: Path | None
    why: str = ""


@dataclass(frozen=True, slots=True)
class PageProblem:
    record_id: str
    page: str
    message: str

    def __str__(self) -> str:
        return f"{self.record_id} page {self.page}: {self.message}"


@dataclass(slots=True)
class RebuildReport:
    tiled: int = 0
    unchanged: int = 0
    tiled_records: set[str] = field(default_factory=set)
    bytes: int = 0  # of the pyramids made in this rebuild
    removed: int = 0  # pyramids (or whole record directories) no stored record names any more
    problems: list[PageProblem] = field(default_factory=list)

    def summary(self) -> str:
        line = (f"tiled {self.tiled} page images of {len(self.tiled_records)} records "
                f"({self.bytes / 1e6:.1f} MB); {self.unchanged} unchanged; {len(self.problems)} problems")
        return line + (f"; removed {self.removed} tile directories no record names" if self.removed else "")


def page_images(store: Store, records: Iterable[Record], root: Path,
                files_root: Path | None = None) -> list[PageImage]:
    """The local page images of ``records`` (those written by a file import), each with its file: read from
    the directory found as the module docstring says, else the file the pyramid was last tiled from."""
    runs = {run.id: run for run in store.runs(limit=None)}
    found = []
    for record in records:
        run = runs.get(record.provenance.run_id) if record.provenance else None
        if run is None or run.kind != "import":
            continue  # harvested (or written by hand): its pages were never tiled here
        base_dir, why = (files_root, "") if files_root is not None else _imported_from(record, run)
        for page in record.pages:
            address = local_file(page, Path(""))  # None: a remote image (IIIF, a web address), not tiled
            if address is None:
                continue
            identifier = image_identifier(record.id, page.image.url)
            source = address if address.is_absolute() else base_dir / address if base_dir else None
            if source is None or not source.exists():
                last = stored_file(root, identifier)
                if last is not None and Path(last).is_file():
                    source = Path(last)
            found.append(PageImage(record.id, page.label, identifier, source, why))
    return found


def _imported_from(record: Record, run: Run) -> tuple[Path | None, str]:
    """The directory of the file the record was imported from, or None and why it cannot be told."""
    position = record.provenance.position or ""
    files = [Path(name) for name in run.files]
    named = [path for path in files if position == path.name or position.startswith(f"{path.name} ")]
    chosen = named[0] if named else files[0] if len(files) == 1 else None
    if chosen is None:
        return None, (f"the store does not say which of import run {run.id}'s {len(files)} files the record "
                      f"came from; give the directory its page images are relative to with --files-root")
    if chosen.is_absolute():
        return chosen.parent, ""
    return chosen.resolve().parent, (
        f"import run {run.id} named its file {str(chosen)!r}, relative to the directory the import ran in, which "
        f"the store does not keep: it was read from the current directory; run this there or give --files-root")


def rebuild(store: Store, root: Path, records: Iterable[Record], *, everything: bool,
            files_root: Path | None = None,
            progress: Callable[[PageImage, int, int], None] | None = None) -> RebuildReport:
    """Tile every local page image of ``records`` into ``root`` (unchanged files are left alone, as at
    import), remove the record's pyramids its pages no longer name, and with ``everything`` (all records
    were given) the directories of records no longer stored. A page whose file is missing or broken is a
    problem in the report; the other pages are tiled."""
    report = RebuildReport()
    pages = page_images(store, records, root, files_root)
    for number, image in enumerate(pages, start=1):
        if progress is not None:
            progress(image, number - 1, len(pages))
        if image.file is None:
            report.problems.append(PageProblem(image.record_id, image.page, f"cannot tell where the image file "
                                               f"is: {image.why}"))
            continue
        target = _pyramid(root, image.identifier)
        try:
            _, made = tile_image(image.file, target)
        except ImageTilingError as error:
            hint = f" ({image.why})" if image.why else ""
            report.problems.append(PageProblem(image.record_id, image.page, f"{error}{hint}"))
            continue
        if made:
            report.tiled += 1
            report.tiled_records.add(image.record_id)
            report.bytes += sum(path.stat().st_size for path in target.rglob("*") if path.is_file())
        else:
            report.unchanged += 1
    if progress is not None and pages:
        progress(pages[-1], len(pages), len(pages))
    kept: dict[str, set[str]] = {}
    for image in pages:
        kept.setdefault(image.identifier[:12], set()).add(image.identifier[12:])
    for key, names in kept.items():
        report.removed += _count_removed(root / key, names)
    if everything:
        report.removed += _remove_records_not_in(root, set(kept))
    return report


def _count_removed(directory: Path, kept: set[str]) -> int:
    before = _pyramid_names(directory)
    _forget_others(directory, kept)
    return len(before - _pyramid_names(directory))


def _pyramid_names(directory: Path) -> set[str]:
    try:
        return {entry.name for entry in os.scandir(directory) if entry.is_dir() and not entry.name.startswith(".")}
    except OSError:
        return set()


def _remove_records_not_in(root: Path, keys: set[str]) -> int:
    removed = 0
    for name in _pyramid_names(root) - keys:
        shutil.rmtree(root / name, ignore_errors=True)
        removed += 1
    return removed


def stored_file(root: Path, identifier: str) -> str | None:
    """The file a pyramid was last tiled from (its ``source.json``), if it is still there."""
    try:
        return json.loads((_pyramid(root, identifier) / "source.json").read_text())["file"]
    except (OSError, ValueError, KeyError):
        return None


__all__ = ["PageImage", "PageProblem", "RebuildReport", "page_images", "rebuild", "record_key"]
