"""Several nodes' pages of hits made one: interleaved, facets summed, copies of one work grouped.

**Order.** Scores of different indexes are not comparable (each has its own term statistics), ranks are. By
relevance the hits interleave by rank — every node's first hit, then every node's second — and within one rank
by the score divided by that node's best score on the page. By year or title the pages are merged by the
year, or by the romanized main-title key that `tongwen.works.keys` gives (the local index sorts by a
romanized key too). Page *p* of a federated search is page *p* of every node, interleaved.

**Works.** Copies of one work held by different nodes are found with the clustering's own evidence: each
node sends its hits' match keys (`Features`, from its full records, identifiers included); hits sharing a key
are scored with `cluster.work_score` and joined by `GuardedUnionFind`, exactly as `tongwen cluster` joins
records within a node. Hits that one node already put in one work stay together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tongwen.federation.answers import NodeHits
from tongwen.federation.fanout import HTTP_ERROR, OK, TIMEOUT, UNREACHABLE, PeerAnswer
from tongwen.federation.peers import LOCAL
from tongwen.index.facets import FACETS
from tongwen.index.search_index import RESULT_WINDOW, Hit
from tongwen.works.cluster import GuardedUnionFind, link_works
from tongwen.works.keys import MAIN, Features


@dataclass(slots=True)
class FederatedHit:
    node: str  # LOCAL or a peer's name
    url: str  # the record's page on the node that holds it
    hit: Hit
    rank: int  # position on its node's page, from 0
    relative_score: float  # score / the node's best score on the page
    work: dict[str, Any] | None  # the node's own work of it: {"id", "copies", "institutions": {code: copies}}
    keys: Features | None
    group: int = 0  # equal for copies of one work across nodes

    def to_dict(self) -> dict[str, Any]:
        return {**self.hit.to_dict(), "node": self.node, "url": self.url, "work": self.work, "group": self.group}


@dataclass(slots=True)
class FederatedResult:
    total: int  # over every node that answered
    hits: list[FederatedHit]
    facets: dict[str, list[tuple[str, int]]]
    local: NodeHits
    local_ms: int
    answers: list[PeerAnswer] = field(default_factory=list)
    budget: float = 2.0

    @property
    def query_error(self) -> None:
        """Always None: a query this node cannot read stops the search before any merge (`BadSearch`)."""
        return None

    @property
    def paged_total(self) -> int:
        """How far pages go: as far as the node with most hits, each within its result window."""
        totals = [self.local.total] + [answer.total for answer in self.answers]
        return min(max(totals), RESULT_WINDOW)

    def to_dict(self, page: int, page_size: int) -> dict[str, Any]:
        return {
            "scope": "all",
            "total": self.total,
            "page": page,
            "page_size": page_size,
            "hits": [hit.to_dict() for hit in self.hits],
            "facets": {name: [{"value": v, "count": c} for v, c in pairs] for name, pairs in self.facets.items()},
            "local": {"status": OK, "ms": self.local_ms, "total": self.local.total},
            "peers": [peer_status(answer, self.budget) for answer in self.answers],
        }


def peer_status(answer: PeerAnswer, budget: float) -> dict[str, Any]:
    return {"name": answer.peer.name, "institution": answer.peer.institution, "url": answer.peer.url,
            "status": answer.status, "ms": answer.ms, "total": answer.total,
            "message": None if answer.status == OK else failure_message(answer, budget)}


def failure_message(answer: PeerAnswer, budget: float) -> str:
    """In English for the JSON answer; the portal page says the same in the reader's language."""
    name = answer.peer.name
    if answer.status == TIMEOUT:
        return f"{name} did not answer in {budget:g} s: results without it"
    if answer.status == HTTP_ERROR:
        return f"{name} answered with an error (HTTP {answer.http_status}): results without it"
    if answer.status == UNREACHABLE:
        return f"{name} could not be reached: results without it"
    return f"{name} sent an answer that is not a Tongwen search result ({answer.detail}): results without it"


def node_hits(node: str, page: NodeHits, record_url: Callable[[str], str]) -> list[FederatedHit]:
    best = max((hit.score for hit in page.hits), default=0.0)
    return [FederatedHit(node, record_url(hit.id), hit, rank, hit.score / best if best > 0 else 0.0,
                         page.works.get(hit.id), page.keys.get(hit.id))
            for rank, hit in enumerate(page.hits)]


def _title_key(item: FederatedHit) -> str:
    if item.keys is not None:
        for key, strength in item.keys.titles.items():
            if key.startswith("r:") and strength.startswith(MAIN):
                return key[2:]
    text = next((t["text"] for t in item.hit.titles if t.get("role", "main") == "main"), None)
    return text.casefold() if text else "\uffff"  # untitled last, as the index sorts them


def interleave(nodes: list[list[FederatedHit]], sort: str) -> list[FederatedHit]:
    """All nodes' hits in one order (see the module docstring); ties keep the nodes' order."""
    order = {id(item): n for n, items in enumerate(nodes) for item in items}
    every = [item for items in nodes for item in items]

    def by(item: FederatedHit) -> tuple:
        node = order[id(item)]
        if sort == "relevance":
            return (item.rank, -item.relative_score, node)
        if sort in ("year", "-year"):
            year = item.hit.year
            return (year is None, (year or 0) if sort == "year" else -(year or 0), node, item.rank)
        return (_title_key(item), node, item.rank)

    return sorted(every, key=by)


def group_works(hits: list[FederatedHit]) -> None:
    """Set `FederatedHit.group`: one number per work, numbered in the order the works first appear."""
    uf = GuardedUnionFind()
    blocks: dict[str, list[tuple[int, Features]]] = defaultdict(list)
    for i, item in enumerate(hits):
        features = item.keys or Features(f"{item.node}/{item.hit.id}")
        uf.add(i, features)
        for key in features.blocking_keys():
            blocks[key].append((i, features))
    link_works(blocks.values(), uf)
    same_node_work: dict[tuple[str, str], int] = {}
    for i, item in enumerate(hits):
        if item.work is not None:
            first = same_node_work.setdefault((item.node, item.work["id"]), i)
            uf.union(first, i)  # the node's own clustering decided, with all of its records to hand
    numbers: dict[int, int] = {}
    for i, item in enumerate(hits):
        item.group = numbers.setdefault(uf.find(i), len(numbers) + 1)


def merge_facets(pages: list[dict[str, list[tuple[str, int]]]]) -> dict[str, list[tuple[str, int]]]:
    """Counts summed by value, the top values of each facet kept as the index keeps them (`FacetSpec.size`);
    facets this node does not know are left out (their values could not be filtered on here)."""
    merged: dict[str, dict[str, int]] = {}
    for facets in pages:
        for name, pairs in facets.items():
            if name not in FACETS:
                continue
            counts = merged.setdefault(name, {})
            for value, count in pairs:
                counts[value] = counts.get(value, 0) + count
    return {name: sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:FACETS[name].size]
            for name, counts in merged.items()}


def merge(local: NodeHits, local_ms: int, answers: list[PeerAnswer], sort: str, budget: float,
          local_url: Callable[[str], str]) -> FederatedResult:
    answered = [answer for answer in answers if answer.status == OK and answer.hits is not None]
    nodes = [node_hits(LOCAL, local, local_url)]
    nodes += [node_hits(answer.peer.name, answer.hits, answer.peer.record_url) for answer in answered]
    hits = interleave(nodes, sort)
    group_works(hits)
    facets = merge_facets([local.facets] + [answer.hits.facets for answer in answered])
    total = local.total + sum(answer.total for answer in answered)
    return FederatedResult(total, hits, facets, local, local_ms, answers, budget)
