"""Click commands for the registry, attached by the main CLI: ``users`` (``users add``) and ``registry``
(``load-seed``, ``export``, ``import``, ``stats``). Both read `Settings` from ``ctx.obj``.

Commands act as the local operator (`system_user`, named after the OS account, with the admin role):
whoever can run them can open the database file anyway. The audit log records that name.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import click

from tongwen.config import settings_of
from tongwen.registry import stats as registry_stats
from tongwen.registry.auth import ROLES, AuthError, system_user
from tongwen.registry.database import Registry
from tongwen.registry.exchange import (
    ImportReport,
    entity_for_file,
    export_csv,
    export_csv_dir,
    export_json,
    import_csv,
    import_json,
)
from tongwen.registry.model import ENTITY_BY_NAME
from tongwen.registry.seeding import load_seed


def _open(ctx: click.Context) -> Registry:
    return Registry.open(settings_of(ctx.find_root().obj).ensure().database)


def _operator() -> str:
    try:
        return getpass.getuser()
    except OSError:  # no user name in the environment (some containers)
        return "unknown"


@click.group("users")
def users() -> None:
    """Staff accounts that may edit the cooperation registry.

    \b
    Example:
      tongwen users add mei --role editor
      tongwen users unlock mei
    """


@users.command("unlock")
@click.argument("username")
@click.pass_context
def users_unlock(ctx: click.Context, username: str) -> None:
    """Let an account sign in at once again after failed sign-ins made it wait (the failures stay in the
    audit log). Check with the account's owner first: the failures may have been someone guessing.

    Example: tongwen users unlock mei
    """
    with _open(ctx) as registry:
        try:
            forgiven = registry.accounts.unlock(system_user(_operator()), username)
        except AuthError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{username} may sign in again ({forgiven} failed sign-ins no longer count).")


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="editor",
    show_default=True,
    help="viewer: read the audit log; editor: change facts; admin: also manage users.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.pass_context
def users_add(ctx: click.Context, username: str, role: str, password_stdin: bool) -> None:
    """Add a staff account; asks for the password twice unless --password-stdin is given.

    Example: tongwen users add mei --role editor
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _open(ctx) as registry:
        try:
            user = registry.accounts.create_user(system_user(_operator()), username, password, role)
        except AuthError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"Added {user.username} ({user.role}).")


@click.group("registry")
def registry() -> None:
    """The cooperation registry: institutions, agreements, programmes, activities and their statistics.

    \b
    Examples:
      tongwen registry load-seed
      tongwen registry stats --institution NLC
      tongwen registry export --format csv --output registry-csv
    """


@registry.command("load-seed")
@click.pass_context
def load_seed_command(ctx: click.Context) -> None:
    """Load the facts of the source documents (safe to run again: unchanged facts are left alone).

    Example: tongwen registry load-seed
    """
    with _open(ctx) as reg:
        report = load_seed(reg, system_user(_operator()))
    for line in sorted(report):
        click.echo(f"{report[line]:4d}  {line}")


@registry.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--kind",
    type=click.Choice(sorted(ENTITY_BY_NAME)),
    help="CSV only: one kind of fact to standard output (else --output DIR gets one file per kind).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="JSON: file to write (default: standard output). CSV: directory for the files.",
)
@click.pass_context
def export_command(ctx: click.Context, fmt: str, kind: str | None, output: Path | None) -> None:
    """Export every fact as JSON, or as CSV tables (institutions.csv, activities.csv...).

    Examples: tongwen registry export > registry.json
              tongwen registry export --format csv --output registry-csv/
              tongwen registry export --format csv --kind activity > activities.csv
    """
    with _open(ctx) as reg:
        data = reg.snapshot()
    if fmt == "json":
        text = json.dumps(export_json(data), ensure_ascii=False, indent=2) + "\n"
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(f"Wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
    elif kind:
        click.echo(export_csv(data, kind), nl=False)
    elif output:
        for path in export_csv_dir(data, output):
            click.echo(f"Wrote {path}", err=True)
    else:
        raise click.UsageError("CSV export needs --kind (to standard output) or --output DIR")


@registry.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(sorted(ENTITY_BY_NAME)),
    help="Which kind of fact the CSV holds (default: from its name, e.g. activities.csv).",
)
@click.pass_context
def import_command(ctx: click.Context, file: Path, kind: str | None) -> None:
    """Import facts from a CSV table (header = field names) or a JSON export. Bad rows are listed with
    their line and column and skipped; the others are saved.

    Example: tongwen registry import activities.csv
    """
    user = system_user(_operator())
    with _open(ctx) as reg:
        if file.suffix.lower() == ".json":
            report = import_json(reg, user, json.loads(file.read_text(encoding="utf-8")))
        else:
            try:
                entity = kind or entity_for_file(file)
            except ValueError as exc:
                raise click.UsageError(str(exc)) from exc
            with file.open(encoding="utf-8-sig", newline="") as stream:
                report = import_csv(reg, user, stream, entity, file.name)
    _print_report(report)
    if report.problems and not (report.created or report.updated or report.unchanged):
        ctx.exit(1)


def _print_report(report: ImportReport) -> None:
    click.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {report.rejected}"
    )
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)


@registry.command("stats")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Every statistic as JSON (pairs, kinds, years, timeline, network).",
)
@click.option("--institution", help="Only activities this institution took part in (per kind and per year).")
@click.pass_context
def stats_command(ctx: click.Context, as_json: bool, institution: str | None) -> None:
    """Statistics computed from the facts: per partner pair, per kind, per year.

    Example: tongwen registry stats --institution NLC
    """
    with _open(ctx) as reg:
        data = reg.snapshot()
        counts = reg.counts()
    if as_json:
        click.echo(json.dumps(registry_stats.report(data), ensure_ascii=False, indent=2))
        return
    click.echo("Facts: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    click.echo("\nPartner pairs (events / people / items):")
    for pair in registry_stats.per_pair(data):
        if institution and institution not in (pair.a, pair.b):
            continue
        t = pair.total
        click.echo(f"  {pair.a:>7} – {pair.b:<7} {t.events:5d} {t.people:6d} {t.items:6d}")
    click.echo("\nPer kind (events / people / items):")
    for kind, t in registry_stats.per_kind(data, institution).items():
        click.echo(f"  {kind:<24} {t.events:5d} {t.people:6d} {t.items:6d}")
    years = registry_stats.per_year(data, institution)
    click.echo("\nPer year:")
    for year, kinds in years.years.items():
        click.echo(
            f"  {year}  " + ", ".join(f"{k} {t.events}/{t.people}/{t.items}" for k, t in kinds.items())
        )
    for span in years.spans:
        t = span.tally
        click.echo(f"  {span.start}–{span.end}  {span.kind} {t.events}/{t.people}/{t.items}  ({span.id})")
