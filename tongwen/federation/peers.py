"""The peers file: the other member portals a federated search asks, kept as TOML in the data directory.

One table per peer, named by the peer (the name people see beside its hits and in "NLK did not answer"):

    [peers.NLK]
    url = "https://portal.nl.go.kr/tongwen"   # the portal's base URL: its /api/search is asked
    institution = "NLK"                       # optional: the library that runs it

    >>> peer = Peer.from_url("https://portal.example.org/tongwen/", institution="NLK")
    >>> peer.name, peer.url, peer.search_url
    ('NLK', 'https://portal.example.org/tongwen', 'https://portal.example.org/tongwen/api/search')

A file of its own rather than tables in the store: a peer list is configuration a person edits, like the
sources file, and a node that only searches others needs no database for it.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import tomli_w

LOCAL = "local"  # the name this node's own hits carry in a federated answer, so no peer may take it
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_KEYS = ("url", "institution")


class PeersFileError(ValueError):
    """The peers file, or a peer in it, is not valid; the message names the peer and what to change."""


def check_url(url: str, where: str) -> str:
    """The portal base URL `url`, checked and without a trailing slash; PeersFileError says what is wrong."""
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises for a port that is not a number or out of range
    except ValueError as error:
        raise PeersFileError(f"{where}: {text!r} is not a URL ({error})") from None
    if parts.scheme not in ("http", "https"):
        raise PeersFileError(f"{where}: the URL {text!r} must start with http:// or https://")
    if not parts.hostname:
        raise PeersFileError(f"{where}: the URL {text!r} names no host")
    if parts.username or parts.password:
        raise PeersFileError(f"{where}: the URL {text!r} carries a user name or password; peers are asked "
                             "without credentials, and this file is no place for them")
    if parts.query or parts.fragment:
        raise PeersFileError(f"{where}: the URL {text!r} has a ?query or #fragment; give the portal's base URL "
                             "(for example https://portal.example.org)")
    path = parts.path.rstrip("/")
    endpoint = re.search(r"/(api/search|api|search)$", path)
    if endpoint:
        base = f"{parts.scheme}://{parts.netloc}{path[:endpoint.start()]}"
        raise PeersFileError(f"{where}: give the portal's base URL ({base}), not its /{endpoint.group(1)}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}{path}"


@dataclass(frozen=True, slots=True)
class Peer:
    """Another Tongwen portal whose `/api/search` a federated search asks."""

    name: str
    url: str
    institution: str | None = None

    def __post_init__(self) -> None:
        where = f"peer {self.name!r}"
        if not _NAME.match(self.name or ""):
            raise PeersFileError(f"{where}: a name is up to 64 letters, digits, '-', '_' or '.', starting with a "
                                 "letter or digit (for example NLK)")
        if self.name.lower() == LOCAL:
            raise PeersFileError(f"{where}: {LOCAL!r} names this node's own hits; choose another name")
        object.__setattr__(self, "url", check_url(self.url, where))
        if self.institution is not None and not _NAME.match(self.institution):
            raise PeersFileError(f"{where}: the institution {self.institution!r} is not a code such as NLK")

    @classmethod
    def from_url(cls, url: str, *, name: str | None = None, institution: str | None = None) -> Peer:
        """A peer named `name`, else its institution, else its host (``portal.example.org``, ``127.0.0.1-8001``)."""
        if name is None and institution is None:
            host = urlsplit(check_url(url, f"peer {url!r}")).netloc
            name = re.sub(r"[^A-Za-z0-9_.-]+", "-", host).strip("-._")
        return cls(name or institution or "", url, institution)

    @property
    def search_url(self) -> str:
        return f"{self.url}/api/search"

    def record_url(self, record_id: str) -> str:
        """The peer's page of one of its records."""
        return f"{self.url}/record/{quote(record_id, safe=':@!$&()*+,;=-._~')}"

    def to_table(self) -> dict[str, str]:
        return {key: value for key in _KEYS if (value := getattr(self, key)) is not None}


def load_peers(path: str | os.PathLike[str]) -> dict[str, Peer]:
    """The peers in the file at `path`, by name; an empty dict when the file does not exist yet."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PeersFileError(f"cannot read the peers file {path}: {error}") from None
    tables = data.get("peers", {})
    if not isinstance(tables, dict):
        raise PeersFileError(f"{path}: 'peers' must be a table of [peers.NAME] tables")
    return {name: peer_from_table(name, table, path) for name, table in tables.items()}


def peer_from_table(name: str, table: Any, path: Path) -> Peer:
    if not isinstance(table, Mapping):
        raise PeersFileError(f"{path}: [peers.{name}] must be a table")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise PeersFileError(f"{path}: [peers.{name}]: unknown keys {unknown}; known: {', '.join(_KEYS)}")
    if not isinstance(table.get("url"), str):
        raise PeersFileError(f"{path}: [peers.{name}] needs url = \"https://…\" (the portal's base URL)")
    institution = table.get("institution")
    if institution is not None and not isinstance(institution, str):
        raise PeersFileError(f"{path}: [peers.{name}]: institution must be a string such as \"NLK\"")
    try:
        return Peer(name, table["url"], institution)
    except PeersFileError as error:
        raise PeersFileError(f"{path}: {error}") from None


def save_peers(path: str | os.PathLike[str], peers: Mapping[str, Peer]) -> None:
    """Write the file atomically (a temporary file renamed over it), peers sorted by name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"peers": {name: peers[name].to_table() for name in sorted(peers)}}
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(tomli_w.dumps(document), encoding="utf-8")
    os.replace(temporary, path)


def add_peer(peers: Mapping[str, Peer], peer: Peer, *, replace: bool = False) -> dict[str, Peer]:
    """A copy of `peers` with `peer` added; one name and one URL each, unless `replace` (same name)."""
    if peer.name in peers and not replace:
        raise PeersFileError(f"there is already a peer {peer.name!r} ({peers[peer.name].url}); remove it first "
                             "or use --replace")
    for other in peers.values():
        if other.url == peer.url and other.name != peer.name:
            raise PeersFileError(f"{peer.url} is already the peer {other.name!r}")
    return {**peers, peer.name: peer}


def remove_peer(peers: Mapping[str, Peer], name: str) -> dict[str, Peer]:
    if name not in peers:
        known = ", ".join(sorted(peers)) or "none yet"
        raise PeersFileError(f"no peer {name!r} in the peers file (known: {known})")
    return {key: value for key, value in peers.items() if key != name}
