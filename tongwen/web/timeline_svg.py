"""The collection (or one search) by year, drawn on the server as SVG: no JavaScript, works in every browser.

One row per decade that has records (or, zoomed into at most `YEARS_SHOWN_ONE_BY_ONE` years, one row per
year): the years, a bar as long as the count, and beside them the era names in use then in Japan, China and
Korea (`tongwen.cjk.eras.eras_in_use`): 明治元年 · 同治7年 · 高宗5年 for 1868, 慶応 明治 · 同治 · 高宗 for the
1860s. Each bar is a link that narrows the search to those years; a decade's label zooms into its years.
Skipped stretches without records are marked by a dotted gap, so a collection from 1008 to 2024 stays short.

As in `tongwen.web.network_svg`: built with lxml (every label escaped), ``<title>``/``<desc>`` for screen
readers, presentation attributes and classes only (the CSP forbids style attributes).

    >>> rows = timeline_rows([(1868, 3), (1869, 1), (1925, 2)])
    >>> [(row.label, row.count, row.low, row.high) for row in rows]
    [('1860s', 4, 1860, 1869), ('1920s', 2, 1920, 1929)]
    >>> [(row.label, row.eras) for row in timeline_rows([(1868, 3)], low=1860, high=1869)][:1]
    [('1868', (('JP', '明治元年'), ('CN', '同治7年'), ('KR', '高宗5年')))]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from tongwen.cjk.eras import era_year_label, eras_in_use

YEARS_SHOWN_ONE_BY_ONE = 30
MAX_ERAS_PER_COUNTRY = 3
WIDTH, ROW, GAP = 900, 24, 14
BAR_X, BAR_WIDTH, ERAS_X = 96, 300, 470
ERA_LANG = {"JP": "ja", "CN": "zh-Hant", "KR": "ko"}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    label: str
    low: int
    high: int
    count: int
    eras: tuple[tuple[str, str], ...]  # (country, era text) in JP, CN, KR order

    @property
    def years(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"


def timeline_rows(year_counts: Iterable[tuple[int, int]], *, low: int | None = None,
                  high: int | None = None) -> list[TimelineRow]:
    """Rows for the years in ``low``–``high`` (all years when not given): one per year when that span is at
    most `YEARS_SHOWN_ONE_BY_ONE` years, else one per decade; only rows with records."""
    counts = {year: count for year, count in year_counts
              if count and (low is None or year >= low) and (high is None or year <= high)}
    if not counts:
        return []
    first, last = (low if low is not None else min(counts)), (high if high is not None else max(counts))
    if last - first + 1 <= YEARS_SHOWN_ONE_BY_ONE:
        return [TimelineRow(str(year), year, year, counts[year], _year_eras(year)) for year in sorted(counts)]
    decades: dict[int, int] = {}
    for year, count in counts.items():
        decades[year - year % 10] = decades.get(year - year % 10, 0) + count
    return [TimelineRow(_decade_label(start), start, start + 9, decades[start], _decade_eras(start))
            for start in sorted(decades)]


def _decade_label(start: int) -> str:
    return f"{start}s" if start >= 0 else f"{-start - 9} BCE"


def _year_eras(year: int) -> tuple[tuple[str, str], ...]:
    # Where an era began during the year, the year is cited in the new one (明治元年 for all of 1868).
    return tuple((country, era_year_label(eras[-1], year)) for country, eras in eras_in_use(year).items())


def _decade_eras(start: int) -> tuple[tuple[str, str], ...]:
    shown = []
    for country, eras in eras_in_use(start, start + 9).items():
        names = [era.name for era in eras]
        if len(names) > MAX_ERAS_PER_COUNTRY:
            names = [*names[:MAX_ERAS_PER_COUNTRY], "…"]
        shown.append((country, " ".join(names)))
    return tuple(shown)


def timeline_svg(rows: list[TimelineRow], *, title: str, description: str, search_link: Callable[[TimelineRow], str],
                 zoom_link: Callable[[TimelineRow], str | None], bar_title: Callable[[TimelineRow], str]) -> str:
    """The rows as SVG markup for inline use. ``search_link``: the search narrowed to a row's years;
    ``zoom_link``: the row's years one by one (None for a single year); ``bar_title``: a bar's accessible
    name in the interface language ("1860–1869: 4 records")."""
    height = 8 + sum(ROW + (GAP if _gap_before(rows, i) else 0) for i in range(len(rows)))
    svg = etree.Element("svg", viewBox=f"0 0 {WIDTH} {height}", width=str(WIDTH), height=str(height),
                        role="group", **{"aria-labelledby": "timeline-title", "aria-describedby": "timeline-desc",
                                         "class": "timeline-picture"})
    etree.SubElement(svg, "title", id="timeline-title").text = title
    etree.SubElement(svg, "desc", id="timeline-desc").text = description
    most = max((row.count for row in rows), default=1)
    y = 4
    for index, row in enumerate(rows):
        if _gap_before(rows, index):
            etree.SubElement(svg, "line", {"x1": "8", "x2": str(WIDTH - 8), "y1": str(y + GAP // 2),
                                           "y2": str(y + GAP // 2), "class": "timeline-gap", "stroke": "#999999",
                                           "stroke-dasharray": "2 4"})
            y += GAP
        group = etree.SubElement(svg, "g", {"class": "timeline-row", "data-years": row.years})
        zoom = zoom_link(row)
        label_holder = etree.SubElement(group, "a", href=zoom, **{"class": "timeline-zoom"}) if zoom else group
        label = etree.SubElement(label_holder, "text", x="8", y=str(y + 16), **{"class": "timeline-label"})
        label.text = row.label
        bar = etree.SubElement(group, "a", href=search_link(row), **{"class": "timeline-bar"})
        etree.SubElement(bar, "title").text = bar_title(row)
        length = max(2.0, BAR_WIDTH * row.count / most)
        etree.SubElement(bar, "rect", x=str(BAR_X), y=str(y + 3), width=f"{length:.1f}", height=str(ROW - 6),
                         fill="#0072b2", rx="2")
        count = etree.SubElement(bar, "text", x=f"{BAR_X + length + 6:.1f}", y=str(y + 16),
                                 **{"class": "timeline-count"})
        count.text = str(row.count)
        if row.eras:
            eras = etree.SubElement(group, "text", x=str(ERAS_X), y=str(y + 16), **{"class": "timeline-eras"})
            for position, (country, text) in enumerate(row.eras):
                span = etree.SubElement(eras, "tspan", lang=ERA_LANG[country], **{"data-country": country})
                span.text = ("  ·  " if position else "") + text
        y += ROW
    return etree.tostring(svg, encoding="unicode")


def _gap_before(rows: list[TimelineRow], index: int) -> bool:
    """A dotted line where years without records were skipped."""
    if index == 0:
        return False
    step = rows[index].high - rows[index].low + 1
    return rows[index].low - rows[index - 1].low > step
