"""What a search works out, kept for the next search of the same query: its compiled plan, and its counts.

A query is analysed, compiled into a plan and translated into a tantivy query before anything is searched
(romanizations and readings: some hundred clauses), and counting is most of what a faceted search costs
(tantivy visits every matching document once per facet, while the first page of hits needs only the best 20).
Neither depends on the page or the sort: the results page's page 2, its other sorts, a reload and the same
query from another reader reuse them, and tantivy then finds the top hits alone (without visiting every match).

`SearchIndex` keeps the prepared queries (they depend on the query and filters alone); `TantivyEngine` the
totals and facet counts, which are only valid for the index reader they were counted on — like
Elasticsearch's shard request cache, a new one starts whenever the engine moves to a newer commit.

    >>> cache = LRU(2)
    >>> cache.put("a", (3, {})); cache.put("b", (5, {})); cache.get("a")
    (3, {})
    >>> cache.put("c", (1, {})); cache.get("b") is None   # the least recently used went
    True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

# A counts entry is a total and at most ~150 (value, count) pairs (the portal's nine facets), about 10 kB; a
# prepared query a few kB: the default bounds a web worker's caches near 30 MB.
DEFAULT_ENTRIES = 2000


class LRU:
    """A thread-safe map of at most ``entries`` items, the least recently used dropped first (0: keeps nothing).
    Keys should be cheap to hash (strings and tuples of them): each look-up hashes its key twice."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self.entries = max(0, entries)
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if not self.entries:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
