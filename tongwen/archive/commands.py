"""`tongwen archive` (write bags, import bags, list an item's events) and `tongwen fixity`.

    tongwen archive kanripo:KR1h0004 --to /mnt/preservation
    tongwen archive --source ndl-demo --to /mnt/preservation
    tongwen archive import /mnt/from-nlk/nlk-demo_CNTS-00047883
    tongwen archive events kanripo:KR1h0004
    tongwen fixity
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tongwen.archive.bag import ArchiveError, BagReport, write_bag
from tongwen.archive.events import PreservationStore
from tongwen.archive.fixity import check_fixity
from tongwen.archive.reading import import_bag
from tongwen.config import Settings, settings_of
from tongwen.model import Record


class _ItemsByDefault(click.Group):
    """`tongwen archive ID…` means `tongwen archive write ID…`: archiving is what the group is for."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["write", *args]
        return super().parse_args(ctx, args)


def _settings() -> Settings:
    settings = settings_of(click.get_current_context().find_root().obj)
    if not settings.database.exists():
        raise click.ClickException(f"there is no store at {settings.database}: import records first")
    return settings


@contextmanager
def _progress(label: str) -> Iterator[Progress]:
    from tongwen.cli import status_console

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=status_console, transient=True, disable=not status_console.is_terminal) as bar:
        bar.add_task(label, total=None)
        yield bar


@click.group("archive", cls=_ItemsByDefault, invoke_without_command=False)
def archive() -> None:
    """Archive items as BagIt bags, import bags from partner libraries, list preservation events.

    A bag holds the record in Tongwen's JSON (nothing lost), MARCXML, Dublin Core and JSON-LD, the IIIF
    manifest, the page texts and the local page images, with SHA-256 and SHA-512 checksums of every file.

    \b
    Examples:
      tongwen archive kanripo:KR1h0004 --to /mnt/preservation
      tongwen archive --search "論語" --to /mnt/preservation
      tongwen archive import /mnt/from-ndl/ndl-demo_ndl0019
      tongwen archive events kanripo:KR1h0004
    """


@archive.command("write")
@click.argument("record_ids", nargs=-1, metavar="[ID]...")
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the bags into (one sub-directory per item, named after its id).")
@click.option("--source", metavar="NAME", help="Archive every item of this source.")
@click.option("--search", "query", metavar="QUERY", help="Archive every item this search finds.")
@click.option("--files-root", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Where page images given as relative paths are (the directory the items were imported "
                   "from). Default: the current directory.")
@click.option("--base-url", default="", help="Public address of the portal, for links in the JSON-LD and manifest.")
def write_command(record_ids: tuple[str, ...], to: Path, source: str | None, query: str | None,
                  files_root: Path | None, base_url: str) -> None:
    """Write items as BagIt bags: the given IDs, or a whole --source, or what a --search finds.

    Page images that are local files go into the bag; remote images (IIIF services, web addresses) are
    not downloaded: their addresses stay in record.json and the manifest, and the report counts them. An
    existing bag is never overwritten. Each bag gets an "archive" event and its checksums are recorded for
    `tongwen fixity`.

    \b
    Examples:
      tongwen archive kanripo:KR1h0004 kanripo:KR1h0001 --to /mnt/preservation
      tongwen archive --source nlk-demo --to /mnt/preservation
      tongwen archive --search "title:源氏物語" --to /mnt/preservation
    """
    from tongwen.store import Store

    if sum(bool(x) for x in (record_ids, source, query)) != 1:
        raise click.UsageError("name the items to archive: IDs, or --source NAME, or --search QUERY (one of them)")
    settings = _settings()
    to = to.resolve()
    failures = 0
    reports: list[BagReport] = []
    with Store.open(settings.database, read_only=True) as store, \
            PreservationStore.open(settings.database) as events, _progress("archiving") as bar:
        task = bar.tasks[0].id
        for record_or_id in _chosen(settings, store, record_ids, source, query):
            if isinstance(record_or_id, str):
                click.echo(f"{record_or_id}: no such record; ids look like SOURCE:LOCAL_ID (see `tongwen sources`)",
                           err=True)
                failures += 1
                continue
            bar.update(task, description=escape(f"archiving {record_or_id.id}"))
            try:
                report = write_bag(record_or_id, to, events, files_root=(files_root or Path.cwd()).resolve(),
                                   base_url=base_url)
            except (ArchiveError, OSError) as error:
                click.echo(f"{record_or_id.id}: not archived: {error}", err=True)
                failures += 1
                continue
            reports.append(report)
            _print_bag(report)
            bar.advance(task)
    click.echo(f"{len(reports)} items archived in {to}" + (f"; {failures} not archived (see above)" if failures else ""))
    if failures:
        sys.exit(1)


def _chosen(settings: Settings, store, record_ids: tuple[str, ...], source: str | None,
            query: str | None) -> Iterator[Record | str]:
    if record_ids:
        for record_id in record_ids:
            yield store.get(record_id) or record_id
    elif source:
        yield from store.iter_records(source)
    else:
        from tongwen.export.commands import searched_records

        yield from searched_records(settings, store, query, None)


def _print_bag(report: BagReport) -> None:
    parts = [f"{report.pages} pages", f"{report.texts} texts", f"{report.images} images",
             f"{report.files} files", f"{report.bytes / 1e6:,.1f} MB"]
    if not report.manifest:
        parts.append("no IIIF manifest (Tongwen builds none for an item without images it can paint)")
    click.echo(f"{report.record_id} → {report.bag.name}: " + ", ".join(parts))
    if report.remote_images:
        click.echo(f"  {len(report.remote_images)} remote images not put in the bag (addresses kept in "
                   f"record.json), e.g. {report.remote_images[0]}")
    for missing in report.missing_images:
        click.echo(f"  image missing, not in the bag: {missing}", err=True)


@archive.command("import")
@click.argument("bags", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--no-index", is_flag=True, help="Skip updating the work clusters and the search index.")
def import_command(bags: tuple[Path, ...], no_index: bool) -> None:
    """Import bags written by `tongwen archive` here or at a partner library.

    Each bag is verified first (every file, SHA-256 and SHA-512): a bag that fails is refused, naming each
    damaged or missing file with both checksums, and nothing of it is stored. A bag that verifies is
    copied into the data directory (bags/), its record stored exactly as archived, and its preservation
    events kept, followed by an "ingest" event.

    \b
    Example:
      tongwen archive import /mnt/from-nlk/nlk-demo_CNTS-00047883
    """
    from tongwen.derived import follow_store
    from tongwen.store import Store

    settings = settings_of(click.get_current_context().find_root().obj)
    settings.ensure()
    refused = 0
    with Store.open(settings.database) as store:
        with PreservationStore.open(settings.database) as events, _progress("importing") as bar:
            task = bar.tasks[0].id
            bar.update(task, total=len(bags))
            for path in bags:
                try:
                    report = import_bag(path, store, events, bags_dir=settings.data_dir / "bags")
                except ArchiveError as error:
                    click.echo(f"refused: {error}", err=True)
                    refused += 1
                else:
                    click.echo(f"{report.record_id}: {report.status} from {path.name} ({report.pages} pages, "
                               f"{report.files} files verified, {report.events_carried} earlier events kept)")
                bar.advance(task)
        if not no_index and refused < len(bags):
            click.echo(follow_store(settings, store).summary())
    if refused:
        sys.exit(1)


@archive.command("events")
@click.argument("record_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the events as PREMIS-named JSON.")
def events_command(record_id: str, as_json: bool) -> None:
    """List an item's preservation events: ingest, archive, fixity checks, format migrations.

    \b
    Examples:
      tongwen archive events kanripo:KR1h0004
      tongwen archive events kanripo:KR1h0004 --json
    """
    settings = _settings()
    with PreservationStore.open(settings.database) as events:
        found = events.events_of(record_id)
    if as_json:
        click.echo(json.dumps([event.to_premis() for event in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(f"{record_id}: no preservation events yet (archive it with `tongwen archive {record_id} --to DIR`)")
        return
    for event in found:
        click.echo(f"{event.at}  {event.type:16} {event.outcome:8} {event.agent}: {event.detail}")


@click.command("fixity")
@click.option("--bag", "bags", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Check only this bag (repeatable); a bag Tongwen never recorded is checked against its own "
                   "manifests.")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def fixity_command(bags: tuple[Path, ...], as_json: bool) -> None:
    """Verify every archived file and bag against the checksums recorded when it was archived or imported.

    Reports each file that changed (the item, the file, the recorded and the current checksum) or went
    missing. Nothing is repaired: restore the file from another copy and check again. Exits with status 1
    when anything failed, so a scheduled check can alert someone.

    \b
    Examples:
      tongwen fixity
      tongwen fixity --bag /mnt/preservation/kanripo_KR1h0004
    """
    settings = _settings()
    with PreservationStore.open(settings.database) as events, _progress("checking") as bar:
        task = bar.tasks[0].id

        def show(what: str, done: int, total: int) -> None:
            bar.update(task, description=f"checking {what}", completed=done, total=total)

        report = check_fixity(events, bags, progress=show)
    if as_json:
        click.echo(json.dumps({"files_checked": report.files_checked, "bags_checked": report.bags_checked,
                               "items": len(report.items),
                               "problems": [_problem_dict(problem) for problem in report.problems]},
                              ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(f"FIXITY FAILURE {problem}")
        click.echo(f"{report.files_checked} files and {report.bags_checked} bags of {len(report.items)} items "
                   f"checked: " + ("all intact" if report.ok else f"{len(report.problems)} problems"))
    if not report.ok:
        sys.exit(1)


def _problem_dict(problem) -> dict[str, str | None]:
    return {"item": problem.record_id, "file": problem.file, "problem": problem.problem,
            "algorithm": problem.algorithm, "recorded": problem.recorded, "found": problem.found}
