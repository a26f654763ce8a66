"""Facets people can count and filter by, and how a filter value becomes part of the plan.

    >>> filters_plan({"institution": ["NDL", "NLK"], "year": ["1900-1950"]})
    Unscored(child=Bool(must=(Bool(must=(), should=(Term(field='institution', token='NDL'), Term(field='institution', token='NLK')), must_not=(), min_should=1), YearBetween(low=1900, high=1950)), should=(), must_not=(), min_should=0))

Values of one facet are ORed, different facets ANDed — the usual faceted-search reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from tongwen.index.plan import Bool, FacetSpec, Plan, Term, Unscored, YearBetween
from tongwen.index.query import QuerySyntaxError

FACETS: dict[str, FacetSpec] = {
    "institution": FacetSpec("institution", "institution"),
    "country": FacetSpec("country", "country"),
    "language": FacetSpec("language", "language"),
    "script": FacetSpec("script", "script"),
    "type": FacetSpec("type", "type"),
    "subject": FacetSpec("subject", "subject_facet", size=30),
    "year": FacetSpec("year", "year", size=30, interval=10),  # decades, "1900-1909"
    "digitised": FacetSpec("digitised", "digitised"),  # "full text", "page images"
    "place": FacetSpec("place", "place_facet", size=30),  # tongwen.places ids: "1850147" (Tokyo), "JP"
    "creator": FacetSpec("creator", "agent_facet", size=20),  # one entry per agent (tongwen.agents ids)
    # The browse pages (tongwen.web.browse) count every value, not the top ones.
    "places": FacetSpec("places", "place_facet", size=5000),
    "subjects": FacetSpec("subjects", "subject_facet", size=10000),
    "years": FacetSpec("years", "year", size=6000, interval=1),
}
DEFAULT_FACETS = ("institution", "country", "language", "script", "type")
_RANGE = re.compile(r"^\s*(\d{1,4})?\s*[-–]\s*(\d{1,4})?\s*$")


def facet_specs(names: Iterable[str]) -> list[FacetSpec]:
    specs = []
    for name in names:
        if name not in FACETS:
            raise QuerySyntaxError(f"there is no facet {name!r}; the facets are {', '.join(FACETS)}")
        specs.append(FACETS[name])
    return specs


def parse_filter(text: str) -> tuple[str, str]:
    """``"institution=NDL"`` or ``"institution:NDL"`` → ``("institution", "NDL")``.

    >>> parse_filter("year=1900-1950")
    ('year', '1900-1950')
    """
    match = re.fullmatch(r"\s*([A-Za-z_]+)\s*[=:]\s*(.*?)\s*", text)
    if not match or not match.group(2):
        raise QuerySyntaxError(f"the filter {text!r} needs the form facet=value, for example institution=NDL")
    name, value = match.group(1).lower(), match.group(2)
    if name not in FACETS:
        raise QuerySyntaxError(f"there is no facet {name!r} to filter on; the facets are {', '.join(FACETS)}")
    return name, value


def year_bounds(value: str) -> tuple[int | None, int | None]:
    """``"1900-1950"``, ``"1900-"``, ``"-1950"`` or ``"1868"``."""
    if re.fullmatch(r"\s*\d{1,4}\s*", value):
        return int(value), int(value)
    match = _RANGE.fullmatch(value)
    if not match or (match.group(1) is None and match.group(2) is None):
        raise QuerySyntaxError(f"the year filter {value!r} is not a year or a range such as 1900-1950")
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else None
    if low is not None and high is not None and low > high:
        raise QuerySyntaxError(f"the year filter {value!r} starts after it ends")
    return low, high


def filters_plan(filters: Mapping[str, Iterable[str]]) -> Plan | None:
    """A non-scoring plan that keeps only records matching every facet filter, or None without filters."""
    groups: list[Plan] = []
    for name, values in filters.items():
        if name not in FACETS:
            raise QuerySyntaxError(
                f"there is no facet {name!r} to filter on; the facets are {', '.join(FACETS)}"
            )
        values = [value for value in values if value]
        if not values:
            continue
        spec = FACETS[name]
        if spec.interval:
            options: list[Plan] = [YearBetween(*year_bounds(value)) for value in values]
        else:
            options = [Term(spec.field, value) for value in values]
        groups.append(options[0] if len(options) == 1 else Bool(should=tuple(options), min_should=1))
    if not groups:
        return None
    return Unscored(groups[0] if len(groups) == 1 else Bool(must=tuple(groups)))
