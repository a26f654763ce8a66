"""The portal's HTML pages. Each handler gathers data through the Catalog and renders one template."""

from __future__ import annotations

import html
from functools import partial
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from tongwen.archive.events import Event, PreservationStore
from tongwen.cjk.scripts import detect_script, lang_tag
from tongwen.federation.fanout import HTTP_ERROR, OK, TIMEOUT, UNREACHABLE
from tongwen.federation.merge import FederatedResult
from tongwen.federation.peers import LOCAL, PeersFileError, load_peers
from tongwen.federation.search import search_all
from tongwen.index.search_index import RESULT_WINDOW
from tongwen.protocols.iiif_image import LocalImages
from tongwen.web import registry_pages
from tongwen.web.api import search_body
from tongwen.web.catalog import Catalog
from tongwen.web.i18n import current_language
from tongwen.web.i18n import gettext as _
from tongwen.web.labels import content_type_label, country_label, language_label, script_label
from tongwen.web.record_actions import record_actions
from tongwen.web.rendering import choose_language, format_number, render
from tongwen.web.searching import BadSearch, SearchParams, parse_params
from tongwen.web.suggest import other_script_suggestions
from tongwen.web.urls import url_for
from tongwen.web.viewer import first_page_thumbnail, page_strip, text_hits_view
from tongwen.web.views import display_title, original_script_first, record_view

router = APIRouter(include_in_schema=False)

EXAMPLES = (("紅樓夢", "zh-Hant"), ("源氏物語", "ja"), ("춘향전", "ko"), ("hong lou meng", "zh-Latn"),
            ("仏教", "ja"))


def catalog_of(request: Request) -> Catalog:
    return request.app.state.catalog


def institution_summary(catalog: Catalog, code: str, count: int) -> dict[str, Any]:
    info = catalog.directory.get(code)
    name, name_lang, english, country, city, website = None, None, None, None, None, None
    if info is not None:
        english, country, city, website = info.name_en, info.country, info.city, info.website
        own = info.names[0] if info.names else None
        name = own.text if own else info.name_en
        name_lang = lang_tag(own.script, own.lang, own.text) if own else "en"
    return {"code": code, "name": name, "name_lang": name_lang, "english": english, "country": country,
            "country_name": country_label(country), "city": city, "website": website, "count": count}


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request):
    choose_language(request)
    catalog = catalog_of(request)
    institutions = [institution_summary(catalog, code, n) for code, n in catalog.institution_counts().items()]
    countries: dict[str, int] = {}
    for inst in institutions:
        if inst["country"]:
            countries[inst["country"]] = countries.get(inst["country"], 0) + inst["count"]
    return render(request, "home.html", {
        "institutions": institutions,
        "countries": [{"name": country_label(c), "count": n}
                      for c, n in sorted(countries.items(), key=lambda item: -item[1])],
        "total": catalog.record_count(),
        "examples": EXAMPLES,
        "digitised": digitised_items(catalog),
    })


DIGITISED_SHOWN = 8


def digitised_items(catalog: Catalog) -> list[dict[str, Any]]:
    """The digitised items the home page shows (records with page images, through the "digitised" facet):
    title in its own script, where held, how many pages, and the first page as a thumbnail when it can be shown."""
    from tongwen.index.documents import PAGE_IMAGES
    from tongwen.index.search_index import SearchRequest

    found = catalog.search(SearchRequest(filters={"digitised": [PAGE_IMAGES]}, facets=(),
                                         page_size=DIGITISED_SHOWN))
    images = LocalImages(catalog.settings.images_dir)
    items = []
    for record in catalog.records([hit.id for hit in found.hits]):
        title, _others = display_title(record)
        items.append({"id": record.id, "title": title["text"], "title_lang": title["lang"],
                      "institution": record.institution, "pages": len(record.pages),
                      "first_label": record.pages[0].label if record.pages else None,
                      "thumbnail": first_page_thumbnail(record, images)})
    return items


def facet_value_label(name: str, value: str, catalog: Catalog) -> tuple[str, str | None]:
    """The label people see for a facet value, and its language tag when it is record text."""
    if name == "institution":
        info = catalog.directory.get(value)
        return (f"{info.name_en} ({value})" if info else value), None
    if name == "country":
        return country_label(value) or value, None
    if name == "language":
        return language_label(value), None
    if name == "script":
        return script_label(value), None
    if name == "type":
        return content_type_label(value), None
    if name == "subject":
        return value, lang_tag(detect_script(value), None, value)
    if name == "place":
        from tongwen.places import Gazetteer  # loads the gazetteer (two seconds) on the first place shown

        gazetteer = Gazetteer.shared()
        place = gazetteer.place(value)
        if place is not None and place.kind == "country":
            return country_label(place.country) or place.name, None
        return (gazetteer.label(place, current_language().code) if place else value), None
    if name == "creator":
        agent = catalog.agents.agent(value) if catalog.agents else None
        if agent is None:
            return value, None
        form = preferred_form(agent, current_language().code)
        return form.text, lang_tag(form.script, form.lang, form.text)
    return value, None


# The scripts a name is best shown in for each interface language, best first (Han forms serve every CJK one).
PREFERRED_SCRIPTS = {"zh-Hans": ("Hans", "Hani", "Hant"), "zh-Hant": ("Hant", "Hani", "Hans"),
                     "ja": ("Jpan", "Hani", "Hant", "Kana", "Hira"), "ko": ("Kore", "Hang", "Hani", "Hant")}


def preferred_form(agent, language: str):
    """The form of an agent shown to a reader of `language`: the first in its preferred scripts, else Latin."""
    for script in (*PREFERRED_SCRIPTS.get(language, ()), "Latn"):
        for form in agent.forms:
            if form.script == script:
                return form
    return agent.forms[0]


def facet_title(name: str) -> str:
    return {"institution": _("Institution"), "country": _("Country"), "language": _("Language"),
            "script": _("Script"), "type": _("Type"), "year": _("Decade"), "subject": _("Subject"),
            "place": _("Place"), "creator": _("Creator")}.get(name, name)


def hit_view(hit) -> dict[str, Any]:
    main_forms = [t for t in hit.titles if t.get("role") == "main"] or hit.titles[:1]
    titles = [{"text": t["text"], "lang": t.get("lang") or "und"} for t in original_script_first(main_forms)]
    main = titles[0] if titles else {"text": hit.id, "lang": "und"}
    creators = []
    for creator in hit.creators[:4]:
        forms = original_script_first(creator.get("forms") or [])
        first = forms[0] if forms else {"text": creator.get("name", ""), "lang": None}
        creators.append({"text": first["text"], "lang": first.get("lang") or "und"})
    snippet = hit.snippet
    if snippet and _plain(snippet) in {t["text"] for t in titles}:
        snippet = None  # the snippet would only repeat a title shown already
    return {
        "id": hit.id,
        "title": main,
        "other_titles": titles[1:3],
        "creators": creators,
        "year": hit.date or hit.year,
        "institution": hit.institution,
        "content_type": content_type_label(hit.type) if hit.type else None,
        "snippet": _markup(snippet),
    }


MAX_HOLDINGS_SHOWN = 12


def holding_view(record) -> dict[str, Any]:
    title, _others = display_title(record)
    return {"id": record.id, "title": title["text"], "lang": title["lang"], "institution": record.institution,
            "year": record.date_display or record.year_from}


def works_on_page(hits, catalog: Catalog, query: str | None = None) -> list[dict[str, Any]]:
    """One entry per work: hits of the same work on this page fold into the first (best-ranked) one, which
    lists every library's copy ("held by NLC, NDL, NLK (4 copies)"). A hit whose full text matched lists
    those pages, each opening the viewer there with ``query``'s words marked."""
    clusters = catalog.clusters_for([hit.id for hit in hits])
    images = LocalImages(catalog.settings.images_dir)
    thumbnails = {record.id: first_page_thumbnail(record, images)
                  for record in catalog.records([hit.id for hit in hits])}
    entries: list[dict[str, Any]] = []
    seen_works: set[str] = set()
    for hit in hits:
        view = hit_view(hit)
        view["thumbnail"] = thumbnails.get(hit.id)
        view["in_text"] = text_hits_view(hit.id, hit.in_text, query)
        cluster = clusters.get(hit.id)
        if cluster is not None and len(cluster.members) > 1:
            if cluster.work_id in seen_works:
                continue
            seen_works.add(cluster.work_id)
            members = catalog.records(cluster.members[:MAX_HOLDINGS_SHOWN])
            view["holdings"] = [holding_view(record) for record in members]
            view["holding_institutions"] = ", ".join(sorted(cluster.institutions))
            view["copies"] = len(cluster.members)
        entries.append(view)
    return entries


def _plain(snippet_html: str) -> str:
    return html.unescape(snippet_html.replace("<mark>", "").replace("</mark>", ""))


def _markup(html: str | None):
    """The index returns snippets already escaped with only <mark> added, so they are safe to insert."""
    from markupsafe import Markup

    return Markup(html) if html else None


@router.get("/search", response_class=HTMLResponse, name="search_page")
def search_page(
    request: Request,
    q: str | None = None,
    filter: list[str] | None = Query(None),
    sort: str | None = None,
    page: int | None = None,
    page_size: int | None = None,
    scope: str | None = None,
):
    choose_language(request)
    catalog = catalog_of(request)
    base = str(url_for(request, "search_page").path)
    try:
        params = parse_params(q, filter, sort, page, page_size, scope)
        if params.scope == "all":
            result = search_all(request, params, partial(search_body, catalog, params, match_keys=True))
        else:
            result = catalog.search(params.request())
    except BadSearch as error:
        return render(request, "results.html", {"error": str(error), "query": q, "hits": [], "total": 0},
                      status_code=400)
    context = results_context(params, result, catalog, base)
    context["scopes"] = scope_links(params, base, request.app.state.settings)
    return render(request, "results.html", context)


def scope_links(params: SearchParams, base: str, settings) -> list[dict[str, Any]]:
    """"Search in: This portal · All member portals", when this node lists peers."""
    try:
        listed = bool(load_peers(settings.peers_path))
    except PeersFileError:
        listed = True  # the search of all portals then says what is wrong with the file
    if not listed and params.scope == "local":
        return []
    return [{"label": label, "url": params.url(base, scope=scope, page=params.page if scope == params.scope else 1),
             "current": scope == params.scope}
            for scope, label in (("local", _("This portal")), ("all", _("All member portals")))]


def federated_entries(result: FederatedResult) -> list[dict[str, Any]]:
    """One entry per work, as `works_on_page`, across nodes: the first (best-placed) hit of a work lists the
    copies of it the other nodes found, and says who holds it, with each node's own count of its copies."""
    entries: list[dict[str, Any]] = []
    by_group: dict[int, dict[str, Any]] = {}
    for item in result.hits:
        node = _("at this portal") if item.node == LOCAL else _("at %(node)s") % {"node": item.node}
        view = hit_view(item.hit)
        holding = {"id": item.hit.id, "title": view["title"]["text"], "lang": view["title"]["lang"],
                   "institution": item.hit.institution, "year": view["year"], "url": item.url, "node": node}
        entry = by_group.get(item.group)
        if entry is None:
            entry = by_group[item.group] = {**view, "url": item.url, "node": node, "holdings": [],
                                            "_works": {}}
            entries.append(entry)
        entry["holdings"].append(holding)
        work = item.work or {"id": item.hit.id, "institutions": {item.hit.institution or "?": 1}}
        entry["_works"][(item.node, work["id"])] = work["institutions"]
    for entry in entries:
        holders: dict[str, int] = {}
        for institutions in entry.pop("_works").values():
            for code, copies in institutions.items():
                holders[code] = holders.get(code, 0) + copies
        entry["copies"] = sum(holders.values())
        entry["holding_institutions"] = ", ".join(sorted(holders))
        if entry["copies"] < 2:
            entry["holdings"] = None
    return entries


def peer_lines(result: FederatedResult) -> list[dict[str, Any]]:
    """What each node did, in the reader's language: "NLK: 12 results in 35 ms", or why it is missing."""
    seconds = format_number(result.budget)
    lines = [{"ok": True, "text": _("%(name)s: %(count)s results in %(ms)s ms") % {
        "name": _("This portal"), "count": format_number(result.local.total), "ms": format_number(result.local_ms)}}]
    for answer in result.answers:
        name = answer.peer.name
        if answer.status == OK:
            text = _("%(name)s: %(count)s results in %(ms)s ms") % {
                "name": name, "count": format_number(answer.total), "ms": format_number(answer.ms)}
        elif answer.status == TIMEOUT:
            text = _("%(name)s did not answer in %(seconds)s s: results without it") % {
                "name": name, "seconds": seconds}
        elif answer.status == UNREACHABLE:
            text = _("%(name)s could not be reached: results without it") % {"name": name}
        elif answer.status == HTTP_ERROR:
            text = _("%(name)s answered with an error (HTTP %(status)s): results without it") % {
                "name": name, "status": answer.http_status}
        else:
            text = _("%(name)s sent an answer that is not a Tongwen search result: results without it") % {
                "name": name}
        lines.append({"ok": answer.status == OK, "text": text})
    return lines


def results_context(params: SearchParams, result, catalog: Catalog, base: str) -> dict[str, Any]:
    """The results page of a local search (a `SearchResult`) or of all member portals (a `FederatedResult`)."""
    federated = isinstance(result, FederatedResult)
    selected = set(params.filters)
    filter_url = params.with_filter_url(base)
    facets = []
    for name, pairs in result.facets.items():
        values = []
        for value, count in pairs:
            label, lang = facet_value_label(name, value, catalog)
            chosen = (name, value) in selected
            values.append({"value": value, "label": label, "lang": lang, "count": count, "selected": chosen,
                           "url": filter_url(name, value)})
        if values:
            facets.append({"name": name, "label": facet_title(name), "values": values})
    active = [
        {"label": f"{facet_title(name)}: {facet_value_label(name, value, catalog)[0]}",
         "remove_url": params.url(base, filters=tuple(f for f in params.filters if f != (name, value)))}
        for name, value in params.filters
    ]
    pages = None
    # Pages stop at the result window: the links never lead to a page the search refuses.
    paged = result.paged_total if federated else min(result.total, RESULT_WINDOW)
    page_count = (paged + params.page_size - 1) // params.page_size
    if page_count > 1:
        pages = {"page": params.page, "count": page_count,
                 "prev": params.url(base, page=params.page - 1) if params.page > 1 else None,
                 "next": params.url(base, page=params.page + 1) if params.page < page_count else None}
    suggestions = []
    if not result.hits and params.query and not result.query_error:
        suggestions = [{"text": s.text, "lang": s.lang, "url": params.url(base, query=s.text)}
                       for s in other_script_suggestions(params.query)]
    return {
        "query": params.query,
        "error": result.query_error,
        "hits": federated_entries(result) if federated else works_on_page(result.hits, catalog, params.query),
        "total": result.total,
        "facets": facets,
        "filters": active,
        "sort": params.sort,
        "sorts": [("relevance", _("Relevance")), ("-year", _("Newest first")), ("year", _("Oldest first")),
                  ("title", _("Title"))],
        "pages": pages,
        "first_position": (params.page - 1) * params.page_size + 1,
        "suggestions": suggestions,
        # English ↔ CJK: the titles the index searched besides the query, each a search of its own.
        "also_searched": [{"text": title, "lang": lang_tag(detect_script(title), None, title),
                           "url": params.url(base, query=title)} for title in getattr(result, "also_searched", ())],
        "scope": params.scope,
        "peers": peer_lines(result) if federated else [],
    }


def other_copies(record_id: str, catalog: Catalog) -> list[dict[str, Any]]:
    """The other records of this record's work: same edition first, then other editions and translations."""
    cluster = catalog.cluster_of(record_id)
    if cluster is None or len(cluster.members) < 2:
        return []
    same_edition = set(cluster.edition_members)
    others = [rid for rid in cluster.members if rid != record_id]
    others.sort(key=lambda rid: rid not in same_edition)
    views = []
    for record in catalog.records(others[:50]):
        view = holding_view(record)
        view["level"] = _("same edition") if record.id in same_edition else _("other edition or translation")
        views.append(view)
    return views


@router.get("/record/{record_id:path}/original", name="original_record")
def original_record(request: Request, record_id: str):
    choose_language(request)
    record = catalog_of(request).record(record_id)
    if record is None or not record.provenance or not record.provenance.original:
        raise HTTPException(404, _("There is no record with the id %(id)s.") % {"id": record_id})
    original = record.provenance.original
    media = "application/xml" if original.lstrip().startswith("<") else "text/plain"
    return Response(original, media_type=f"{media}; charset=utf-8")


@router.get("/record/{record_id:path}", response_class=HTMLResponse, name="record_page")
def record_page(request: Request, record_id: str):
    choose_language(request)
    catalog = catalog_of(request)
    record = catalog.record(record_id)
    if record is None:
        raise HTTPException(404, _("There is no record with the id %(id)s.") % {"id": record_id})
    info = catalog.directory.get(record.institution or "")
    view = record_view(record, institution_name=info.name_en if info else None,
                       cluster=other_copies(record.id, catalog))
    actions = record_actions(record, permalink=str(request.url_for("record_page", record_id=record.id)),
                             export_url=str(request.url_for("export_one", record_id=record.id)),
                             original_lang=view["title"]["lang"])
    return render(request, "record.html", {"view": view, "actions": actions, "pages": page_strip(request, record),
                                           "agent_links": catalog.agent_links(record.id),
                                           "preservation_events": preservation_events(request, catalog, record.id)})


def preservation_events(request: Request, catalog: Catalog, record_id: str) -> list[Event] | None:
    """The item's preservation events for signed-in staff; None for readers (they are the library's own)."""
    if registry_pages.signed_in_user(request).is_anonymous or not catalog.has_data():
        return None
    with PreservationStore.open(catalog.settings.database, read_only=True) as events:
        return events.events_of(record_id)


@router.get("/institution/{code}", response_class=HTMLResponse, name="institution_page")
def institution_page(request: Request, code: str):
    choose_language(request)
    catalog = catalog_of(request)
    result = catalog.search(SearchParams("", (("institution", code),), "relevance", 1, 1).request(("language",)))
    count = result.total
    if code not in catalog.directory and not count:
        raise HTTPException(404, _("There is no institution with the code %(code)s.") % {"code": code})
    languages = [{"label": language_label(value), "count": n} for value, n in result.facets.get("language", [])]
    return render(request, "registry/institution_cooperation.html", {
        "inst": institution_summary(catalog, code, count),
        "languages": languages,
        **registry_pages.institution_cooperation(request, code),
    })


@router.get("/docs", response_class=HTMLResponse, name="api_docs")
def api_docs(request: Request):
    choose_language(request)
    return render(request, "docs.html", {"spec": request.app.openapi()})
