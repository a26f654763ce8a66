"""`tongwen sources add|list|remove` and `tongwen harvest [SOURCE…]`.

Registered on the main group in `tongwen.cli` (``main.add_command(sources)``, ``main.add_command(harvest_command)``);
the group's ``ctx.obj`` is the `tongwen.config.Settings`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tongwen.config import Settings
from tongwen.derived import follow_store
from tongwen.harvest.harvester import HarvestProgress, HarvestState, HarvestSummary, harvest
from tongwen.harvest.sources import (
    KINDS,
    METADATA_PREFIXES,
    SCHEDULES,
    Source,
    SourcesFileError,
    add_source,
    load_sources,
    remove_source,
    save_sources,
)
from tongwen.store import Store

console = Console(highlight=False)
status_console = Console(stderr=True, highlight=False)
SHOWN_PROBLEMS = 10


def _load(settings: Settings) -> dict[str, Source]:
    try:
        return load_sources(settings.sources_path)
    except SourcesFileError as exc:
        raise click.ClickException(str(exc)) from None


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    settings.ensure()
    with Store.open(settings.database) as store:
        yield store


@click.group(invoke_without_command=True)
@click.pass_context
def sources(ctx: click.Context) -> None:
    """The sources: remote catalogues to harvest, and every source in the store.

    Without a subcommand, the same as `tongwen sources list`.

    \b
    Examples:
      tongwen sources add ndl https://example.org/oai --institution NDL --prefix oai_dc --schedule daily
      tongwen sources list
      tongwen sources remove ndl
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_sources)


@sources.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--institution", metavar="CODE", help="Holding institution, e.g. NLC, NDL, NLK, NLB.")
@click.option("--kind", type=click.Choice(KINDS), default="oai-pmh", show_default=True)
@click.option(
    "--prefix",
    "metadata_prefix",
    type=click.Choice(sorted(METADATA_PREFIXES)),
    default="oai_dc",
    show_default=True,
    help="OAI-PMH metadataPrefix.",
)
@click.option("--set", "set_spec", metavar="SETSPEC", help="Harvest only this OAI-PMH set.")
@click.option("--schedule", type=click.Choice(list(SCHEDULES)), help="How often `harvest --due` harvests it.")
@click.option("--replace", is_flag=True, help="Replace a source of the same name.")
@click.pass_obj
def add_command(
    settings: Settings,
    name: str,
    url: str,
    institution: str | None,
    kind: str,
    metadata_prefix: str,
    set_spec: str | None,
    schedule: str | None,
    replace: bool,
) -> None:
    """Add a source to the sources file (URL: the OAI-PMH base URL, or a IIIF collection/manifest URL)."""
    try:
        source = Source(name, url, institution, kind, metadata_prefix, set_spec, schedule)
        save_sources(settings.sources_path, add_source(_load(settings), source, replace=replace))
    except SourcesFileError as exc:
        raise click.ClickException(str(exc)) from None
    console.print(
        f"Added [bold]{escape(name)}[/] to {escape(str(settings.sources_path))}; "
        f"run `tongwen harvest {escape(name)}` to fetch its records."
    )


@sources.command("remove")
@click.argument("name")
@click.pass_obj
def remove_command(settings: Settings, name: str) -> None:
    """Remove a source from the sources file. Its records stay in the store; its harvest state is reset."""
    try:
        save_sources(settings.sources_path, remove_source(_load(settings), name))
    except SourcesFileError as exc:
        raise click.ClickException(str(exc)) from None
    if settings.database.exists():
        with _store(settings) as store:
            state = HarvestState(store, name)
            state.save_resume(None)
            store.set_meta(f"harvest.{name}.last", "")
    console.print(f"Removed [bold]{escape(name)}[/]; its records stay in the store.")


@sources.command("list")
@click.pass_obj
def list_sources(settings: Settings) -> None:
    """List the sources file's entries and every source in the store, with record counts."""
    configured = _load(settings)
    stored, last = {}, {}
    if settings.database.exists():
        with _store(settings) as store:
            stored = {info.name: info for info in store.sources()}
            last = {name: HarvestState(store, name).last() for name in configured}
    if not configured and not stored:
        console.print(
            f"No sources yet: add one with `tongwen sources add NAME URL` ({settings.sources_path})."
        )
        return
    table = Table("source", "institution", "from", "format", "schedule", "records", "last harvest")
    for name in sorted(set(configured) | set(stored)):
        source, info = configured.get(name), stored.get(name)
        where = (
            f"{source.kind} {source.url}" + (f" set={source.set}" if source.set else "")
            if source
            else "import"
        )
        fmt = source.format_name if source else (info.format if info else "")
        institution = (source.institution if source else None) or (info.institution if info else None) or ""
        finished = (last.get(name) or {}).get("finished", "")
        table.add_row(
            escape(name),
            escape(institution),
            escape(where),
            escape(fmt or ""),
            escape(source.schedule or "") if source else "",
            f"{info.records:,}" if info else "0",
            finished.replace("T", " ").rstrip("Z"),
        )
    console.print(table)


def _due(source: Source, last: dict | None, now: datetime) -> bool:
    if source.interval is None or not last or not last.get("finished"):
        return source.interval is not None
    finished = datetime.fromisoformat(last["finished"])
    return now - finished >= source.interval


@click.command("harvest")
@click.argument("names", nargs=-1, metavar="[SOURCE]...")
@click.option("--full", is_flag=True, help="Harvest everything again, not only what changed since last time.")
@click.option("--due", is_flag=True, help="Only the sources whose schedule says they are due.")
@click.option("--no-index", is_flag=True, help="Do not update the work clusters and the search index afterwards.")
@click.pass_obj
def harvest_command(
    settings: Settings, names: tuple[str, ...], full: bool, due: bool, no_index: bool
) -> None:
    """Harvest sources from the sources file (all of them when none is named).

    Incremental: only records changed since the last complete harvest are fetched; deleted records are
    deleted. An interrupted harvest goes on where it stopped when run again. `tongwen runs` lists the result.

    \b
    Examples:
      tongwen harvest
      tongwen harvest ndl nlk
      tongwen harvest --due
    """
    configured = _load(settings)
    unknown = [name for name in names if name not in configured]
    if unknown:
        raise click.ClickException(
            f"not in the sources file: {', '.join(unknown)} (known: {', '.join(sorted(configured)) or 'none'})"
        )
    chosen = [configured[name] for name in names] if names else [configured[n] for n in sorted(configured)]
    if not chosen:
        raise click.ClickException("no sources to harvest: add one with `tongwen sources add NAME URL`")
    failed = False
    with _store(settings) as store:
        if due:
            now = datetime.now(UTC)
            chosen = [s for s in chosen if _due(s, HarvestState(store, s.name).last(), now)]
            if not chosen:
                console.print("No source is due.")
                return
        for source in chosen:
            try:
                summary = _harvest_with_progress(store, source, full)
            except KeyboardInterrupt:
                raise click.ClickException(
                    "interrupted; the pages harvested so far are kept. Run the same command again to go on."
                ) from None
            _print_summary(summary)
            failed |= summary.status == "failed"
        if not no_index:
            console.print(follow_store(settings, store).summary())
    if failed:
        sys.exit(1)


def _harvest_with_progress(store: Store, source: Source, full: bool) -> HarvestSummary:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=status_console,
        transient=True,
    ) as bar:
        task = bar.add_task(escape(source.name), total=None)

        def show(state: HarvestProgress) -> None:
            bar.update(
                task,
                description=escape(f"{state.source} page {state.page}"),
                completed=state.records,
                total=state.complete_list_size,
            )

        return harvest(store, source, full=full, progress=show)


def _print_summary(summary: HarvestSummary) -> None:
    counts = ", ".join(f"{n:,} {name}" for name, n in summary.counts.items() if n) or "nothing new"
    how = "resumed" if summary.resumed else (f"from {summary.from_}" if summary.from_ else "full")
    colour = {"ok": "green", "problems": "yellow"}.get(summary.status, "red")
    console.print(
        f"[bold]{escape(summary.source)}[/] (run {summary.run_id}, {how}): [{colour}]{summary.status}[/] — "
        f"{counts}; {summary.pages:,} pages, {summary.problem_count:,} problems, {summary.seconds:.1f} s"
    )
    for problem in summary.first_problems[:SHOWN_PROBLEMS]:
        colour = "red" if problem.severity == "error" else "yellow"
        console.print(f"  [{colour}]{problem.severity:7}[/] {escape(str(problem))}", soft_wrap=True)
    if summary.problem_count > SHOWN_PROBLEMS:
        console.print(f"  run `tongwen runs --problems {summary.run_id}` for all {summary.problem_count:,}")

