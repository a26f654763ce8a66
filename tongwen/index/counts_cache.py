"""What a search counts, kept for the next search of the same plan: its total and its facet counts.

Counting is most of what a faceted search costs (tantivy visits every matching document once per facet, while
the first page of hits needs only the best 20), and it depends on the plan and the facets asked for alone —
not on the page or the sort. So the results page's page 2, its other sorts, a reload and the same query from
another reader all reuse the first search's counts, and need tantivy's top hits only (which it finds without
visiting every match). Like Elasticsearch's shard request cache: an entry is only ever valid for the index
reader it was counted on, so `TantivyEngine` starts a new cache whenever it moves to a newer commit.

    >>> cache = CountsCache(2)
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

# Each entry is a total and at most ~150 (value, count) pairs (the portal's nine facets), about 10 kB: the
# default bounds a web worker's cache near 20 MB.
DEFAULT_ENTRIES = 2000


class CountsCache:
    """A thread-safe LRU map of at most ``entries`` items (0: keeps nothing)."""

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
