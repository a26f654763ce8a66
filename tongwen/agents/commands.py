"""`tongwen agents [NAME]`: bring the agents up to date with the record store, load authority data, look names up.

The lead wires it in with ``main.add_command(agents_command)``; the settings object is ``ctx.obj``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tongwen.agents.store import Agents, AgentSummary
from tongwen.config import Settings
from tongwen.store import Store, StoreError


@click.command("agents")
@click.argument("name", required=False)
@click.option("--rebuild", is_flag=True, help="Forget the agents drawn from records and match them all again.")
@click.option("--authorities", "authority_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Authority data to add: MARC 21 Authority (.mrc, .xml) or NLK linked-data persons (.json).")
@click.option("--json", "as_json", is_flag=True, help="Print the agents found as JSON.")
@click.pass_obj
def agents_command(settings: Settings, name: str | None, rebuild: bool, authority_files: tuple[str, ...],
                   as_json: bool) -> None:
    """Persons, families and corporate bodies across scripts: update them, or find NAME in any form.

    Without NAME: match the agents of records changed since the last run (and load --authorities).
    With NAME (any script or romanization): list the agents it names, with every form.

    \b
    Examples:
      tongwen --data /tmp/tongwen-demo agents
      tongwen --data /tmp/tongwen-demo agents --authorities ../shared/data/nlk-lod-jsonld-samples/Person_sample.json
      tongwen --data /tmp/tongwen-demo agents "Shen Congwen"
    """
    path = settings.database
    if not path.exists():
        raise click.ClickException(f"no Tongwen database at {path}: import some records first")
    try:
        with Store.open(path) as store, Agents.open(path) as agents:
            if name is None or rebuild or authority_files:
                report = agents.rebuild(store) if rebuild else agents.update(store)
                click.echo(f"{report.changed:,} records re-keyed, {report.deleted:,} removed, "
                           f"{report.reclustered:,} mentions re-matched in {report.seconds:.1f} s")
                for file in authority_files:
                    _load_authorities(agents, Path(file))
                stats = agents.stats()
                click.echo(f"{stats['agents']:,} agents from {stats['mentions']:,} mentions "
                           f"({stats['agents_on_several_records']:,} named on several records)")
            if name is not None:
                found = agents.find(name)
                if as_json:
                    click.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False, indent=2))
                elif not found:
                    click.echo(f"no agent is named {name!r}")
                for agent in [] if as_json else found:
                    _print_agent(agent)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _load_authorities(agents: Agents, path: Path) -> None:
    from tongwen.ingest.authorities import read_authorities

    problems: list[str] = []
    report = agents.add_authorities(read_authorities(path, problems))
    click.echo(f"{path.name}: {report.changed:,} authority records, {len(problems):,} problems")
    for problem in problems[:20]:
        click.echo(f"  {problem}", err=True)


def _print_agent(agent: AgentSummary) -> None:
    dates = f" ({agent.dates})" if agent.dates else ""
    click.echo(f"{agent.agent_id}  {agent.name}{dates}  — {agent.kind}, {agent.records} records")
    for form in agent.forms:
        seen = ", ".join(f"{where} {count}" for where, count in sorted(form.seen.items()))
        click.echo(f"    {form.text}  [{form.script or '?'}{'/' + form.lang if form.lang else ''}]  seen: {seen}")
    for identifier in agent.identifiers:
        click.echo(f"    {identifier}")
