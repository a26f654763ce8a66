"""What the web layer may ask of the data: a narrow facade over the store and the search index.

Pages and API handlers never touch SQL or tantivy; they call this. SQLite connections are per thread (FastAPI
runs plain handlers in a thread pool), opened read-only: the web process never writes records, and never waits
for an import's write lock.
"""

from __future__ import annotations

import threading
import time
from functools import cached_property
from typing import Any

from tongwen.config import Settings
from tongwen.model import Record
from tongwen.store import Store

REFRESH_SECONDS = 2.0


class Catalog:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._local = threading.local()
        self._index_lock = threading.Lock()
        self._index = None
        self._refreshed = 0.0
        self._has_data = False
        if self.has_data():
            # Bring an older database (or one holding only the registry) to this version's schema once, so the
            # read-only connections below can serve it.
            Store.open(settings.database).close()
            from tongwen.works import Works

            Works.open(settings.database).close()

    # -- store ---------------------------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.settings.database, read_only=True)
            self._local.store = store
        return store

    def has_data(self) -> bool:
        # Asked several times a request. For PostgreSQL `exists` is a connection to the server, so once the
        # answer is yes it is kept (a collection does not disappear under a running portal).
        if not self._has_data:
            self._has_data = self.settings.database.exists()
        return self._has_data

    def record(self, record_id: str) -> Record | None:
        if not self.has_data():
            return None
        return self.store.get(record_id)

    def records(self, ids: list[str]) -> list[Record]:
        return self.store.get_many(ids) if ids and self.has_data() else []

    def record_count(self) -> int:
        return self.store.count() if self.has_data() else 0

    def institution_counts(self) -> dict[str, int]:
        return self.store.institution_counts() if self.has_data() else {}

    def stats(self) -> dict[str, Any]:
        if not self.has_data():
            return {"records": 0, "deleted": 0, "institutions": {}, "languages": {}, "scripts": {}, "sources": {},
                    "years": {"from": None, "to": None, "records_with_year": 0}, "last_seq": 0}
        return self.store.stats()

    # -- works and editions ---------------------------------------------------------------------------------
    @property
    def works(self):
        works = getattr(self._local, "works", None)
        if works is None:
            from tongwen.works import Works

            works = Works.open(self.settings.database, read_only=True)
            self._local.works = works
        return works

    @property
    def agents(self):
        """The agents layer (`tongwen.agents`), or None before `tongwen agents` / an import has built it."""
        agents = getattr(self._local, "agents", None)
        if agents is None and self.has_data():
            from tongwen.agents import Agents
            from tongwen.store import StoreError

            try:
                agents = Agents.open(self.settings.database, read_only=True)
            except StoreError:
                return None
            self._local.agents = agents
        return agents

    def agent_links(self, record_id: str) -> dict[int, str]:
        """Agent position in the record → agent id, for the names a record page links."""
        agents = self.agents
        return {a.position: a.agent_id for a in agents.forms_of_record(record_id)} if agents else {}

    def clusters_for(self, record_ids: list[str]) -> dict[str, Any]:
        return self.works.clusters_for(record_ids) if record_ids and self.has_data() else {}

    def cluster_of(self, record_id: str):
        return self.works.cluster_of(record_id) if self.has_data() else None

    # -- search index --------------------------------------------------------------------------------------
    @property
    def index(self):
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    from tongwen.index import SearchIndex

                    self._index = SearchIndex.open(self.settings.index_dir,
                                                   cache_entries=self.settings.search_cache_entries)
                    self._refreshed = time.monotonic()
        return self._index

    def fresh_index(self):
        """The search index with what other processes committed up to `REFRESH_SECONDS` ago."""
        index = self.index
        if time.monotonic() - self._refreshed > REFRESH_SECONDS:
            index = self._pick_up_changes(index)
        return index

    def search(self, request):
        return self.fresh_index().search(request)

    def refresh_soon(self) -> None:
        """Make the next search look for new commits (the follower says so after it applied changes)."""
        self._refreshed = 0.0

    def _pick_up_changes(self, index):
        # Imports, harvests and followers commit in other threads or processes; a rebuild swaps in a new
        # generation. Searches already running keep the old index object until they finish.
        with self._index_lock:
            if self._index is not index:
                return self._index
            successor = index.reopened()
            if successor is not None:
                self._index = successor
                index.close()
                index = successor
            else:
                index.refresh()
            self._refreshed = time.monotonic()
        return index

    # -- institutions ----------------------------------------------------------------------------------------
    @cached_property
    def directory(self) -> dict[str, Any]:
        """Institution code -> names, country, website (from the registry's seed; no database needed)."""
        from tongwen.registry import institution_directory

        return institution_directory()
