"""Facet filters: how `--filter` values are read."""

import doctest

import pytest

import tongwen.index.facets
from tongwen.index.facets import facet_specs, filters_plan, parse_filter, year_bounds
from tongwen.index.plan import Term, Unscored
from tongwen.index.query import QuerySyntaxError


def test_docstring_examples():
    failures, _ = doctest.testmod(tongwen.index.facets)
    assert failures == 0


def test_parse_filter_accepts_equals_and_colon():
    assert parse_filter("institution=NDL") == ("institution", "NDL")
    assert parse_filter(" Script : Hang ") == ("script", "Hang")


@pytest.mark.parametrize("text", ["institution", "publisher=x", "=NDL", "institution="])
def test_bad_filters_get_a_message(text):
    with pytest.raises(QuerySyntaxError):
        parse_filter(text)


def test_year_bounds():
    assert year_bounds("1900-1950") == (1900, 1950)
    assert year_bounds("1900-") == (1900, None)
    assert year_bounds("-1950") == (None, 1950)
    assert year_bounds("1868") == (1868, 1868)
    with pytest.raises(QuerySyntaxError):
        year_bounds("1950-1900")


def test_single_filter_is_one_term():
    assert filters_plan({"country": ["JP"]}) == Unscored(Term("country", "JP"))
    assert filters_plan({"country": []}) is None


def test_unknown_facet_is_refused():
    with pytest.raises(QuerySyntaxError):
        facet_specs(["colour"])
