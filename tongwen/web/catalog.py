"""What the web layer may ask of the data: a narrow facade over the store and the search index.

Pages and API handlers never touch SQL or tantivy; they call this. SQLite connections are per thread (FastAPI
runs plain handlers in a thread pool), opened read-only: the web process never writes records.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

from tongwen.config import Settings
from tongwen.model import Record
from tongwen.store import Store


class Catalog:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._local = threading.local()
        self._index_lock = threading.Lock()
        self._index = None

    # -- store ---------------------------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.settings.database_path, read_only=True)
            self._local.store = store
        return store

    def has_data(self) -> bool:
        return self.settings.database_path.exists()

    def record(self, record_id: str) -> Record | None:
        if not self.has_data():
            return None
        return self.store.get(record_id)

    def records(self, ids: list[str]) -> list[Record]:
        return self.store.get_many(ids) if ids and self.has_data() else []

    def stats(self) -> dict[str, Any]:
        if not self.has_data():
            return {"total": 0, "institutions": {}, "languages": {}, "scripts": {}, "sources": {}}
        return self.store.stats()

    # -- search index --------------------------------------------------------------------------------------
    @property
    def index(self):
        if self._index is None:
            with self._index_lock:
                if self._index is None:
                    from tongwen.index import SearchIndex

                    self._index = SearchIndex.open(self.settings.index_dir, read_only=True)
        return self._index

    def search(self, request):
        return self.index.search(request)

    # -- institutions ----------------------------------------------------------------------------------------
    @cached_property
    def directory(self) -> dict[str, Any]:
        """Institution code -> names, country, website (from the registry's seed; no database needed)."""
        from tongwen.registry import institution_directory

        return institution_directory()

    def has_registry(self) -> bool:
        return True
