"""`tongwen peers add|list|remove`: the member portals a federated search (``scope=all``) asks.

Registered on the main group in `tongwen.cli`; the group's ``ctx.obj`` is the `tongwen.config.Settings`.
"""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tongwen.config import Settings
from tongwen.federation.peers import Peer, PeersFileError, add_peer, load_peers, remove_peer, save_peers

console = Console(highlight=False)


def _load(settings: Settings) -> dict[str, Peer]:
    try:
        return load_peers(settings.peers_path)
    except PeersFileError as error:
        raise click.ClickException(str(error)) from None


@click.group(invoke_without_command=True)
@click.pass_context
def peers(ctx: click.Context) -> None:
    """The peers: other Tongwen portals that /search?scope=all and /api/search?scope=all also ask.

    Without a subcommand, the same as `tongwen peers list`.

    \b
    Examples:
      tongwen peers add https://portal.nl.go.kr/tongwen --name NLK --institution NLK
      tongwen peers list
      tongwen peers remove NLK
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command)


@peers.command("add")
@click.argument("url")
@click.option("--name", help="The name shown beside its hits (default: the institution, else the host).")
@click.option("--institution", metavar="CODE", help="The library that runs the portal, e.g. NLK.")
@click.option("--replace", is_flag=True, help="Replace a peer of the same name.")
@click.pass_obj
def add_command(settings: Settings, url: str, name: str | None, institution: str | None, replace: bool) -> None:
    """Add a peer by its portal's base URL (the address of its home page).

    \b
    Example:
      tongwen peers add http://127.0.0.1:8001 --name NLK --institution NLK
    """
    try:
        peer = Peer.from_url(url, name=name, institution=institution)
        save_peers(settings.peers_path, add_peer(_load(settings), peer, replace=replace))
    except PeersFileError as error:
        raise click.ClickException(str(error)) from None
    console.print(f"Added the peer [bold]{escape(peer.name)}[/] ({escape(peer.url)}) to "
                  f"{escape(str(settings.peers_path))}; /search?scope=all now asks it.")


@peers.command("remove")
@click.argument("name")
@click.pass_obj
def remove_command(settings: Settings, name: str) -> None:
    """Remove a peer by name.

    \b
    Example:
      tongwen peers remove NLK
    """
    try:
        save_peers(settings.peers_path, remove_peer(_load(settings), name))
    except PeersFileError as error:
        raise click.ClickException(str(error)) from None
    console.print(f"Removed the peer [bold]{escape(name)}[/].")


@peers.command("list")
@click.pass_obj
def list_command(settings: Settings) -> None:
    """List the peers.

    \b
    Example:
      tongwen peers list
    """
    known = _load(settings)
    if not known:
        console.print(f"No peers yet: add one with `tongwen peers add URL --name NAME` ({settings.peers_path}).")
        return
    table = Table("peer", "institution", "portal")
    for name in sorted(known):
        peer = known[name]
        table.add_row(escape(name), escape(peer.institution or ""), escape(peer.url))
    console.print(table)
