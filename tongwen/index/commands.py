"""`tongwen search` and `tongwen index`: click commands the main CLI group attaches.

tongwen index                 # apply the store's changes since the last sync
tongwen index --rebuild       # rebuild the index from the store alone
tongwen index --follow        # keep applying the store's changes until Ctrl+C
tongwen search "紅樓夢" --facet institution --filter year=1700-1800 --sort -year --json
"""

from __future__ import annotations

import html
import json
import sys
import time

import click

from tongwen.agents.store import AgentForms
from tongwen.config import settings_of
from tongwen.index.facets import DEFAULT_FACETS, FACETS, parse_filter
from tongwen.index.query import QuerySyntaxError
from tongwen.index.search_index import SORTS, SearchIndex, SearchRequest


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Rebuild the whole index from the store.")
@click.option("--follow", is_flag=True, help="Keep following the store's changes until Ctrl+C (a daemon).")
@click.pass_context
def index_command(ctx: click.Context, rebuild: bool, follow: bool) -> None:
    """Bring the search index up to date with the store.

    Imports and harvests change the store; this applies their changes to the index (deletes too). With
    --rebuild the index is built anew from the store alone, beside the old one, and swapped in; running
    servers move to it by themselves. With --follow it keeps applying changes as they come, printing a line
    per batch, until Ctrl+C — the index replica of a node whose store is elsewhere (--store).

    \b
    Examples:
      tongwen index
      tongwen index --rebuild
      tongwen --data node2 --store /srv/tongwen/tongwen.sqlite index --follow
    """
    from tongwen.store import Store

    settings = settings_of(ctx.find_root().obj)
    if not settings.database.exists():
        raise click.ClickException(f"there is no store at {settings.database}: import records first")
    if follow and rebuild:
        raise click.UsageError("--follow and --rebuild are two runs: rebuild first, then follow")
    if follow:
        _follow(settings)
        return
    store = Store.open(settings.database, read_only=True)
    try:
        index = SearchIndex.open(settings.index_dir, agent_forms=AgentForms(settings.database))
    except RuntimeError as error:  # an index from another schema version
        if not rebuild:
            raise click.ClickException(str(error)) from error
        import shutil

        shutil.rmtree(settings.index_dir.resolve())  # unusable anyway; the rebuild makes a new generation
        settings.index_dir.unlink(missing_ok=True)
        index = SearchIndex.open(settings.index_dir, agent_forms=AgentForms(settings.database))
    try:
        report = index.rebuild(store) if rebuild else index.sync(store)
    finally:
        store.close()
    rate = report.added / report.seconds if report.seconds else 0.0
    verb = "rebuilt with" if rebuild else "synced:"
    click.echo(
        f"index {verb} {report.added} added, {report.deleted} deleted, up to change {report.seq} "
        f"({report.seconds:.1f} s, {rate:,.0f} records/s); {index.count()} records searchable"
    )


def _follow(settings) -> None:
    import threading

    from tongwen.derived import Follower, FollowStep

    def show(step: FollowStep) -> None:
        click.echo(f"{time.strftime('%H:%M:%S')} up to change {step.seq}: {step.added} added or updated, "
                   f"{step.deleted} removed ({step.seconds * 1000:.0f} ms)")

    follower = Follower(settings, on_step=show)
    click.echo(f"following {settings.database} into {settings.index_dir}; stop with Ctrl+C")
    stop = threading.Event()
    try:
        follower.run(stop)
    except KeyboardInterrupt:
        stop.set()
    click.echo("stopped following; the index keeps what it applied")


@click.command("search")
@click.argument("query", default="")
@click.option(
    "--facet", "facets", multiple=True, type=click.Choice(list(FACETS)), help="Facet to count (repeatable)."
)
@click.option("--filter", "filters", multiple=True, metavar="FACET=VALUE", help="Keep only matching records.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--page-size", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--in", "inside", metavar="RECORD_ID", help="Search inside one digitised item: list its matching pages.")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: str,
    facets: tuple[str, ...],
    filters: tuple[str, ...],
    sort: str,
    page: int,
    page_size: int,
    as_json: bool,
    inside: str | None,
) -> None:
    """Search the index. QUERY: words, "phrases", AND / OR / NOT, ( ), title: creator: subject: isbn:
    publisher: text: (the pages of digitised items) and year:1900-1950 — in any script or romanization.
    Records whose pages match say on which pages ("in the text: 4 pages (001-4a, …)").

    \b
    Examples:
      tongwen search "紅樓夢"
      tongwen search 'text:学而时习之' --json
      tongwen search 仁義 --in kanripo:KR1h0001
      tongwen search "hong lou meng" --filter institution=NLC --json
      tongwen search 'title:源氏物語 year:1900-1950' --facet language --sort -year
    """
    settings = settings_of(ctx.find_root().obj)
    if not settings.index_dir.exists():
        raise click.ClickException(f"there is no index at {settings.index_dir}: run `tongwen index` first")
    chosen: dict[str, list[str]] = {}
    try:
        for text in filters:
            name, value = parse_filter(text)
            chosen.setdefault(name, []).append(value)
    except QuerySyntaxError as error:
        raise click.UsageError(str(error)) from error
    index = SearchIndex.open(settings.index_dir)
    if inside:
        _search_in_item(ctx, index, inside, query, page, page_size, as_json)
        return
    request = SearchRequest(query, chosen, facets or DEFAULT_FACETS, sort, page, page_size)
    result = index.search(request)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        if result.query_error:
            ctx.exit(2)
        return
    if result.query_error:
        raise click.UsageError(f"cannot read the query: {result.query_error}")
    first = (page - 1) * page_size + 1
    if result.also_searched:
        click.echo(f"Also searched: {', '.join(result.also_searched)} "
                   "(titles the matching records give in another script)")
    click.echo(
        f"{result.total} records" + (f", {first}–{first + len(result.hits) - 1}:" if result.hits else "")
    )
    for hit in result.hits:
        forms = " / ".join(title["text"] for title in hit.titles if title.get("role") == "main") or hit.id
        creators = "; ".join(creator["name"] for creator in hit.creators)
        details = ", ".join(str(part) for part in (creators, hit.year, hit.institution) if part)
        click.echo(f"  {forms}  ({details})  [{hit.id}]")
        if hit.in_text:
            labels = ", ".join(page["label"] for page in hit.in_text["pages"])
            more = " …" if hit.in_text["count"] > len(hit.in_text["pages"]) else ""
            click.echo(f"      in the text: {hit.in_text['count']} pages ({labels}{more})")
    for name, pairs in result.facets.items():
        if pairs:
            click.echo(f"{name}: " + ", ".join(f"{value} ({count})" for value, count in pairs))


def _search_in_item(
    ctx: click.Context, index: SearchIndex, record_id: str, query: str, page: int, page_size: int, as_json: bool
) -> None:
    found = index.search_in_item(record_id, query, page=page, page_size=page_size)
    if as_json:
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        if found["query_error"]:
            ctx.exit(2)
        return
    if found["query_error"]:
        raise click.UsageError(f"cannot read the query: {found['query_error']}")
    click.echo(f"{found['count']} pages of {record_id} match")
    for hit in found["pages"]:
        shown = html.unescape(hit["snippet"].replace("<mark>", "[").replace("</mark>", "]"))
        click.echo(f"  {hit['label']}: {shown}")
