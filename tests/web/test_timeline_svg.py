"""The timeline picture on its own: rows, era names, links and escaping (the page around it is in test_browse.py)."""

import doctest

from lxml import etree

from tongwen.web import timeline_svg as module
from tongwen.web.timeline_svg import YEARS_SHOWN_ONE_BY_ONE, timeline_rows, timeline_svg

SVG = ""  # drawn for inline use in HTML, which needs no SVG namespace


def test_docstring_examples():
    failures, tried = doctest.testmod(module)
    assert tried and not failures


def test_decades_when_the_span_is_long_years_when_it_is_short():
    counts = [(1008, 1), (1868, 2), (1869, 1), (2024, 3)]
    assert [row.label for row in timeline_rows(counts)] == ["1000s", "1860s", "2020s"]
    short = timeline_rows(counts, low=1860, high=1860 + YEARS_SHOWN_ONE_BY_ONE - 1)
    assert [(row.label, row.count) for row in short] == [("1868", 2), ("1869", 1)]
    assert timeline_rows([]) == [] and timeline_rows(counts, low=1900, high=1910) == []


def test_era_names_beside_the_years():
    (row,) = timeline_rows([(1897, 4)], low=1890, high=1899)
    assert dict(row.eras) == {"JP": "明治30年", "CN": "光緒23年", "KR": "光武元年"}
    (decade,) = timeline_rows([(1640, 1), (1700, 1)])[:1]
    assert "崇禎" in dict(decade.eras)["CN"] and "…" in dict(decade.eras)["CN"]  # at most three, then …


def test_picture_links_rows_and_escapes_labels():
    rows = timeline_rows([(1868, 3), (1925, 1)])
    svg = timeline_svg(rows, title="<Timeline & co>", description="d",
                       search_link=lambda row: f"/search?filter=year:{row.years}&q=<x>",
                       zoom_link=lambda row: None, bar_title=lambda row: f"{row.years}: {row.count}")
    tree = etree.fromstring(svg)
    assert tree.find(f"{SVG}title").text == "<Timeline & co>"
    links = [a.get("href") for a in tree.iter(f"{SVG}a")]
    assert links == ["/search?filter=year:1860-1869&q=<x>", "/search?filter=year:1920-1929&q=<x>"]
    assert tree.find(f".//{SVG}line[@class='timeline-gap']") is not None  # 1870s–1910s skipped
    assert "style=" not in svg  # the CSP forbids inline styles
