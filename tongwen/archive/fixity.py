"""Fixity: recompute the checksums of every stored file and verify every bag; report what changed.

Two checks, because each catches what the other cannot:

- every file whose checksums Tongwen recorded when it archived or imported it (bag payloads, the local page
  images a bag was made from) is read again and compared with *the recorded* sha256 and sha512 — an edit
  that also rewrote the bag's own manifest is still caught;
- every bag is validated by bagit against its own manifests and tag manifests — a file added to a bag, a
  damaged bag-info, a bag given with ``--bag`` that Tongwen never recorded.

Nothing is repaired and no recorded checksum is ever updated: a failure stays a failure until a person
restores the file (from a partner node's copy of the bag) and runs the check again. Each item checked gets a
"fixity check" event, its outcome "failure" naming the files when any changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tongwen.archive.bag import file_checksums
from tongwen.archive.events import PreservationStore
from tongwen.archive.reading import verify_bag


@dataclass(frozen=True, slots=True)
class FixityProblem:
    record_id: str | None  # None for a bag given with --bag that Tongwen never recorded
    file: str
    problem: str  # "changed", "missing", "not in the manifest", …
    algorithm: str | None = None
    recorded: str | None = None
    found: str | None = None

    def __str__(self) -> str:
        item = self.record_id or "(unrecorded bag)"
        if self.problem == "changed":
            return (f"{item}: {self.file} changed — {self.algorithm} recorded {self.recorded}, "
                    f"now {self.found}")
        return f"{item}: {self.file} {self.problem}"


@dataclass(slots=True)
class FixityReport:
    files_checked: int = 0
    bags_checked: int = 0
    items: set[str] = field(default_factory=set)
    problems: list[FixityProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[str, int, int], None]  # (what, done, total)


def check_fixity(events: PreservationStore, bags: Iterable[Path] = (), *,
                 progress: Progress | None = None) -> FixityReport:
    """Check every stored file and bag, or only the given `bags`; record a fixity event per item."""
    chosen = [bag.resolve() for bag in bags]
    recorded_bags = events.bags()
    bag_items = {bag: recorded_bags.get(bag) for bag in chosen} if chosen else dict(recorded_bags)
    files = list(events.stored_files(chosen or None))
    report = FixityReport()
    total = len(files) + len(bag_items)
    seen: set[tuple[str, str]] = set()
    for done, stored in enumerate(files, 1):
        report.files_checked += 1
        report.items.add(stored.record_id)
        shown = _shown(stored.path, stored.bag)
        if not stored.path.is_file():
            _add(report, seen, FixityProblem(stored.record_id, shown, "missing"))
        else:
            sha256, sha512, _ = file_checksums(stored.path)
            for algorithm, recorded, found in (("sha256", stored.sha256, sha256), ("sha512", stored.sha512, sha512)):
                if recorded != found:
                    _add(report, seen, FixityProblem(stored.record_id, shown, "changed", algorithm, recorded, found))
                    break  # one algorithm is proof enough; both checksums of it are reported
        if progress:
            progress("files", done, total)
    for done, (bag, record_id) in enumerate(bag_items.items(), len(files) + 1):
        report.bags_checked += 1
        if record_id:
            report.items.add(record_id)
        for problem in verify_bag(bag):
            _add(report, seen, FixityProblem(record_id, _shown(bag / problem.file, bag), problem.problem,
                                             problem.algorithm, problem.recorded, problem.found))
        if progress:
            progress("bags", done, total)
    _record_events(events, report)
    return report


def _shown(path: Path, bag: Path | None) -> str:
    """A file as a librarian finds it: ``kanripo_KR1h0004/data/pages/0003.txt`` inside a bag, else its path."""
    if bag is not None and path.is_relative_to(bag):
        return f"{bag.name}/{path.relative_to(bag).as_posix()}"
    return str(path)


def _add(report: FixityReport, seen: set[tuple[str, str]], problem: FixityProblem) -> None:
    # A changed payload file fails both our recorded checksum and the bag's manifest: report it once.
    key = (problem.file, "changed" if problem.problem == "changed" else problem.problem)
    if key not in seen:
        seen.add(key)
        report.problems.append(problem)


def _record_events(events: PreservationStore, report: FixityReport) -> None:
    failed: dict[str, list[str]] = {}
    for problem in report.problems:
        if problem.record_id:
            failed.setdefault(problem.record_id, []).append(str(problem).removeprefix(f"{problem.record_id}: "))
    with events.transaction():
        for record_id in sorted(report.items):
            if record_id in failed:
                events.record_event(record_id, "fixity check", outcome="failure", detail="; ".join(failed[record_id]))
            else:
                events.record_event(record_id, "fixity check", outcome="success",
                                    detail="every recorded file matches its sha256 and sha512")
