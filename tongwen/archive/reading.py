"""Import a bag written by `tongwen archive` (on this node or another): verify it, keep it, store the item.

A bag is verified completely (every file of both payload manifests and the tag manifests) before anything is
stored; a bag that fails is refused with every file that failed and both checksums, and nothing is written.
A bag that verifies is copied into the data directory (``bags/``, this node's preservation copy), its files'
checksums are recorded for `tongwen fixity`, the record is stored exactly as record.json has it, and the
item's events travel with it: the events of the other node, then an "ingest" event of this one.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import bagit

from tongwen.archive.bag import EVENTS_FILE, RECORD_FILE, ArchiveError, file_checksums, page_file
from tongwen.archive.events import Event, PreservationStore, agent, now
from tongwen.model import Record
from tongwen.store import Store

# bagit logs each failure as it meets it; `verify_bag` reports them all, named, in one list.
logging.getLogger("bagit").setLevel(logging.CRITICAL)


@dataclass(frozen=True, slots=True)
class BagProblem:
    """One file of a bag that does not verify: what is wrong, and the checksums when they differ."""

    file: str
    problem: str  # "changed", "missing", "not in the manifest", or the bag's own structural error
    algorithm: str | None = None
    recorded: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        if self.problem == "changed":
            return f"{self.file}: changed ({self.algorithm} recorded {self.recorded}, now {self.found})"
        return f"{self.file}: {self.problem}"


@dataclass(frozen=True, slots=True)
class ImportReport:
    record_id: str
    bag: Path  # the node's copy
    files: int
    pages: int
    status: str  # "added", "updated", "unchanged"
    events_carried: int


def verify_bag(path: Path) -> list[BagProblem]:
    """Every problem of the bag at `path` (empty when it verifies).

    bagit's validation stops at the first kind of failure (a wrong Payload-Oxum says only "expected 777
    files, found 776"); when it fails, every file is looked at so the report names each one that is
    missing, unexpected or changed, with both checksums.
    """
    try:
        bag = bagit.Bag(str(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as error:
        return _every_problem(bag) or [BagProblem(path.name, error.message)]
    except bagit.BagError as error:
        return [BagProblem(path.name, f"not a readable bag: {error}")]
    return []


def _every_problem(bag: bagit.Bag) -> list[BagProblem]:
    only_in_manifests, only_on_disk = bag.compare_manifests_with_fs()
    problems = [BagProblem(file, "missing") for file in sorted(only_in_manifests)]
    problems += [BagProblem(file, "not in the manifest") for file in sorted(only_on_disk)]
    missing = set(only_in_manifests)
    for file, recorded in sorted(bag.entries.items()):
        if file in missing:
            continue
        if not (Path(bag.path) / file).is_file():  # a tag file (bag-info.txt…) that went away
            problems.append(BagProblem(file, "missing"))
            continue
        sha256, sha512, _ = file_checksums(Path(bag.path) / file)
        for algorithm, found in (("sha256", sha256), ("sha512", sha512)):
            if algorithm in recorded and recorded[algorithm].lower() != found:
                problems.append(BagProblem(file, "changed", algorithm, recorded[algorithm].lower(), found))
                break  # one algorithm is proof enough
    return problems


def read_item(path: Path) -> tuple[Record, list[Event]]:
    """The record and the events a verified bag holds; the page texts are checked against the record."""
    try:
        data = json.loads((path / RECORD_FILE).read_text(encoding="utf-8"))
        record = Record.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ArchiveError(f"{path}: {RECORD_FILE} cannot be read as a Tongwen record: {error}") from None
    for number, page in enumerate(record.pages, 1):
        text_path = path / "data" / "pages" / page_file(number, ".txt")
        if page.text is not None:
            with text_path.open(encoding="utf-8", newline="") as stream:
                if stream.read() != page.text:
                    raise ArchiveError(f"{record.id}: page {number} ({page.label}): data/pages/{text_path.name} "
                                       "differs from the page's text in record.json")
    events_path = path / EVENTS_FILE
    try:
        events = [Event.from_premis(item) for item in json.loads(events_path.read_text(encoding="utf-8"))] \
            if events_path.exists() else []
    except (ValueError, KeyError, TypeError) as error:
        raise ArchiveError(f"{record.id}: {EVENTS_FILE} cannot be read: {error}") from None
    return record, events


def import_bag(path: Path, store: Store, events: PreservationStore, *, bags_dir: Path) -> ImportReport:
    """Verify the bag at `path` and take the item in (see the module docstring); raises `ArchiveError`."""
    path = path.resolve()
    problems = verify_bag(path)
    if problems:
        listed = "\n  ".join(str(problem) for problem in problems)
        raise ArchiveError(f"{_item_of(path)}: the bag {path} does not verify; nothing was imported:\n  {listed}")
    record, carried = read_item(path)
    copy = _keep_copy(path, bags_dir)
    bag = bagit.Bag(str(copy))
    entries = sorted(bag.payload_entries().items())
    store.register_source(record.source, record.institution, "bagit")
    result = store.upsert(record)
    with events.transaction():
        for relative, sums in entries:
            file = copy / relative
            events.record_file(file, record.id, bag=copy, sha256=sums["sha256"], sha512=sums["sha512"],
                               size=file.stat().st_size)
        known = set(events.events_of(record.id))
        for event in carried:
            if event not in known:  # a bag archived here and imported back brings our own events home
                events.add(event)
        events.add(Event(record.id, "ingest", now(), agent(), "success",
                         f"from bag {path.name} ({bag.info.get('Bagging-Date', 'date unknown')}, "
                         f"{len(entries)} files verified with sha256 and sha512)"))
    return ImportReport(record.id, copy, len(entries), len(record.pages), result, len(carried))


def _item_of(path: Path) -> str:
    """The record id a bag says it holds (bag-info's External-Identifier), for messages about a bad bag."""
    try:
        identifier = bagit.Bag(str(path)).info.get("External-Identifier")
    except bagit.BagError:
        identifier = None
    return identifier if isinstance(identifier, str) else f"the item in {path.name}"


def _keep_copy(path: Path, bags_dir: Path) -> Path:
    """Copy the bag into `bags_dir` under its own name; a different bag of that name is kept beside it."""
    target = bags_dir / path.name
    if target == path:
        return path
    number = 1
    while target.exists():
        if (target / "manifest-sha512.txt").read_bytes() == (path / "manifest-sha512.txt").read_bytes():
            return target  # the same bag imported again
        number += 1
        target = bags_dir / f"{path.name}.{number}"
    bags_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(path, target)
    return target
