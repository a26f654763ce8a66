"""`tongwen export`: write records from the store in an export format, all of them or those a search finds.

    tongwen export --format marcxml > all.xml
    tongwen export --format ris "源氏物語" -o genji.ris
    tongwen export --format csv --source nlk-demo -o nlk.csv
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import nullcontext

import click

from tongwen.config import settings_of
from tongwen.export import FORMATS, export_chunks
from tongwen.model import Record

_PAGE = 100


def searched_records(settings, store, query: str, limit: int | None) -> Iterator[Record]:
    """The records a search finds, in relevance order, a page of hits at a time."""
    from tongwen.index import SearchIndex, SearchRequest

    index = SearchIndex.open(settings.index_dir)
    try:
        page, sent = 1, 0
        while limit is None or sent < limit:
            result = index.search(SearchRequest(query, facets=(), page=page, page_size=_PAGE))
            if result.query_error:
                raise click.ClickException(f"the query cannot be read: {result.query_error}")
            ids = [hit.id for hit in result.hits]
            if limit is not None:
                ids = ids[: limit - sent]
            if not ids:
                return
            yield from store.get_many(ids)
            sent += len(ids)
            page += 1
    finally:
        index.close()


@click.command("export")
@click.argument("query", required=False, default="")
@click.option("--format", "-f", "format_name", type=click.Choice(list(FORMATS)), default="jsonld", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--source", help="Only records of this source (without QUERY).")
@click.option("--limit", type=int, help="At most this many records.")
@click.option("--base-url", default="", help="Public address of the portal, for record links in JSON-LD.")
@click.pass_context
def export_command(ctx: click.Context, query: str, format_name: str, output: str | None, source: str | None,
                   limit: int | None, base_url: str) -> None:
    """Export records: every stored record (or one source's), or those QUERY finds in the search index.

    \b
    Formats: jsonld (schema.org), marcxml (880s for every script), dc, ris, bibtex, csv.
    Example:
      tongwen export --format ris "title:源氏物語" -o genji.ris
    """
    from tongwen.store import Store

    settings = settings_of(ctx.find_root().obj)
    if not settings.database.exists():
        raise click.ClickException(f"there is no store at {settings.database}: import records first")
    if query and source:
        raise click.ClickException("give either QUERY or --source, not both")
    store = Store.open(settings.database, read_only=True)
    try:
        if query:
            records: Iterator[Record] = searched_records(settings, store, query, limit)
        else:
            records = _limited(store.iter_records(source), limit)
        count = 0

        def counted() -> Iterator[Record]:
            nonlocal count
            for record in records:
                count += 1
                yield record

        target = open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)  # noqa: SIM115
        with target as stream:
            for chunk in export_chunks(format_name, counted(), base_url=base_url):
                stream.write(chunk)
    finally:
        store.close()
    if output:
        click.echo(f"{count} records written to {output} ({format_name})", err=True)


def _limited(records: Iterator[Record], limit: int | None) -> Iterator[Record]:
    for number, record in enumerate(records):
        if limit is not None and number >= limit:
            return
        yield record
