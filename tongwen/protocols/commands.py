"""`tongwen images`: the IIIF level 0 tiles of the local page images, made again without importing again.

    tongwen images --rebuild
    tongwen images --rebuild --source nlc-digitised-demo
    tongwen images --rebuild nlc-digitised-demo:nlcdig0001
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from tongwen.archive.commands import _progress
from tongwen.config import settings_of


@click.command("images")
@click.argument("record_ids", nargs=-1, metavar="[ID]...")
@click.option("--rebuild", is_flag=True, help="Tile the page images again (unchanged files are left alone).")
@click.option("--source", metavar="NAME", help="Only the records of this source.")
@click.option("--files-root", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="The directory the records' relative page image paths are read from (where the imported "
                   "file was). Default: the directory of the file each record was imported from.")
def images_command(record_ids: tuple[str, ...], rebuild: bool, source: str | None,
                   files_root: Path | None) -> None:
    """Make the IIIF tiles of the stored records' local page images again (what import does at its end).

    Every page image that is a local file, of every record written by `tongwen import` (or of one source,
    or of the records named), is tiled into images/ beside the store. A file tiled before and not changed
    since (same SHA-256, kept in the tiles' source.json) is left alone; tiles no record names any more are
    removed (tiles of deleted records only when every record is rebuilt). A page whose image file is missing
    or broken is reported by record and page; the others are tiled, and the exit status is 1.

    The store keeps a page's image path as the record gave it. A relative path is read from the directory
    of the file the record was imported from, as the import run recorded it; that run's file path, when it
    was relative, is taken from the current directory (the store does not keep the directory the import ran
    in), so run this where you ran the import, or say where the files are with --files-root. Harvested
    records are never tiled. In server mode (PostgreSQL) tiles go only to TONGWEN_IMAGES.

    \b
    Examples:
      tongwen images --rebuild
      tongwen images --rebuild --source nlc-digitised-demo
      tongwen images --rebuild nlc-digitised-demo:nlcdig0001
      tongwen images --rebuild --source nlc-books --files-root /mnt/scans/nlc
    """
    from tongwen.protocols.image_rebuild import rebuild as rebuild_images
    from tongwen.store import Store

    if not rebuild:
        raise click.UsageError("say --rebuild to tile the page images again (see --help)")
    if source and record_ids:
        raise click.UsageError("give record ids or --source, not both")
    settings = settings_of(click.get_current_context().find_root().obj)
    if not settings.database.exists():
        raise click.ClickException(f"there is no store at {settings.database}: import records first")
    with Store.open(settings.database, read_only=True) as store:
        root = settings.tiles_dir
        if root is None:
            raise click.ClickException(
                "local tiles are not made in server mode (PostgreSQL) unless TONGWEN_IMAGES names a directory "
                "every node shares: page images keep their own addresses")
        if record_ids:
            records = [store.get(record_id) for record_id in record_ids]
            missing = [record_id for record_id, record in zip(record_ids, records) if record is None]
            if missing:
                raise click.ClickException(f"no such record: {', '.join(missing)}")
        else:
            records = list(store.iter_records(source, with_original=False))
        with _progress("tiling page images") as bar:
            task = bar.tasks[0].id

            def show(image, done: int, total: int) -> None:
                bar.update(task, description=escape(f"tiling {image.record_id} page {image.page}"),
                           completed=done, total=total)

            report = rebuild_images(store, root, records, everything=not (record_ids or source),
                                    files_root=files_root, progress=show)
    for problem in report.problems:
        click.echo(f"PROBLEM {problem}")
    click.echo(report.summary())
    if report.problems:
        sys.exit(1)
