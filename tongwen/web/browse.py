"""Browse the collection by place, by time and by subject: portal pages (``/browse``…) and their JSON
(``/api/browse/…``).

Every view is a facet count of one search — the whole collection, or the search given by the usual ``q`` and
``filter`` parameters — so each place, year or heading links to that search narrowed by one more filter
(``place:1850147``, ``year:1868``, ``subject:仏教``). Places come from the index's place facet
(`tongwen.places`), years from the year field with the era names of `tongwen.cjk.eras`, subject headings from
the subject facet filed in each script's order (`tongwen.cjk.collation`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from tongwen.cjk.collation import ORDERS, collation_entry
from tongwen.cjk.scripts import detect_script, lang_tag
from tongwen.places import Gazetteer
from tongwen.web.catalog import Catalog
from tongwen.web.i18n import current_language
from tongwen.web.i18n import gettext as _
from tongwen.web.labels import country_label
from tongwen.web.rendering import choose_language, render
from tongwen.web.searching import BadSearch, SearchParams, parse_params
from tongwen.web.timeline_svg import timeline_rows, timeline_svg

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/browse", tags=["browse"])
# The order sections are shown in: the interface language's own script first.
SECTION_ORDER = {"ja": ("gojuon", "latin", "pinyin", "ganada", "other"),
                 "ko": ("ganada", "latin", "pinyin", "gojuon", "other"),
                 "zh": ("pinyin", "latin", "gojuon", "ganada", "other")}


def _catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def _params(q: str | None, filters: list[str] | None) -> SearchParams:
    return parse_params(q, filters, None, None, None)


def _count(catalog: Catalog, params: SearchParams, facet: str) -> tuple[int, list[tuple[str, int]]]:
    if not catalog.has_data():
        return 0, []
    grouped = SearchParams(params.query, params.filters, "relevance", 1, 1)
    result = catalog.search(grouped.request((facet,)))
    return result.total, result.facets.get(facet, [])


def _search_url(request: Request, params: SearchParams, facet: str, value: str) -> str:
    base = str(request.url_for("search_page").path)
    return params.url(base, filters=(*params.filters, (facet, value)))


def _language() -> str:
    return current_language().code


def _with(url: str, **extra: object) -> str:
    """``url`` with more query parameters."""
    return url + ("&" if "?" in url else "?") + urlencode(extra)


def _year_of(bucket: str) -> int:
    """The first year of a year-facet bucket: "1868-1868", "-500--500"."""
    match = re.match(r"-?\d+", bucket)
    if match is None:
        raise ValueError(f"not a year bucket: {bucket!r}")
    return int(match.group(0))


# -- places ------------------------------------------------------------------------------------------------


def places_data(request: Request, params: SearchParams) -> dict[str, Any]:
    total, counts = _count(_catalog(request), params, "places")
    gazetteer = Gazetteer.shared()
    language = _language()
    places = []
    for place_id, count in counts:
        place = gazetteer.place(place_id)
        if place is None:  # indexed with another gazetteer version
            continue
        places.append({
            "id": place.id, "name": place.name, "kind": place.kind,
            "label": (country_label(place.country) or place.name) if place.kind == "country"
            else gazetteer.label(place, language),
            "country": place.country, "country_name": country_label(place.country) or place.country,
            "latitude": place.latitude, "longitude": place.longitude, "iso_numeric": place.iso_numeric,
            "count": count, "search": _search_url(request, params, "place", place.id),
            "other_names": [{"text": form, "lang": lang_tag(detect_script(form), None, form), "years": row.years}
                            for row in gazetteer.names_of(place.id) for form in row.forms[:1]],
        })
    return {"total": total, "places": places}


@router.get("/browse/places", response_class=HTMLResponse, name="browse_places")
def browse_places(request: Request, q: str | None = None, filter: list[str] | None = Query(None)):
    choose_language(request)
    try:
        params = _params(q, filter)
    except BadSearch as error:
        return render(request, "browse/places.html", {"error": str(error), "places": [], "query": q},
                      status_code=400)
    data = places_data(request, params)
    by_country: dict[str, list[dict[str, Any]]] = {}
    for place in sorted(data["places"], key=lambda p: (p["country_name"] or "", -p["count"], p["label"])):
        by_country.setdefault(place["country_name"] or "", []).append(place)
    api = str(request.url_for("api_browse_places").path)
    return render(request, "browse/places.html", {
        **data, "by_country": by_country, "query": params.query,
        "api_url": _with(params.url(api), lang=_language()),
    })


@api_router.get("/places", name="api_browse_places", summary="Places with record counts, for a map")
def api_browse_places(request: Request, q: str | None = None, filter: list[str] | None = Query(None)):
    """Every place the records (or the records of a search, ``q`` and ``filter`` as for ``/api/search``) name
    as a place of publication or a subject place: GeoNames id (or ISO country code), names, coordinates
    (cities) or the Natural Earth id of the outline (countries), the record count and the narrowed search."""
    choose_language(request)
    return places_data(request, _params(q, filter))


# -- time --------------------------------------------------------------------------------------------------


def time_data(request: Request, params: SearchParams, low: int | None, high: int | None) -> dict[str, Any]:
    total, counts = _count(_catalog(request), params, "years")
    years = [(_year_of(value), count) for value, count in counts]
    rows = timeline_rows(years, low=low, high=high)
    return {"total": total, "dated": sum(count for _, count in years), "rows": rows,
            "low": low, "high": high}


def _row_json(request: Request, params: SearchParams, row) -> dict[str, Any]:
    return {"label": row.label, "from": row.low, "to": row.high, "count": row.count,
            "eras": {country: text for country, text in row.eras},
            "search": _search_url(request, params, "year", row.years)}


@router.get("/browse/time", response_class=HTMLResponse, name="browse_time")
def browse_time(request: Request, q: str | None = None, filter: list[str] | None = Query(None),
                low: int | None = Query(None, alias="from", ge=-3000, le=3000),
                high: int | None = Query(None, alias="to", ge=-3000, le=3000)):
    choose_language(request)
    try:
        params = _params(q, filter)
    except BadSearch as error:
        return render(request, "browse/time.html", {"error": str(error), "rows": [], "query": q}, status_code=400)
    data = time_data(request, params, low, high)
    page = str(request.url_for("browse_time").path)

    def zoom(row) -> str | None:
        if row.low == row.high:
            return None
        return _with(params.url(page), **{"from": row.low, "to": row.high})

    svg = timeline_svg(
        data["rows"], title=_("The collection by year"),
        description=_("One bar per decade or year with records; beside it the era names in use in Japan, "
                      "China and Korea. Each bar opens the search for those years."),
        search_link=lambda row: _search_url(request, params, "year", row.years), zoom_link=zoom,
        bar_title=lambda row: _("%(years)s: %(count)s records") % {"years": row.years, "count": row.count},
    ) if data["rows"] else ""
    return render(request, "browse/time.html", {
        **data, "svg": Markup(svg), "query": params.query,  # built by lxml, which escapes every label
        "all_url": params.url(page) if low is not None or high is not None else None,
    })


@api_router.get("/time", name="api_browse_time", summary="Record counts by decade or year, with era names")
def api_browse_time(request: Request, q: str | None = None, filter: list[str] | None = Query(None),
                    low: int | None = Query(None, alias="from", ge=-3000, le=3000),
                    high: int | None = Query(None, alias="to", ge=-3000, le=3000)):
    """Counts of the records (or of a search's records) by decade, or by year for a span of at most 30 years
    (``from``, ``to``), with the Japanese, Chinese and Korean eras in use and the narrowed search."""
    params = _params(q, filter)
    data = time_data(request, params, low, high)
    return {"total": data["total"], "dated": data["dated"],
            "rows": [_row_json(request, params, row) for row in data["rows"]]}


# -- subjects ----------------------------------------------------------------------------------------------


def subjects_data(request: Request, params: SearchParams) -> dict[str, Any]:
    total, counts = _count(_catalog(request), params, "subjects")
    language = _language()
    sections: dict[str, dict[str, list[dict[str, Any]]]] = {order: {} for order in ORDERS}
    for heading, count in sorted(counts, key=lambda pair: collation_entry(pair[0], language).key):
        entry = collation_entry(heading, language)
        sections[entry.order].setdefault(entry.group, []).append({
            "heading": heading, "count": count, "lang": lang_tag(detect_script(heading), None, heading),
            "search": _search_url(request, params, "subject", heading),
        })
    order = SECTION_ORDER.get(language[:2], ("latin", "pinyin", "gojuon", "ganada", "other"))
    return {"total": total, "sections": [{"order": name, "groups": [
        {"group": group, "entries": entries} for group, entries in sorted(sections[name].items())
    ]} for name in order if sections[name]]}


def section_title(order: str) -> str:
    return {"latin": _("Latin script, A–Z"), "pinyin": _("Chinese characters, in pinyin order"),
            "gojuon": _("Japanese, in gojūon order"), "ganada": _("Korean, in ganada order"),
            "other": _("Other scripts")}[order]


@router.get("/browse/subjects", response_class=HTMLResponse, name="browse_subjects")
def browse_subjects(request: Request, q: str | None = None, filter: list[str] | None = Query(None)):
    choose_language(request)
    try:
        params = _params(q, filter)
    except BadSearch as error:
        return render(request, "browse/subjects.html", {"error": str(error), "sections": [], "query": q},
                      status_code=400)
    data = subjects_data(request, params)
    for section in data["sections"]:
        section["title"] = section_title(section["order"])
    return render(request, "browse/subjects.html", {**data, "query": params.query})


@api_router.get("/subjects", name="api_browse_subjects", summary="Subject headings with counts, in browse order")
def api_browse_subjects(request: Request, q: str | None = None, filter: list[str] | None = Query(None),
                        lang: str | None = None):
    """Every subject heading with its record count, in sections by script (Latin A–Z, Chinese by pinyin,
    Japanese in gojūon order, Korean in ganada order), grouped by index letter. ``lang`` (an interface
    language) decides how headings in Chinese characters alone are read: ``ja`` in Japanese, ``ko`` in Korean."""
    choose_language(request)
    return subjects_data(request, _params(q, filter))


# -- the overview ------------------------------------------------------------------------------------------


@router.get("/browse", response_class=HTMLResponse, name="browse")
def browse(request: Request):
    choose_language(request)
    params = _params(None, None)
    places = places_data(request, params)["places"]
    years = time_data(request, params, None, None)
    subjects = _count(_catalog(request), params, "subjects")[1]
    return render(request, "browse/index.html", {
        "top_places": sorted(places, key=lambda p: -p["count"])[:12], "place_count": len(places),
        "first_year": years["rows"][0].low if years["rows"] else None,
        "last_year": years["rows"][-1].high if years["rows"] else None, "dated": years["dated"],
        "top_subjects": [{"heading": h, "count": n, "lang": lang_tag(detect_script(h), None, h),
                          "search": _search_url(request, params, "subject", h)} for h, n in subjects[:12]],
        "subject_count": len(subjects),
    })
