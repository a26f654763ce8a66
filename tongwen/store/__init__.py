"""The store: the single source of truth for records, runs and their problems.

    >>> from tongwen.store import Store
    >>> store = Store.open(":memory:")  # a real SQLite database, handy in tests
    >>> store.count()
    0

Everything else (search index, OAI-PMH, works) is derived from it and follows it through
`Store.changes_since(seq)`. SQLite is the only backend today; the API is kept narrow so that a PostgreSQL
`Store` with the same methods can stand beside it.
"""

from tongwen.store.api import COUNT_NAMES, Change, Problem, Run, SourceInfo, StoreError, UpsertResult
from tongwen.store.records import SCHEMA_VERSION, Store

__all__ = [
    "COUNT_NAMES",
    "SCHEMA_VERSION",
    "Change",
    "Problem",
    "Run",
    "SourceInfo",
    "Store",
    "StoreError",
    "UpsertResult",
]
