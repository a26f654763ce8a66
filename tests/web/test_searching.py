"""Search URLs: a facet value's link, made from the parts all of a page's links share, is `SearchParams.url`'s."""

import doctest

import pytest

from tongwen.web import searching
from tongwen.web.searching import SearchParams


@pytest.mark.parametrize("params", [
    SearchParams("", (), "relevance", 1, 20),
    SearchParams("源氏物語", (), "relevance", 1, 20),
    SearchParams("a&b=c d+e", (("institution", "NDL"), ("year", "1900-1909")), "-year", 4, 50, "all"),
    SearchParams("", (("subject", "仏教 / 歴史"),), "title", 2, 20),
    SearchParams("x", (), "relevance", 1, 100, "local"),
])
@pytest.mark.parametrize("name, value", [("institution", "NLK"), ("subject", "History & Law"), ("place", "JP")])
def test_a_facet_link_is_the_search_with_that_filter_added(params, name, value):
    link = params.with_filter_url("/search")
    assert link(name, value) == params.url("/search", filters=(*params.filters, (name, value)))


def test_the_examples_in_the_module_hold():
    assert doctest.testmod(searching).failed == 0
