"""From a search URL to a search request and back: the one place that knows the portal's URL parameters.

URL parameters (the same for the results page and ``/api/search``), so every search is a bookmarkable link:
``q`` (the query), ``filter`` (repeatable, ``facet:value``), ``sort`` (relevance, year, -year, title),
``page`` (from 1) and ``page_size`` (at most 100); no page reaches past `RESULT_WINDOW` (10,000) hits.
``scope``: ``local`` (this node, the default) or ``all`` (this node and its peers, `tongwen.federation`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from tongwen.index import SearchRequest
from tongwen.index.facets import DEFAULT_FACETS, parse_filter
from tongwen.index.query import QuerySyntaxError
from tongwen.index.search_index import result_window_error
from tongwen.web.rendering import MAX_QUERY_LENGTH

MAX_PAGE_SIZE = 100
MAX_FILTERS = 20
SCOPES = ("local", "all")
PORTAL_FACETS = (*DEFAULT_FACETS, "year", "place", "subject", "creator")


class BadSearch(ValueError):
    """A search people cannot have meant (too long, bad filter); the message says what to change."""


@dataclass(frozen=True, slots=True)
class SearchParams:
    query: str
    filters: tuple[tuple[str, str], ...]
    sort: str
    page: int
    page_size: int
    scope: str = "local"

    def request(self, facets=PORTAL_FACETS) -> SearchRequest:
        grouped: dict[str, list[str]] = defaultdict(list)
        for name, value in self.filters:
            grouped[name].append(value)
        return SearchRequest(self.query, dict(grouped), tuple(facets), self.sort, self.page, self.page_size)

    def url(self, base: str, **changes) -> str:
        """This search as a link, with some parameters changed (``filters=...``, ``page=...``)."""
        params = [*_leading_params(changes.get("query", self.query), changes.get("filters", self.filters)),
                  *_trailing_params(changes.get("sort", self.sort), changes.get("page", 1), self.page_size,
                                    changes.get("scope", self.scope))]
        return f"{base}?{urlencode(params)}" if params else base

    def with_filter_url(self, base: str) -> Callable[[str, str], str]:
        """A function ``(name, value) → self.url(base, filters=(*self.filters, (name, value)))`` that encodes the
        parts every such link shares once: a results page links each of its ~150 facet values this way.

        >>> link = SearchParams("源氏", (), "-year", 3, 20).with_filter_url("/search")
        >>> link("institution", "NDL")
        '/search?q=%E6%BA%90%E6%B0%8F&filter=institution%3ANDL&sort=-year'
        """
        # As in `url` (a new filter's link goes to page 1): the query and filters, the new filter, the rest.
        head = urlencode(_leading_params(self.query, self.filters))
        tail = urlencode(_trailing_params(self.sort, 1, self.page_size, self.scope))
        before = f"{base}?{head}&" if head else f"{base}?"
        after = f"&{tail}" if tail else ""

        def link(name: str, value: str) -> str:
            return f"{before}{urlencode([('filter', f'{name}:{value}')])}{after}"

        return link


def _leading_params(query: str, filters: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A search link's parameters before any added filter: the query and its filters."""
    return [*([("q", query)] if query else []), *(("filter", f"{name}:{value}") for name, value in filters)]


def _trailing_params(sort: str, page: int, page_size: int, scope: str) -> list[tuple[str, str]]:
    """The rest of a search link's parameters, each only when not the default."""
    return [*([("sort", sort)] if sort != "relevance" else []), *([("page", str(page))] if page != 1 else []),
            *([("page_size", str(page_size))] if page_size != 20 else []),
            *([("scope", scope)] if scope != "local" else [])]


def parse_params(q: str | None, filters: list[str] | None, sort: str | None, page: int | None,
                 page_size: int | None, scope: str | None = None) -> SearchParams:
    query = (q or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise BadSearch(f"The query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}.")
    if page_size is not None and not 1 <= page_size <= MAX_PAGE_SIZE:
        raise BadSearch(f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
    if page is not None and page < 1:
        raise BadSearch("page must be 1 or more.")
    if too_deep := result_window_error(page or 1, page_size or 20):
        raise BadSearch(too_deep[0].upper() + too_deep[1:] + ".")
    if scope not in (None, "", *SCOPES):
        raise BadSearch(f"scope must be local (this portal) or all (this portal and its peers), not {scope!r}.")
    if filters and len(filters) > MAX_FILTERS:
        raise BadSearch(f"At most {MAX_FILTERS} filters can be combined.")
    parsed = []
    for text in filters or []:
        try:
            parsed.append(parse_filter(text))
        except QuerySyntaxError as error:
            raise BadSearch(str(error)) from error
    return SearchParams(query, tuple(dict.fromkeys(parsed)), sort or "relevance", page or 1, page_size or 20,
                        scope or "local")
