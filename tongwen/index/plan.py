"""The narrow seam between Tongwen and a search engine: what goes in (`IndexDocument`) and what is asked
(`Plan` trees of terms, phrases, ranges and boolean groups over pre-analysed tokens).

Everything text-related (CJK folding, readings, romanization, field boosts) is decided on our side, so an
engine only has to store tokens per field, count facet values and score with BM25-like weights. The tantivy
engine (`tongwen.index.tantivy_engine`) is one implementation; another engine plugs in by implementing
`Engine` over these few types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Token fields, each holding pre-analysed tokens in order (positions matter for phrases). A field may hold
# several values (one per title form, per name...), so a phrase never runs from one form into the next.
TEXT_FIELDS = (
    "title",  # every form of main/parallel/variant/uniform titles, analysed (folded CJK grams, Latin words)
    "title_roman",  # the same titles as normalised romanization tokens (readings of CJK, romanized forms)
    "title_key",  # whole-title keys for the exact-title boost, one token per title form
    "creator",
    "creator_roman",
    "subject",
    "publisher",
    "other",  # series titles, notes
    "isbn",  # standard numbers, normalised
    "text",  # the full text of a digitised item, one value per page (`tongwen.index.fulltext`)
)
# Facet fields: exact keyword values, counted and filtered on.
KEYWORD_FIELDS = ("institution", "country", "language", "script", "type", "subject_facet", "digitised", "place_facet",
                  "agent_facet")
YEAR_FIELD = "year"
SORT_TITLE_FIELD = "sort_title"
ID_FIELD = "id"


@dataclass(slots=True)
class PageDocument:
    """One page as the page index sees it (`tongwen.index.fulltext`): where it is, its tokens, its text."""

    record_id: str
    ordinal: int  # position among the record's pages, from 0
    label: str
    tokens: str  # analysed tokens joined by single spaces
    text: str


@dataclass(slots=True)
class IndexDocument:
    """One record as the engine sees it. ``display`` is the small JSON-able summary shown in hit lists
    (titles in every script, creators, year, institution); the full record stays in the store."""

    id: str
    texts: dict[str, list[str]]  # field -> values, each value its tokens joined by single spaces
    keywords: dict[str, list[str]]
    year: int | None
    sort_title: str
    display: dict[str, Any] = field(default_factory=dict)
    pages: list[PageDocument] = field(default_factory=list)  # for the page index; their tokens are in texts["text"]


# ---- query plans (engine-neutral) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    token: str


@dataclass(frozen=True, slots=True)
class Phrase:
    field: str
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class YearBetween:
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Bool:
    """must: all match; should: scored, and at least ``min_should`` of them must match (0 = optional when
    there are musts, 1 when there are none); must_not: excluded."""

    must: tuple[Plan, ...] = ()
    should: tuple[Plan, ...] = ()
    must_not: tuple[Plan, ...] = ()
    min_should: int = 0


@dataclass(frozen=True, slots=True)
class Boost:
    child: Plan
    factor: float


@dataclass(frozen=True, slots=True)
class Unscored:
    """Matches like ``child`` but adds nothing to the score (filters)."""

    child: Plan


@dataclass(frozen=True, slots=True)
class MatchAll:
    pass


@dataclass(frozen=True, slots=True)
class MatchNone:
    pass


Plan = Term | Phrase | YearBetween | Bool | Boost | Unscored | MatchAll | MatchNone


@dataclass(frozen=True, slots=True)
class FacetSpec:
    """A facet to count: a keyword field (top ``size`` values) or the year field in buckets of ``interval``."""

    name: str
    field: str
    size: int = 20
    interval: int | None = None


@dataclass(slots=True)
class EngineHit:
    id: str
    score: float
    display: dict[str, Any]


@dataclass(slots=True)
class EngineResult:
    total: int
    hits: list[EngineHit]
    facets: dict[str, list[tuple[str, int]]]


class Engine(Protocol):
    """What an index engine must do. Writes are buffered until `commit`."""

    def upsert(self, documents: list[IndexDocument]) -> None: ...

    def refresh(self) -> None:
        """See commits made by another process."""
        ...

    def delete(self, ids: list[str]) -> None: ...

    def delete_all(self) -> None: ...

    def commit(self) -> None: ...

    def count(self) -> int: ...

    def search(
        self,
        plan: Plan,
        *,
        offset: int,
        limit: int,
        sort: str,
        facets: list[FacetSpec],
    ) -> EngineResult: ...

    def close(self) -> None: ...
