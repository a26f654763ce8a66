"""Federated search: this node and the member portals it lists as peers, searched as one.

`peers` keeps the list (``<data>/peers.toml``, `tongwen peers add URL`); `fanout` asks every peer's
``/api/search`` at once within a time budget; `merge` turns the answers into one result — hits interleaved,
facets summed, copies of one work on different nodes grouped — that says which peer did not answer.
"""
