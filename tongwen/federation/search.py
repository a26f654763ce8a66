"""`federated_search`: this node's own search and its peers', at the same time, merged into one result."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import anyio.from_thread
from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from tongwen.federation.answers import read_answer
from tongwen.federation.fanout import ask_peers
from tongwen.federation.merge import FederatedResult, merge
from tongwen.federation.peers import Peer, PeersFileError, load_peers
from tongwen.web.searching import BadSearch, SearchParams


async def federated_search(params: SearchParams, local_search: Callable[[], dict[str, Any]], peers: list[Peer],
                           budget: float, local_url: Callable[[str], str]) -> FederatedResult:
    """`local_search` gives this node's `/api/search` answer with match keys (run in a worker thread while the
    peers are asked); BadSearch when it cannot read the query — the peers' answers are then not wanted."""

    async def timed_local() -> tuple[dict[str, Any], int]:
        started = time.monotonic()
        body = await run_in_threadpool(local_search)
        return body, round((time.monotonic() - started) * 1000)

    (body, local_ms), answers = await asyncio.gather(timed_local(), ask_peers(peers, params, budget))
    if body.get("query_error"):
        raise BadSearch(body["query_error"])
    local = read_answer(body, page_size=params.page_size)
    return merge(local, local_ms, answers, params.sort, budget, local_url)


def search_all(request: Request, params: SearchParams, local_search: Callable[[], dict[str, Any]]) -> FederatedResult:
    """`federated_search` for a route handler running in a worker thread (the portal's handlers are plain
    functions): the peers from the peers file, read each time so `tongwen peers add` needs no restart."""
    settings = request.app.state.settings
    try:
        peers = list(load_peers(settings.peers_path).values())
    except PeersFileError as error:
        raise HTTPException(503, f"A search of all member portals cannot be made: {error}") from None

    def local_url(record_id: str) -> str:
        return str(request.url_for("record_page", record_id=record_id))

    return anyio.from_thread.run(federated_search, params, local_search, peers, settings.peer_timeout, local_url)
