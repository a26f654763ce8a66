"""Ask every peer's `/api/search` at once, and stop waiting when the time budget is spent.

Each peer is asked for the same page as the person asked this node, with ``scope=local`` (a peer never fans out
again, so two portals listing each other cannot loop) and ``match_keys=true`` (so copies of one work can be
grouped here). The answer to each peer is a `PeerAnswer`: its hits, or why there are none — it did not answer
in time, could not be reached, answered with an HTTP error, or sent something that is not a search result.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass

import httpx

from tongwen import __version__
from tongwen.federation.answers import BadAnswer, NodeHits, read_answer
from tongwen.federation.peers import Peer
from tongwen.web.searching import SearchParams

log = logging.getLogger("tongwen.federation")
MAX_ANSWER_BYTES = 8_000_000  # a page of 100 full hits is well under 1 MB; more is not a search answer

OK, TIMEOUT, UNREACHABLE, HTTP_ERROR, BAD_ANSWER = "ok", "timeout", "unreachable", "error", "bad answer"


@dataclass(slots=True)
class PeerAnswer:
    peer: Peer
    status: str  # OK, TIMEOUT, UNREACHABLE, HTTP_ERROR or BAD_ANSWER
    ms: int  # from the start of the fan-out to its answer (or to the end of the budget)
    hits: NodeHits | None = None
    http_status: int | None = None
    detail: str | None = None  # what went wrong, for the log and the JSON answer

    @property
    def total(self) -> int:
        return self.hits.total if self.hits else 0


def peer_query(params: SearchParams) -> list[tuple[str, str]]:
    """The URL parameters a peer is asked with: this search, one node deep."""
    query = [("q", params.query)] if params.query else []
    query += [("filter", f"{name}:{value}") for name, value in params.filters]
    query += [("sort", params.sort), ("page", str(params.page)), ("page_size", str(params.page_size)),
              ("scope", "local"), ("match_keys", "true")]
    return query


async def _read_limited(response: httpx.Response) -> bytes:
    received = bytearray()
    async for chunk in response.aiter_bytes():
        received += chunk
        if len(received) > MAX_ANSWER_BYTES:
            raise BadAnswer(f"the answer is larger than {MAX_ANSWER_BYTES:,} bytes")
    return bytes(received)


async def _ask(client: httpx.AsyncClient, peer: Peer, query: list[tuple[str, str]], params: SearchParams,
               started: float) -> PeerAnswer:
    def answer(status: str, **fields) -> PeerAnswer:
        return PeerAnswer(peer, status, round((time.monotonic() - started) * 1000), **fields)

    try:
        async with client.stream("GET", peer.search_url, params=query) as response:
            body = await _read_limited(response)
        if response.status_code != 200:
            return answer(HTTP_ERROR, http_status=response.status_code,
                          detail=f"HTTP {response.status_code} from {peer.search_url}")
        return answer(OK, hits=read_answer(json.loads(body), page_size=params.page_size))
    except httpx.TimeoutException:
        return answer(TIMEOUT, detail="timed out")
    except httpx.HTTPError as error:  # refused, reset, DNS, TLS, a broken HTTP response
        return answer(UNREACHABLE, detail=f"{type(error).__name__}: {error}")
    except (BadAnswer, ValueError) as error:  # ValueError: not JSON, not UTF-8
        return answer(BAD_ANSWER, detail=str(error))


async def ask_peers(peers: list[Peer], params: SearchParams, budget: float) -> list[PeerAnswer]:
    """Every peer's answer, in the order of `peers`, within `budget` seconds for all of them together."""
    if not peers:
        return []
    query = peer_query(params)
    started = time.monotonic()
    # The httpx timeout stops a slow connect or read; the overall wait below stops a peer that trickles bytes.
    async with httpx.AsyncClient(timeout=budget, follow_redirects=True, max_redirects=3,
                                 headers={"Accept": "application/json",
                                          "User-Agent": f"Tongwen/{__version__} (federated search)"}) as client:
        tasks = [asyncio.create_task(_ask(client, peer, query, params, started)) for peer in peers]
        done, pending = await asyncio.wait(tasks, timeout=budget)
        for task in pending:
            task.cancel()
        answers = []
        for peer, task in zip(peers, tasks, strict=True):
            if task in done:
                answers.append(task.result())
            else:
                answers.append(PeerAnswer(peer, TIMEOUT, round(budget * 1000), detail="timed out"))
        if pending:
            await asyncio.wait(pending)  # let the cancelled requests close their connections
    for answer in answers:
        if answer.status != OK:
            log.warning("federated search: peer %s %s (%s)", answer.peer.name, answer.status, answer.detail)
    return answers
