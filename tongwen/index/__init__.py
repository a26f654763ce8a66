"""Search: a tantivy index derived from the store, our query language, facets and highlighted hits.

>>> from tongwen.index import SearchIndex, SearchRequest
>>> index = SearchIndex.open(settings.index_dir)          # doctest: +SKIP
>>> index.sync(store)                                     # doctest: +SKIP
>>> index.search(SearchRequest("源氏物語", facets=["institution"], sort="-year"))  # doctest: +SKIP
"""

from tongwen.index.facets import DEFAULT_FACETS, FACETS
from tongwen.index.query import QuerySyntaxError, parse_query
from tongwen.index.search_index import SORTS, Hit, SearchIndex, SearchRequest, SearchResult, SyncReport

__all__ = [
    "DEFAULT_FACETS",
    "FACETS",
    "SORTS",
    "Hit",
    "QuerySyntaxError",
    "SearchIndex",
    "SearchRequest",
    "SearchResult",
    "SyncReport",
    "parse_query",
]
