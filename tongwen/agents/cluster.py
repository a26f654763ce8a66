"""Which mentions name one agent: pairwise evidence, then guarded connected components.

    >>> from tongwen.agents.keys import Mention
    >>> a = Mention("lc:1#0", "lc:1", keys=frozenset({"h:吉田一", "r:hachimeyoshida"}))
    >>> b = Mention("ndl:2#0", "ndl:2", keys=frozenset({"h:吉田一"}))
    >>> c = Mention("pu:3#0", "pu:3", keys=frozenset({"r:hachimeyoshida"}))
    >>> groups = cluster_mentions([a, b, c])
    >>> sorted(len(g) for g in groups)
    [3]

**Evidence.** A shared authority identifier (VIAF, ISNI, LCNAF, NDL, NLK) decides alone. A shared name key
that is *distinct* (three or more Han characters or hangul syllables, a romanized name of at least nine key
letters with a full given name; `Mention.distinct_keys`) is *name evidence*. Any shared name key — or only our
own romanization of a vernacular name (``g:``) — is *strong* evidence together with agreeing life years or a
co-occurring title (the two records share a main-title key).

**Guards** (never merged, whatever the names): different kinds (person / body / meeting); two values of one
identifier scheme where one agent has one value (two VIAF clusters); life years more than a year apart; two
mentions on the same bibliographic record (an author and her translator of the same name are two people in
the record's own eyes).

**Homonyms.** Name evidence alone joins a mention to the agents it names only when they do not disagree among
themselves: an undated 山田太郎 next to a 山田太郎 born 1931 and another born 1957 joins neither. The strong
links are made first, so the homonyms are already apart when the name-only mentions are placed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tongwen.agents.keys import EXCLUSIVE_SCHEMES, Mention

YEAR_TOLERANCE = 1  # catalogues disagree by a year on birth dates (lunar-calendar and age-reckoning births)
WINDOW = 40  # inside a block larger than this, each mention is compared with its neighbours only
MAX_BLOCK = 20000  # a key shared by more mentions is linked through identifiers only


@dataclass(slots=True)
class Summary:
    """What a component knows about its agent: enough to refuse a union that would mix two."""

    kind: str
    identifiers: dict[str, set[str]] = field(default_factory=dict)
    births: set[int] = field(default_factory=set)
    deaths: set[int] = field(default_factory=set)
    records: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, mention: Mention) -> Summary:
        summary = cls(mention.kind)
        for identifier in mention.identifiers:
            scheme, _, value = identifier.partition(":")
            if scheme in EXCLUSIVE_SCHEMES:
                summary.identifiers.setdefault(scheme, set()).add(value)
        if mention.birth is not None:
            summary.births.add(mention.birth)
        if mention.death is not None:
            summary.deaths.add(mention.death)
        if not mention.authority:
            summary.records.add(mention.record_id)
        return summary

    def conflicts(self, other: Summary) -> bool:
        if self.kind != other.kind:
            return True
        for scheme, values in self.identifiers.items():
            theirs = other.identifiers.get(scheme)
            if theirs and not values & theirs:
                return True
        for mine, theirs in ((self.births, other.births), (self.deaths, other.deaths)):
            if mine and theirs and max(mine | theirs) - min(mine | theirs) > YEAR_TOLERANCE:
                return True
        return bool(self.records & other.records)

    def absorb(self, other: Summary) -> None:
        for scheme, values in other.identifiers.items():
            self.identifiers.setdefault(scheme, set()).update(values)
        self.births |= other.births
        self.deaths |= other.deaths
        self.records |= other.records


class GuardedUnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.summary: dict[int, Summary] = {}

    def add(self, item: int, mention: Mention) -> None:
        if item not in self.parent:
            self.parent[item] = item
            self.summary[item] = Summary.of(mention)

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def compatible(self, roots: Iterable[int]) -> bool:
        roots = list(dict.fromkeys(roots))
        for i, a in enumerate(roots):
            for b in roots[i + 1:]:
                if self.summary[a].conflicts(self.summary[b]):
                    return False
        return True

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.summary[ra].conflicts(self.summary[rb]):
            return False
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.summary[ra].absorb(self.summary.pop(rb))
        return True

    def components(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for item in self.parent:
            groups.setdefault(self.find(item), []).append(item)
        return groups


def _years_agree(a: Mention, b: Mention) -> bool:
    pairs = [(x, y) for x, y in ((a.birth, b.birth), (a.death, b.death)) if x is not None and y is not None]
    return bool(pairs) and all(abs(x - y) <= YEAR_TOLERANCE for x, y in pairs)


STRONG, NAME = 2, 1


def evidence(a: Mention, b: Mention) -> int:
    """`STRONG`, `NAME` (a distinct name alone) or 0 for a pair of mentions; guards are the union-find's."""
    if a.identifiers & b.identifiers:
        return STRONG
    shared = a.keys & b.keys
    corroborated = _years_agree(a, b) or bool(a.titles & b.titles)
    if (shared or a.comparable_keys() & b.comparable_keys()) and corroborated:
        return STRONG
    if shared & a.distinct_keys() & b.distinct_keys():
        return NAME
    return 0


def _pairs(n: int) -> Iterable[tuple[int, int]]:
    for i in range(n):
        for j in range(i + 1, n if n <= WINDOW else min(n, i + WINDOW)):
            yield i, j


def link(blocks: Iterable[Sequence[tuple[int, Mention]]], uf: GuardedUnionFind) -> int:
    """Link the mentions of each block (mentions sharing one key); returns the pairs scored."""
    scored = 0
    by_name: dict[int, set[int]] = {}
    for block in blocks:
        for item, mention in block:
            uf.add(item, mention)
        if len(block) < 2:
            continue
        if len(block) > MAX_BLOCK:
            continue
        ordered = sorted(block, key=lambda entry: (entry[1].birth or 0, entry[1].mention_id))
        for i, j in _pairs(len(ordered)):
            (ia, ma), (ib, mb) = ordered[i], ordered[j]
            if uf.find(ia) == uf.find(ib):
                continue
            scored += 1
            found = evidence(ma, mb)
            if found == STRONG:
                uf.union(ia, ib)
            elif found == NAME:
                by_name.setdefault(ia, set()).add(ib)
                by_name.setdefault(ib, set()).add(ia)
    for item in sorted(by_name):
        roots = {uf.find(item), *(uf.find(other) for other in by_name[item])}
        if len(roots) > 1 and uf.compatible(roots):
            for other in by_name[item]:
                uf.union(item, other)
    return scored


def cluster_mentions(mentions: Sequence[Mention]) -> list[list[Mention]]:
    """Every mention in one group per agent (in memory: for tests and the evaluation)."""
    blocks: dict[str, list[tuple[int, Mention]]] = {}
    uf = GuardedUnionFind()
    for item, mention in enumerate(mentions):
        uf.add(item, mention)
        for key in mention.blocking_keys():
            blocks.setdefault(key, []).append((item, mention))
    link((blocks[key] for key in sorted(blocks)), uf)
    return [[mentions[i] for i in sorted(group)] for group in uf.components().values()]
