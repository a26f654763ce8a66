"""Configuration in one typed place: where the data lives and how the server runs. Read once, passed down."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tongwen.store.database import Database

DEFAULT_DATA_DIR = "./tongwen-data"
SECRET_FILE = "secret.key"


def _switch(value: str) -> bool | None:
    """``on``/``off`` (or true/false, yes/no, 1/0) for a setting; ``auto`` for None."""
    lowered = value.strip().lower()
    if lowered == "auto":
        return None
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{value!r} is not on, off or auto")


_FROM_ENVIRONMENT = (  # Settings field, environment variable, type
    ("oai_repository_id", "TONGWEN_OAI_REPOSITORY_ID", str),
    ("oai_admin_email", "TONGWEN_OAI_ADMIN_EMAIL", str),
    ("oai_page_size", "TONGWEN_OAI_PAGE_SIZE", int),
    ("secret_key", "TONGWEN_SECRET_KEY", str),
    ("secure_cookies", "TONGWEN_SECURE_COOKIES", _switch),
    ("signin_delay", "TONGWEN_SIGNIN_DELAY", float),
    ("peer_timeout", "TONGWEN_PEER_TIMEOUT", float),
    ("import_workers", "TONGWEN_IMPORT_WORKERS", lambda value: None if value.strip() == "auto" else int(value)),
    ("store_path", "TONGWEN_STORE", lambda value: Path(value).expanduser().resolve()),
    ("database_read_connections", "TONGWEN_DATABASE_READ_CONNECTIONS", int),
    ("images_path", "TONGWEN_IMAGES", lambda value: Path(value).expanduser().resolve()),
    ("search_cache_entries", "TONGWEN_SEARCH_CACHE_ENTRIES", int),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the data lives and how this node presents itself. `load` reads the environment once:

    - ``TONGWEN_DATA``: the data directory (``--data`` wins).
    - ``TONGWEN_OAI_REPOSITORY_ID``: a domain name you control; OAI-PMH identifiers are built on it, so keep
      it fixed once others harvest you.
    - ``TONGWEN_OAI_ADMIN_EMAIL``: the contact the OAI-PMH Identify answer gives.
    - ``TONGWEN_OAI_PAGE_SIZE``: records per OAI-PMH response.
    - ``TONGWEN_SECRET_KEY``: signs OAI-PMH resumption tokens. Without it, a random secret is made at the
      first start and kept in the data dir (`SECRET_FILE`), so tokens stay valid across restarts.
    - ``TONGWEN_SECURE_COOKIES``: ``auto`` (default), ``on`` or ``off``. Staff cookies are marked ``Secure``
      (sent over HTTPS only) when on, or in ``auto`` when the request arrived over HTTPS. Behind a proxy that
      ends TLS, uvicorn (``tongwen serve``) takes the scheme from the proxy's ``X-Forwarded-Proto`` when the
      proxy's address is trusted — 127.0.0.1 by default, others via ``FORWARDED_ALLOW_IPS`` — so ``auto``
      follows it; say ``on`` when the proxy sends no such header.
    - ``TONGWEN_SIGNIN_DELAY``: seconds a staff account (or address) waits after its first run of failed
      sign-ins; the wait doubles with each further failure, up to an hour (default 30).
    - ``TONGWEN_PEER_TIMEOUT``: seconds a federated search (``scope=all``) waits for the peers in `peers_path`;
      a peer that has not answered by then is left out and named on the page (default 2).
    - ``TONGWEN_IMPORT_WORKERS``: processes that parse and map the records of a binary MARC import while the
      importer writes the store (``tongwen import --workers`` wins); ``1``: all in the importer's process;
      ``auto`` (default): every core for files over a megabyte, one process for smaller ones.
    - ``TONGWEN_STORE``: the store's SQLite file when it is not the data dir's own (``--store`` wins) — a node
      that follows a shared store keeps its own index replica in its data dir and reads the records there.
    - ``TONGWEN_DATABASE``: the database as a URL (``sqlite:///path/tongwen.sqlite``; ``--database`` wins),
      the same as ``TONGWEN_STORE`` for a SQLite file, or ``postgresql://user@host/dbname`` for server mode
      (records, runs, works, agents, registry and archive events then live in PostgreSQL; no SQLite file is
      written, and the data dir keeps only this node's index and images).
    - ``TONGWEN_DATABASE_READ_CONNECTIONS``: with PostgreSQL, the most connections one process keeps open for
      reading, shared by its threads (default 10; the web's workers × this must stay under the server's
      ``max_connections``).
    - ``TONGWEN_IMAGES``: the directory of the page tiles that imports make and the portal serves (default
      ``images/`` beside the SQLite store). In server mode no tiles are made unless it is set: point every
      importer and web node at one shared directory (a network file system), as nodes share no disk.
    - ``TONGWEN_SEARCH_CACHE_ENTRIES``: how many searches' compiled queries, totals and facet counts each web
      worker keeps for the next search of the same query and filters (its other pages and sorts; the counts
      until the index changes); about 15 kB each (default 2000; 0 keeps none).
    """

    data_dir: Path
    oai_repository_id: str = "tongwen.local"
    oai_admin_email: str = "admin@tongwen.local"
    oai_page_size: int = 250
    secret_key: str | None = None
    secure_cookies: bool | None = None  # None: auto, Secure when the request came over HTTPS
    signin_delay: float = 30.0
    peer_timeout: float = 2.0
    import_workers: int | None = None  # None: auto, every core for large files (`tongwen.ingest.parallel`)
    store_path: Path | None = None  # None: the store is the data dir's own tongwen.sqlite
    database_url: str | None = None  # the URL it was named by (--database / TONGWEN_DATABASE), if any
    database_read_connections: int = 10  # PostgreSQL: the most one process keeps open for reading (a pool)
    images_path: Path | None = None  # where page tiles live when not beside the SQLite store (TONGWEN_IMAGES)
    search_cache_entries: int = 2000  # `tongwen.index.search_cache` (its DEFAULT_ENTRIES)

    @property
    def database(self) -> Database:
        """The one database of this node: PostgreSQL when named by URL, else a SQLite file."""
        from tongwen.store.database import Database, PostgresDatabase  # late: the store imports this module's users

        if self.database_url and self.store_path is None:
            database = Database.at(self.database_url)
            if isinstance(database, PostgresDatabase):
                database = replace(database, read_connections=self.database_read_connections)
            return database
        return Database.at(self.store_path or self.data_dir / "tongwen.sqlite")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def tiles_dir(self) -> Path | None:
        """Where imports tile local page images (IIIF level 0, `tongwen.protocols.iiif_image`): $TONGWEN_IMAGES,
        else beside the SQLite store; None in server mode without $TONGWEN_IMAGES (no local tiles made)."""
        from tongwen.protocols.iiif_image import images_dir

        return self.images_path or images_dir(self.database)

    @property
    def images_dir(self) -> Path:
        """Where the portal serves tiles from."""
        return self.tiles_dir or self.data_dir / "images"

    @property
    def sources_path(self) -> Path:
        return self.data_dir / "sources.toml"

    @property
    def peers_path(self) -> Path:
        """The other member portals a federated search asks (`tongwen peers add`)."""
        return self.data_dir / "peers.toml"

    @classmethod
    def load(
        cls, data_dir: str | os.PathLike[str] | None = None, store_path: str | os.PathLike[str] | None = None,
        database: str | None = None,
    ) -> Settings:
        """`data_dir` if given, else $TONGWEN_DATA, else ./tongwen-data; `store_path` overrides $TONGWEN_STORE,
        `database` (a URL) overrides $TONGWEN_DATABASE; a bad URL raises StoreError naming it."""
        chosen = data_dir or os.environ.get("TONGWEN_DATA") or DEFAULT_DATA_DIR
        environ = os.environ
        optional: dict[str, object] = {}
        for name, variable, kind in _FROM_ENVIRONMENT:
            if environ.get(variable):
                optional[name] = kind(environ[variable])
        database = database or environ.get("TONGWEN_DATABASE") or None
        if database:
            from tongwen.store.database import Database, SQLiteDatabase  # late, as in `database`

            named = Database.at(database)
            optional["database_url"] = database
            if isinstance(named, SQLiteDatabase) and named.path is not None:
                optional["store_path"] = named.path.resolve()
        if store_path:
            optional["store_path"] = Path(store_path).expanduser().resolve()
        return cls(data_dir=Path(chosen).expanduser().resolve(), **optional)

    def token_secret(self) -> bytes:
        """The secret that signs what this node hands out: ``TONGWEN_SECRET_KEY``, else this node's own random
        secret in the data dir, made (readable by its owner only) the first time it is asked for."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.ensure().data_dir / SECRET_FILE
        if not path.exists():
            # Written aside, then linked into place: of two workers starting at once, one secret wins whole.
            draft = path.with_name(f"{SECRET_FILE}.{os.getpid()}")
            draft.touch(mode=0o600)
            draft.write_text(secrets.token_hex(32))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_bytes().strip()

    def ensure(self) -> Settings:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self


def settings_of(context_obj: object) -> Settings:
    """The Settings a command runs with: the main `tongwen` group's ``ctx.obj`` (built from --data or
    $TONGWEN_DATA), or — for a command invoked on its own — those from the environment."""
    return context_obj if isinstance(context_obj, Settings) else Settings.load()
