"""The `tongwen` command: import catalogue files, look at what is stored, load the demo collection.

Thin on purpose: the work lives in `tongwen.store` and `tongwen.ingest.pipeline`; this module parses
options and prints. To add a command, write one function:

    @main.command()
    @click.pass_obj
    def reindex(settings: Settings) -> None:
        \"\"\"One line for the command list. A paragraph and an example for --help.\"\"\"
        with open_store(settings) as store:
            ...
"""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tongwen.config import DEFAULT_DATA_DIR, Settings
from tongwen.demo import DEMO_MANIFEST, DemoError, load_demo
from tongwen.derived import follow_store
from tongwen.ingest import FORMATS
from tongwen.ingest.parallel import WorkerCrashed
from tongwen.ingest.pipeline import ImportProgress, RunSummary, import_files
from tongwen.model import Record
from tongwen.store import Run, Store, StoreError
from tongwen.works import Works

console = Console(highlight=False)
status_console = Console(stderr=True, highlight=False)  # progress bars go to stderr, results to stdout
SHOWN_PROBLEMS = 10
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Tongwen(click.Group):
    """The command group; a database that cannot be opened (a server that does not answer, a newer schema)
    ends any command with its message, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StoreError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Tongwen, context_settings=_CONTEXT)
@click.option(
    "--data",
    "data_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help=f"Where Tongwen keeps its database and index. Default: $TONGWEN_DATA, else {DEFAULT_DATA_DIR}.",
)
@click.option(
    "--store",
    "store_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The store (SQLite file) when it is not the data dir's own: nodes that follow one shared store keep "
    "their index in --data. Default: $TONGWEN_STORE, else DIR/tongwen.sqlite.",
)
@click.option(
    "--database",
    metavar="URL",
    help="The database as a URL: sqlite:///srv/tongwen/tongwen.sqlite (a path works too), or "
    "postgresql://tongwen@db.example/cjkdli for server mode. Default: $TONGWEN_DATABASE, else the --store file.",
)
@click.version_option(package_name="tongwen")
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, store_path: str | None, database: str | None) -> None:
    """Tongwen (同文): one catalogue for the records of many national libraries, searchable across scripts.

    \b
    Example:
      tongwen import nlc-books.mrc --source nlc --institution NLC
      tongwen stats
      tongwen --data node2 --store shared/tongwen.sqlite serve --follow --port 8001
      tongwen --data node3 --database postgresql://tongwen@db/cjkdli serve --follow --port 8002
    """
    try:
        ctx.obj = Settings.load(data_dir, store_path, database)
    except StoreError as error:
        raise click.UsageError(str(error)) from None


@contextmanager
def open_store(settings: Settings, *, must_exist: bool = False) -> Iterator[Store]:
    """The store in the data directory; with `must_exist`, a friendly stop when nothing was imported yet."""
    if must_exist and not settings.database.exists():
        raise click.ClickException(
            f"no records yet in {settings.data_dir}; import some first, e.g. "
            "`tongwen import FILE --source NAME`"
        )
    settings.ensure()
    with Store.open(settings.database) as store:
        yield store


# --- import ---------------------------------------------------------------------------------------------


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--source",
    required=True,
    metavar="NAME",
    help="Name for this collection, e.g. 'nlc-books'; record ids become NAME:LOCAL_ID.",
)
@click.option("--institution", metavar="CODE", help="Holding institution, e.g. NLC, NDL, NLK, NLB.")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(sorted(FORMATS)),
    help="The files' format. Default: recognised from each file's contents and name.",
)
@click.option(
    "--columns",
    metavar="MAPPING.toml",
    type=click.Path(exists=True, dir_okay=False),
    help="For CSV/TSV: which column holds the title, author, year... (a TOML mapping file).",
)
@click.option(
    "--encoding",
    metavar="CODEC",
    help="For CSV/TSV: the files' text encoding (gb18030, big5, cp932, euc_jp, cp949…), when detection "
    "is not sure. Default: detected; a file whose encoding is uncertain is refused.",
)
@click.option("--no-index", is_flag=True,
              help="Skip updating the work clusters and the search index (run `tongwen cluster` / `tongwen index` later).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes that parse and map binary MARC records while this one writes the store; 1: all in "
    "this process. Default: $TONGWEN_IMPORT_WORKERS, else every core for files over a megabyte.",
)
@click.pass_obj
def import_command(
    settings: Settings,
    files: tuple[str, ...],
    source: str,
    institution: str | None,
    format_name: str | None,
    columns: str | None,
    encoding: str | None,
    no_index: bool,
    workers: int | None,
) -> None:
    """Import catalogue files into the data directory, then update the work clusters and the search index.

    Formats: MARC (ISO 2709), MARCXML, MARC-in-JSON, Dublin Core, MODS, CSV/TSV.

    Records already stored are updated when they changed and left alone when they did not, so importing
    the same file again is safe, and an interrupted import can simply be run again. Records that cannot be
    read are reported with the file, record number and field; the rest are imported.

    \b
    Examples:
      tongwen import books.mrc --source nlc --institution NLC
      tongwen import list.csv --source aozora --columns aozora-columns.toml
      tongwen import nlc-list.csv --source nlc-list --encoding gb18030
      tongwen import nlk-2024.mrc --source nlk --institution NLK --workers 2
    """
    options = _column_options(Path(columns)) if columns else {}
    if encoding:
        options["encoding"] = encoding
    with open_store(settings) as store:
        try:
            summary = _import_with_progress(
                store,
                [Path(f) for f in files],
                source=source,
                institution=institution,
                format=format_name,
                options=options,
                workers=workers if workers is not None else settings.import_workers,
                images_root=settings.tiles_dir,
            )
        except WorkerCrashed as crash:
            raise click.ClickException(str(crash)) from None
        except KeyboardInterrupt:
            raise click.ClickException(
                "interrupted; the records read so far are kept. Run the same command again to finish."
            ) from None
        _print_summary(summary)
        if not no_index:
            console.print(follow_store(settings, store).summary())
    if summary.nothing_read:
        sys.exit(1)


def _column_options(path: Path) -> dict[str, Any]:
    from tongwen.ingest.csv_table import load_column_mapping

    try:
        return load_column_mapping(path)  # {"columns": {...}, plus reader options such as "delimiter"}
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise click.ClickException(f"cannot use the column mapping {path}: {exc}") from None


def _import_with_progress(store: Store, files: list[Path], **how: Any) -> RunSummary:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[records]:>9,} records"),
        TimeElapsedColumn(),
        console=status_console,
        transient=True,
        disable=not status_console.is_terminal,  # no bar in logs and pipes, only the summary
    ) as bar:
        task = bar.add_task("starting", total=None, records=0)

        def show(state: ImportProgress) -> None:
            # Redrawing costs far more than a record: update every 200 records and at file ends.
            if state.records % 200 == 0 or state.file_bytes_done == state.file_bytes_total:
                bar.update(
                    task,
                    description=escape(f"({state.file_number}/{state.files_total}) {state.file}"),
                    completed=state.file_bytes_done,
                    total=state.file_bytes_total or None,
                    records=state.records,
                )

        return import_files(store, files, progress=show, **how)


def _print_summary(summary: RunSummary) -> None:
    table = Table(
        title=escape(f"Run {summary.run_id}: {summary.source} ({summary.format or 'unknown format'})"),
        show_header=False,
        title_justify="left",
    )
    for name, value in summary.counts.items():
        table.add_row(name, f"{value:,}")
    table.add_row("problems", f"{summary.problem_count:,}")
    table.add_row("time", f"{summary.seconds:.1f} s")
    console.print(table)
    if summary.first_problems:
        _print_problems(summary.first_problems[:SHOWN_PROBLEMS], title="First problems")
        if summary.problem_count > SHOWN_PROBLEMS:
            console.print(f"run `tongwen runs --problems {summary.run_id}` for all {summary.problem_count:,}")
    if summary.nothing_read:
        console.print("[bold red]Nothing could be read from these files.[/]")


def _print_problems(problems: list, title: str) -> None:
    # One line per problem rather than a table: positions and messages are long, terminals are narrow.
    console.print(f"[bold]{title}[/]")
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        field = f"[bold]{escape(p.field)}[/]: " if p.field else ""
        where = escape(p.position or p.record_id or "")
        console.print(f"[{colour}]{p.severity:7}[/] {where} — {field}{escape(p.message)}", soft_wrap=True)


# --- looking at the store ------------------------------------------------------------------------------


@main.command()
@click.argument("record_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON (the common record model).")
@click.pass_obj
def show(settings: Settings, record_id: str, as_json: bool) -> None:
    """Show one record.

    Every title and name in all its scripts side by side, identifiers, publication, subjects, links and
    where the record came from.

    ID is SOURCE:LOCAL_ID, as printed by `tongwen import` and the portal.

    \b
    Examples:
      tongwen show nlc:012345678
      tongwen show nlc:012345678 --json
    """
    with open_store(settings, must_exist=True) as store:
        record = store.get(record_id, include_deleted=True)
        deleted = record is not None and store.get(record_id) is None
    if record is None:
        raise click.ClickException(
            f"no record {record_id!r}; ids look like SOURCE:LOCAL_ID (see `tongwen sources`)"
        )
    with Works.open(settings.database) as works:
        cluster = works.cluster_of(record_id)
    if as_json:
        data = record.to_dict()
        data["deleted"] = deleted
        data["work"] = {"id": cluster.work_id, "edition": cluster.edition_id, "members": cluster.members} \
            if cluster else None
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_record(record, deleted)
    if cluster is not None:
        others = [member for member in cluster.members if member != record_id]
        console.print(f"[bold]Work[/] {escape(cluster.work_id)}: {escape(cluster.held_by)}")
        if others:
            console.print("  other copies and editions: " + ", ".join(escape(member) for member in others[:20]))
    else:
        console.print("Work: not clustered yet (run `tongwen cluster`).")


def _forms(forms: list) -> str:
    return "  │  ".join(
        f"{escape(f.text)} [dim]({'/'.join(x for x in (f.script, f.lang) if x) or '?'})[/]" for f in forms
    )


def _print_record(record: Record, deleted: bool) -> None:
    heading = f"[bold]{escape(record.id)}[/]" + ("  [red](deleted)[/]" if deleted else "")
    console.print(heading)
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for title in record.titles:
        table.add_row(f"title ({title.role})", _forms(title.forms))
    for agent in record.agents:
        extra = ", ".join(x for x in (agent.role, agent.kind, agent.dates) if x)
        table.add_row(f"name ({escape(extra)})", _forms(agent.forms))
    for identifier in record.identifiers:
        qualifier = f" ({identifier.qualifier})" if identifier.qualifier else ""
        table.add_row(identifier.scheme, escape(identifier.value + qualifier))
    for publication in record.publications:
        shown = [
            escape(" : ".join(x for x in (f.place, f.publisher) if x) + (f", {f.date}" if f.date else ""))
            + (f" [dim]({f.script})[/]" if f.script else "")
            for f in publication.forms
        ]
        table.add_row("publication", "  │  ".join(shown))
    years = "–".join(str(y) for y in dict.fromkeys((record.year_from, record.year_to)) if y is not None)
    for label, value in (
        ("date", " ".join(x for x in (record.date_display, f"[{years}]" if years else "") if x)),
        ("languages", ", ".join(record.languages)),
        ("type", record.content_type),
        ("extent", record.extent),
        ("institution", record.institution),
        ("rights", record.rights),
        ("license", record.license),
    ):
        if value:
            table.add_row(label, escape(value))
    for subject in record.subjects:
        scheme = f" [dim]({escape(subject.scheme)})[/]" if subject.scheme else ""
        table.add_row(f"subject ({escape(subject.kind)})", escape(subject.term) + scheme)
    for genre in record.genres:
        table.add_row("genre", escape(genre))
    for note in record.notes:
        table.add_row("note", escape(note))
    for link in record.links:
        table.add_row(f"link ({link.kind})", escape(link.url + (f" — {link.label}" if link.label else "")))
    if record.provenance:
        p = record.provenance
        table.add_row(
            "from", escape(f"{p.source}, {p.format}, run {p.run_id}, {p.position or 'position unknown'}")
        )
        if p.original:
            table.add_row("original", f"{len(p.original):,} characters kept (see --json)")
    console.print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@click.pass_obj
def stats(settings: Settings, as_json: bool) -> None:
    """Count the records by source, institution, language, script.

    Also the range of publication years.

    \b
    Examples:
      tongwen stats
      tongwen stats --json
    """
    with open_store(settings, must_exist=True) as store:
        numbers = store.stats()
    if as_json:
        click.echo(json.dumps(numbers, ensure_ascii=False, indent=2))
    else:
        _print_stats(numbers)


def _print_stats(numbers: dict[str, Any]) -> None:
    years = numbers["years"]
    span = f", years {years['from']}–{years['to']}" if years["from"] is not None else ""
    console.print(f"[bold]{numbers['records']:,} records[/] ({numbers['deleted']:,} deleted){span}")
    for facet in ("sources", "institutions", "languages", "scripts"):
        if numbers[facet]:
            table = Table(facet[:-1] if facet != "sources" else "source", "records", title_justify="left")
            for key, count in numbers[facet].items():
                table.add_row(escape(key), f"{count:,}")
            console.print(table)


@main.command()
@click.option("--problems", "problems_of", type=int, metavar="RUN_ID", help="List every problem of one run.")
@click.option("--limit", default=20, show_default=True, help="How many recent runs to list.")
@click.pass_obj
def runs(settings: Settings, problems_of: int | None, limit: int) -> None:
    """List recent imports, or every problem of one run.

    \b
    Examples:
      tongwen runs
      tongwen runs --problems 3
    """
    with open_store(settings, must_exist=True) as store:
        if problems_of is not None:
            problems = store.problems(problems_of)
            if not problems:
                console.print(f"Run {problems_of} has no problems recorded.")
            else:
                _print_problems(problems, title=f"Problems of run {problems_of} ({len(problems):,})")
            return
        table = Table("run", "started (UTC)", "source", "format", "status", "records", "problems")
        recent = store.runs(limit=limit)
        for run in recent:
            counts = ", ".join(f"{n:,} {name}" for name, n in run.counts.items() if n) or "none"
            table.add_row(
                str(run.id),
                run.started.replace("T", " ").rstrip("Z"),
                escape(run.source),
                escape(run.format or ""),
                run.status,
                counts,
                f"{run.problem_count:,}",
            )
        console.print(table)
        institutions = {source.name: source.institution for source in store.sources()}
        for run in recent:
            if run.status == "interrupted":
                console.print(
                    f"Run {run.id} was interrupted before it finished; what it stored is kept. To finish it, run "
                    f"again: [bold]{escape(resume_command(run, institutions.get(run.source)))}[/]"
                    + (" (with the same --columns and --encoding, if it had them)" if run.format == "csv" else "")
                )


def resume_command(run: Run, institution: str | None) -> str:
    """The command that takes an interrupted run up where it stopped (imports skip what is stored unchanged,
    harvests go on from their saved resumption point)."""
    if run.kind == "harvest":
        return f"tongwen harvest {shlex.quote(run.source)}"
    words = ["tongwen", "import", *run.files, "--source", run.source]
    words += ["--institution", institution] if institution else []
    words += ["--format", run.format] if run.format else []
    return shlex.join(words)


# --- demo -----------------------------------------------------------------------------------------------


@main.command()
@click.option("--no-serve", is_flag=True, help="Only load the demo collection; do not start the portal.")
@click.option("--port", default=8000, show_default=True, help="Port for the portal.")
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    default=str(DEMO_MANIFEST),
    show_default=True,
    help="The demo collection's list of files.",
)
@click.pass_obj
def demo(settings: Settings, no_serve: bool, port: int, manifest: str) -> None:
    """Load the demo collection and the cooperation registry, then serve the portal.

    Imports every file listed in the demo collection's manifest.toml (shipped inside the package), loads the
    registry's seed facts, groups records of the same work, brings the search index up to date, and serves
    http://127.0.0.1:8000. Loading again is safe:
    unchanged records are left alone.

    \b
    Example:
      tongwen --data /tmp/tongwen-demo demo --no-serve
    """
    with status_console.status("Loading the demo collection…"):
        try:
            report = load_demo(settings, manifest=Path(manifest))
        except DemoError as error:
            raise click.ClickException(str(error)) from None
    for summary in report.imports:
        counts = summary.counts
        console.print(
            f"{Path(summary.files[0]).name}: {counts['added']:,} added, {counts['updated']:,} updated, "
            f"{counts['unchanged']:,} unchanged, {counts['rejected']:,} rejected "
            f"→ source [bold]{escape(summary.source)}[/] (run {summary.run_id})"
        )
    facts = sum(report.registry.values())
    console.print(f"Cooperation registry: {facts:,} seed facts written ({'none changed' if not facts else 'new'}).")
    console.print(report.derived.summary())
    with open_store(settings) as store:
        _print_stats(store.stats())
    console.print('Try: tongwen search "紅樓夢"   ·   tongwen show ndl-demo:ndl0019')
    if not no_serve:
        from tongwen.web.commands import serve

        click.get_current_context().invoke(serve, port=port)


def _attach_commands() -> None:
    """Commands that live beside the stage they drive (one module each), attached to the main group."""
    from tongwen.agents.commands import agents_command
    from tongwen.archive.commands import archive, fixity_command
    from tongwen.export.commands import export_command
    from tongwen.federation.commands import peers
    from tongwen.harvest.commands import harvest_command, sources
    from tongwen.index.commands import index_command, search_command
    from tongwen.protocols.commands import images_command
    from tongwen.registry.commands import registry, users
    from tongwen.web.commands import serve
    from tongwen.works.commands import cluster

    for command in (sources, harvest_command, search_command, index_command, cluster, export_command, serve,
                    users, registry, peers, archive, fixity_command, agents_command, images_command):
        main.add_command(command)


_attach_commands()


if __name__ == "__main__":
    main()
