"""`tongwen cluster [--rebuild]`: bring works and editions up to date with the record store.

The lead wires it in with ``main.add_command(cluster)``; the settings object is ``ctx.obj``.
"""

from __future__ import annotations

import click

from tongwen.config import Settings
from tongwen.store import Store, StoreError
from tongwen.works.store import Works


@click.command()
@click.option("--rebuild", is_flag=True, help="Forget every cluster and build them again from all records.")
@click.pass_obj
def cluster(settings: Settings, rebuild: bool) -> None:
    """Group records into editions and works across libraries and scripts.

    Runs incrementally: only records changed since the last run are re-matched.

    \b
    Example:
      tongwen --data /tmp/tongwen-demo cluster
    """
    path = settings.database
    if not path.exists():
        raise click.ClickException(f"no Tongwen database at {path}: import some records first")
    bars: dict[str, click.progressbar] = {}

    def progress(phase: str, done: int, total: int) -> None:
        bar = bars.get(phase)
        if bar is None:
            label = {"keys": "keying records", "match": "matching", "write": "writing clusters"}[phase]
            bar = bars[phase] = click.progressbar(length=total, label=label)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        with Store.open(path) as store, Works.open(path) as works:
            report = works.rebuild(store, progress) if rebuild else works.update(store, progress)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
    click.echo(
        f"{report.changed:,} records re-keyed, {report.deleted:,} removed, {report.reclustered:,} re-clustered "
        f"in {report.seconds:.1f} s\n"
        f"{report.works:,} works ({report.multi_record_works:,} with several records), "
        f"{report.editions:,} editions; synced to change {report.synced_seq:,}"
    )
